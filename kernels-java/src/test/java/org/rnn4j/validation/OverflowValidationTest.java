package org.rnn4j.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.testkit.RecordingBackend;

/**
 * Contract (k) of docs/contract.md. Sizes whose element or byte counts do not fit in a long are rejected before
 * any backend sees them. Without
 * the bound, T·N·I of the first case is exactly 2^63, which wraps to Long.MIN_VALUE: a one-element segment
 * would then pass every "large enough" check. A recording backend shows that no backend method ever sees such a
 * plan (not even to size a workspace).
 */
class OverflowValidationTest {

    static void expectSeqLengthTimesBatch(org.junit.jupiter.api.function.Executable call, int T, int N) {
        IllegalArgumentException e = SetupValidationTest.iae(call, "seqLength*batch", "expected at most",
                "but was " + T + "*" + N + " = " + (long) T * N);
        assertTrue(e.getMessage().contains(" for "), e.getMessage());
    }

    @Test
    void tnBeyondTheBoundNeverReachesABackend() {
        // rnn_tanh I = H = 4096, T = 2^26, N = 2^25: T·N·I = 2^63
        RnnConfig cfg = RnnConfig.builder(Cell.rnn(Activation.TANH), 4096, 4096).dtype(DType.F32).build();
        int T = 1 << 26, N = 1 << 25;
        assertEquals(Long.MIN_VALUE, (long) T * N * cfg.inputSize(), "the case this test is about: T*N*I wraps");
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            RecordingBackend b = RecordingBackend.noop();
            try (Rnn rnn = Rnn.create(cfg, w, b)) {
                MemorySegment tiny = arena.allocate(64);
                expectSeqLengthTimesBatch(() -> new RnnPlan(cfg, T, N), T, N);
                expectSeqLengthTimesBatch(() -> rnn.workspaceBytes(Mode.INFERENCE, T, N), T, N);
                expectSeqLengthTimesBatch(() -> rnn.workspaceBytes(Mode.TRAINING, T, N), T, N);
                expectSeqLengthTimesBatch(() -> rnn.newWorkspace(Mode.TRAINING, T, N), T, N);
                expectSeqLengthTimesBatch(() -> rnn.wrapWorkspace(tiny, Mode.INFERENCE, T, N), T, N);
                assertEquals(0, b.workspaceBytesCalls.get(), "no backend was asked to size such a workspace");

                // a call of that shape with tiny tensors: the workspace (which cannot be that large) refuses it
                try (RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, 4, 4)) {
                    SequenceArgs a = new SequenceArgs().shape(T, N).input(tiny).output(arena.allocate(64));
                    SetupValidationTest.iae(() -> rnn.forward(a, ws), "workspace",
                            "expected room for T=" + T + ", N=" + N, "but it was sized for T<=4, N<=4");
                }
                assertEquals(0, b.computeCalls(), "the backend computed nothing");
                assertTrue(b.largestPlan <= 16, "the backend never saw a plan beyond the workspace: " + b.largestPlan);
            }
        }
    }

    @Test
    void theLargestIntShapesOfASmallNetwork() {
        // T = N = 2^31-1 with I = H = 4: T·N·I passes 2^63 and wraps too
        RnnConfig cfg = RnnConfig.builder(Cell.rnn(Activation.RELU), 4, 4).dtype(DType.F64).layout(Layout.BATCH_FIRST)
                .build();
        int T = Integer.MAX_VALUE, N = Integer.MAX_VALUE;
        assertTrue((long) T * N * cfg.inputSize() < 0, "the element count wraps");
        try (Arena arena = Arena.ofConfined()) {
            RecordingBackend b = RecordingBackend.noop();
            try (Rnn rnn = Rnn.create(cfg, RnnParameters.allocate(cfg, arena), b)) {
                expectSeqLengthTimesBatch(() -> rnn.workspaceBytes(Mode.TRAINING, T, N), T, N);
                expectSeqLengthTimesBatch(() -> rnn.workspaceBytes(Mode.INFERENCE, T, 1 << 30), T, 1 << 30);
                assertEquals(0, b.workspaceBytesCalls.get());
                // the bound is far from every realistic shape: long sequences and large batches size fine
                assertDoesNotThrow(() -> rnn.workspaceBytes(Mode.TRAINING, 1 << 20, 1 << 12));
                assertDoesNotThrow(() -> rnn.workspaceBytes(Mode.TRAINING, T, 1));
            }
        }
    }
}
