package org.rnn4j.conform;

/** Raised inside a case for a reason that makes it fail before (or instead of) the comparison. */
final class CaseFailure extends Exception {
    private static final long serialVersionUID = 1L;

    /** The array the failure concerns (missing, wrong shape, unexpected), or null. */
    final String array;

    CaseFailure(String array, String message) {
        super(message, null, false, false);
        this.array = array;
    }
}
