package org.rnn4j;

/**
 * One call's shape: the configuration plus sequence length T and batch N. Backends size their workspace and
 * lay it out from the plan alone, so a workspace sized for a plan fits every call with the same or smaller T, N.
 */
public record RnnPlan(RnnConfig config, int seqLength, int batch) {
    public RnnPlan {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        Checks.positive("seqLength", seqLength);
        Checks.positive("batch", batch);
    }

    /** Elements of the input sequence: T·N·I. */
    public long inputElements() {
        return (long) seqLength * batch * config.inputSize();
    }

    /** Elements of the output sequence: T·N·D·H. */
    public long outputElements() {
        return (long) seqLength * batch * config.outputSize();
    }

    /** Elements of a state tensor: L·D·N·H. */
    public long stateElements() {
        return (long) config.stateRows() * batch * config.hiddenSize();
    }
}
