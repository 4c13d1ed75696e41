package org.rnn4j.reference;

import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;
import org.rnn4j.spi.ExecutionPlan;

/**
 * The reference backend's workspace layout: one {@link StepRecord} per (layer, direction, t, n) of the
 * capacity in TRAINING mode, nothing in INFERENCE mode (its scratch lives in float64 arrays per call).
 */
record ReferencePlan(RnnPlan capacity, Mode mode, long recordDoubles) implements ExecutionPlan {

    static ReferencePlan of(RnnPlan capacity, Mode mode) {
        RnnConfig c = capacity.config();
        return new ReferencePlan(capacity, mode, StepRecord.doubles(c.hiddenSize(), c.gates()));
    }

    @Override
    public long workspaceBytes() {
        if (mode == Mode.INFERENCE) return 0;
        return (long) capacity.config().stateRows() * capacity.seqLength() * capacity.batch() * recordDoubles
                * Double.BYTES;
    }

    /** Double index of the record of (layer, dir, t, n) in a training workspace (single steps: layer = dir = t = 0). */
    long recordAt(int layer, int dir, int t, int n) {
        RnnConfig c = capacity.config();
        long idx = ((long) (layer * c.directions() + dir) * capacity.seqLength() + t) * capacity.batch() + n;
        return idx * recordDoubles;
    }
}
