package org.rnn4j.validation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;

/**
 * A read-only view of a heap array does not reveal its array ({@code heapBase()} is empty), so the overlap
 * check cannot compare array identity for it: an output aliasing a read-only input view must still be
 * caught, and read-only views of distinct arrays must not be reported as overlapping.
 */
class ReadOnlyHeapViewOverlapTest {
    private static final int T = 2, N = 1, I = 3, H = 3;

    private static Rnn rnn() {
        RnnConfig cfg = RnnConfig.builder(Cell.rnn(Activation.TANH), I, H).dtype(DType.F32).build();
        RnnParameters p = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) p.set(id, MemorySegment.ofArray(new float[(int) cfg.parameterSize(id)]));
        return Rnn.create(cfg, p, "reference");
    }

    @Test
    void outputAliasingAReadOnlyInputViewIsRejected() {
        float[] shared = new float[T * N * I];
        Arrays.fill(shared, 7f);
        try (Rnn rnn = rnn(); RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, T, N)) {
            SequenceArgs a = new SequenceArgs().shape(T, N).input(MemorySegment.ofArray(shared).asReadOnly())
                    .output(MemorySegment.ofArray(shared));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rnn.forward(a, ws));
            assertEquals("output: expected memory disjoint from input but the two overlap", e.getMessage());
            for (float v : shared) assertEquals(7f, v);
        }
    }

    @Test
    void readOnlyViewsOfDistinctArraysDoNotOverlap() {
        float[] in = new float[T * N * I], h0 = new float[N * H], out = new float[T * N * H];
        try (Rnn rnn = rnn(); RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, T, N)) {
            Arrays.fill(out, Float.NaN);
            rnn.forward(new SequenceArgs().shape(T, N).input(MemorySegment.ofArray(in).asReadOnly())
                    .h0(MemorySegment.ofArray(h0).asReadOnly()).output(out), ws);
            for (float v : out) assertTrue(v == 0f, "zero weights and inputs give 0, got " + v);
        }
    }
}
