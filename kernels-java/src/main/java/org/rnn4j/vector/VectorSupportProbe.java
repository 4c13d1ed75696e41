package org.rnn4j.vector;

/** Touches the Vector API (only after the module check): a width below 128 bits is not worth running. */
final class VectorSupportProbe {
    private VectorSupportProbe() {}

    static String problem() {
        try {
            int bits = Species.BITS;
            if (bits < 128) return "the CPU's preferred vector width is " + bits + " bits; the vector backend needs 128 or more";
            return null;
        } catch (ExceptionInInitializerError e) {
            return e.getCause() != null ? e.getCause().getMessage() : e.toString();
        } catch (LinkageError | RuntimeException e) {
            return "the Vector API cannot be used here: " + e;
        }
    }
}
