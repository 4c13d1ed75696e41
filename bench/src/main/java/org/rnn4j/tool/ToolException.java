package org.rnn4j.tool;

/** A failure the tool reports as one line on stderr (exit status 1), without a stack trace. */
final class ToolException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    ToolException(String message) {
        super(message);
    }

    ToolException(String message, Throwable cause) {
        super(message, cause);
    }
}
