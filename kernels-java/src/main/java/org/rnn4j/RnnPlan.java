package org.rnn4j;

/**
 * One call's shape: the configuration plus sequence length T and batch N. Backends size their workspace and
 * lay it out from the plan alone, so a workspace sized for a plan fits every call with the same or smaller T, N.
 */
public record RnnPlan(RnnConfig config, int seqLength, int batch) {
    /**
     * Largest element count of one tensor a plan may address: every offset a backend computes (including
     * T·N·G·H workspace blocks in the widest layer) then fits in a long with room to spare, and in bytes too.
     */
    public static final long MAX_ELEMENTS = 1L << 58;

    public RnnPlan {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        Checks.positive("seqLength", seqLength);
        Checks.positive("batch", batch);
        // Per step and sample a call touches at most this many elements in all its tensors and in any backend's
        // saved state (all layers and directions, gates plus a few state vectors): bounding T·N by it keeps
        // every element and byte count of the call far from overflow, so no wrapped size reaches a backend.
        // (In double: with absurd layer counts the per-step product itself could pass 2^63.)
        double perStep = (double) config.stateRows() * (config.gates() + 8) * config.hiddenSize()
                + config.inputSize() + config.outputSize();
        long tn = (long) seqLength * batch;
        if (tn * perStep > MAX_ELEMENTS) {
            throw new IllegalArgumentException("seqLength*batch: expected at most " + (long) (MAX_ELEMENTS / perStep)
                    + " for " + config + " but was " + seqLength + "*" + batch + " = " + tn);
        }
    }

    /**
     * Floating-point operations of one forward pass, the convention every rnn4j speed figure uses (the bench
     * command, JMH, the training harness): the two GEMMs of each layer direction, 2·T·N·(in + H)·G·H, summed
     * over layers and directions; the elementwise work is not counted. A backward pass counts as twice the
     * forward (forward + backward = 3× forward).
     */
    public double forwardFlops() {
        double total = 0;
        int H = config.hiddenSize(), G = config.gates();
        for (int l = 0; l < config.layers(); l++) {
            total += config.directions() * 2.0 * seqLength * batch * (config.layerInputSize(l) + H) * G * H;
        }
        return total;
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
