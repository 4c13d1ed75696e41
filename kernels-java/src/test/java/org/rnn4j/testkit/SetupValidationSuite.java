package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.StepWorkspace;

/**
 * Contract (k) of docs/contract.md, the setup part that depends on the backend: workspace and step-workspace
 * creation and wrapping (sizes from the backend's plans, non-decreasing in T and N), and one parameter set
 * serving Rnns of both layouts. (Configurations, parameter sets and Rnn.create's own argument checks, which
 * no backend sees, are tested once, in kernels-java's SetupValidationTest.)
 */
public abstract class SetupValidationSuite extends BackendSuite {

    static final RnnConfig LSTM_F32 = Harness.config(Cell.lstm(), 3, 4, 1, false, DType.F32, Layout.TIME_MAJOR);
    /** Every kind of parameter (peepholes), two layers, both directions, float64. */
    static final RnnConfig PEEP_F64 = Harness.config(Cell.lstmWithPeepholes(), 3, 2, 2, true, DType.F64,
            Layout.BATCH_FIRST);

    protected SetupValidationSuite(BackendUnderTest backend) {
        super(backend);
    }

    /**
     * Weights made for a configuration that differs only in layout serve it (the layout shapes no parameter):
     * one parameter set bound to a time-major and a batch-first Rnn at once gives both the same numbers on
     * transposed data.
     */
    @Test
    void weightsServeAnyLayout() {
        for (DType dt : DType.values()) {
            RnnConfig tm = PEEP_F64.toBuilder().dtype(dt).layout(Layout.TIME_MAJOR).build();
            RnnConfig bf = PEEP_F64.toBuilder().dtype(dt).layout(Layout.BATCH_FIRST).build();
            Kit.Net net = Kit.Net.random(tm, 17);
            RnnParameters w = net.params(); // made for the time-major config
            Kit.Problem p = Kit.Problem.random(tm, 4, 3, new int[] {4, 1, 3}, 18);
            try (Rnn r1 = backend.create(tm, w); Rnn r2 = backend.create(bf, w)) {
                assertEquals(Layout.BATCH_FIRST, r2.config().layout());
                assertEquals(Layout.TIME_MAJOR, r1.config().layout());
                assertSame(r1.weights().get("weight_ih_l0"), r2.weights().get("weight_ih_l0"), "the same segments");
                Kit.assertIdentical(dt + " batch-first Rnn vs time-major Rnn of the same weights", Kit.run(r1, p),
                        Kit.run(r2, p));
            }
        }
    }


    // ---------------------------------------------------------------- workspaces

    @Test
    void workspaceCreation() {
        try (Arena a = Arena.ofConfined(); Rnn rnn = backend.create(LSTM_F32, RnnParameters.allocate(LSTM_F32, a))) {
            Harness.iae(() -> rnn.newWorkspace(null, 4, 2), "mode", "INFERENCE or TRAINING", "but was null");
            Harness.iae(() -> rnn.workspaceBytes(null, 4, 2), "mode", "INFERENCE or TRAINING", "but was null");
            Harness.iae(() -> rnn.newWorkspace(Mode.TRAINING, 0, 2), "maxSeqLength", ">= 1", "but was 0");
            Harness.iae(() -> rnn.newWorkspace(Mode.INFERENCE, 4, -1), "maxBatch", ">= 1", "but was -1");
            Harness.iae(() -> rnn.workspaceBytes(Mode.TRAINING, -3, 2), "maxSeqLength", ">= 1", "but was -3");
            Harness.iae(() -> rnn.workspaceBytes(Mode.TRAINING, 3, 0), "maxBatch", ">= 1", "but was 0");

            long need = rnn.workspaceBytes(Mode.TRAINING, 4, 2);
            Harness.iae(() -> rnn.wrapWorkspace(null, Mode.TRAINING, 4, 2), "memory", "a segment of " + need + " bytes",
                    "but was null");
            MemorySegment tooSmall = a.allocate(need - 1);
            Harness.iae(() -> rnn.wrapWorkspace(tooSmall, Mode.TRAINING, 4, 2), "memory", "expected at least " + need + " bytes",
                    "but was " + (need - 1));
            MemorySegment ok = a.allocate(need);
            Harness.iae(() -> rnn.wrapWorkspace(ok.asReadOnly(), Mode.TRAINING, 4, 2), "memory", "expected a writable segment",
                    "read-only");
            Arena b = Arena.ofConfined();
            MemorySegment dead = b.allocate(need);
            b.close();
            Harness.iae(() -> rnn.wrapWorkspace(dead, Mode.TRAINING, 4, 2), "memory", "expected a live segment", "closed");
            Harness.iae(() -> rnn.wrapWorkspace(ok, null, 4, 2), "mode", "INFERENCE or TRAINING", "but was null");
            Harness.iae(() -> rnn.wrapWorkspace(ok, Mode.TRAINING, 0, 2), "maxSeqLength", ">= 1", "but was 0");
            try (RnnWorkspace ws = rnn.wrapWorkspace(ok, Mode.TRAINING, 4, 2)) {
                assertEquals(Mode.TRAINING, ws.mode());
                assertEquals(4, ws.maxSeqLength());
                assertEquals(2, ws.maxBatch());
            }
            assertTrue(ok.scope().isAlive(), "closing a wrapped workspace leaves the caller's memory alone");
            try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, 4, 2)) {
                assertEquals(need, ws.byteSize(), "a new workspace holds exactly workspaceBytes");
            }
            if (backend.isReferenceBackend()) {
                // docs/layouts.md: the reference keeps nothing in an INFERENCE workspace, which is empty
                assertEquals(0, rnn.workspaceBytes(Mode.INFERENCE, 4, 2));
                try (RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, 4, 2)) {
                    assertEquals(0, ws.byteSize());
                }
            }
        }
    }

    @Test
    void stepWorkspaceCreation() {
        try (Arena a = Arena.ofConfined(); Rnn rnn = backend.create(LSTM_F32, RnnParameters.allocate(LSTM_F32, a))) {
            Harness.iae(() -> rnn.stepWorkspaceBytes(null, 2), "mode", "INFERENCE or TRAINING", "but was null");
            Harness.iae(() -> rnn.newStepWorkspace(null, 2), "mode", "INFERENCE or TRAINING", "but was null");
            Harness.iae(() -> rnn.stepWorkspaceBytes(Mode.TRAINING, 0), "maxBatch", ">= 1", "but was 0");
            Harness.iae(() -> rnn.newStepWorkspace(Mode.INFERENCE, -1), "maxBatch", ">= 1", "but was -1");

            long need = rnn.stepWorkspaceBytes(Mode.TRAINING, 2);
            assertTrue(need > 0, "a training step saves what its backward needs");
            Harness.iae(() -> rnn.wrapStepWorkspace(null, Mode.TRAINING, 2), "memory", "a segment of " + need + " bytes",
                    "but was null");
            MemorySegment tooSmall = a.allocate(need - 1);
            Harness.iae(() -> rnn.wrapStepWorkspace(tooSmall, Mode.TRAINING, 2), "memory",
                    "expected at least " + need + " bytes", "but was " + (need - 1));
            MemorySegment ok = a.allocate(need);
            Harness.iae(() -> rnn.wrapStepWorkspace(ok.asReadOnly(), Mode.TRAINING, 2), "memory",
                    "expected a writable segment", "read-only");
            Arena b = Arena.ofConfined();
            MemorySegment dead = b.allocate(need);
            b.close();
            Harness.iae(() -> rnn.wrapStepWorkspace(dead, Mode.TRAINING, 2), "memory", "expected a live segment", "closed");
            Harness.iae(() -> rnn.wrapStepWorkspace(ok, null, 2), "mode", "INFERENCE or TRAINING", "but was null");
            Harness.iae(() -> rnn.wrapStepWorkspace(ok, Mode.TRAINING, 0), "maxBatch", ">= 1", "but was 0");
            // memory for a smaller batch is too small for a larger one
            Harness.iae(() -> rnn.wrapStepWorkspace(ok, Mode.TRAINING, 3), "memory",
                    "expected at least " + rnn.stepWorkspaceBytes(Mode.TRAINING, 3) + " bytes", "but was " + need);
            try (StepWorkspace ws = rnn.wrapStepWorkspace(ok, Mode.TRAINING, 2)) {
                assertEquals(Mode.TRAINING, ws.mode());
                assertEquals(2, ws.maxBatch());
                assertEquals(need, ws.byteSize());
            }
            assertTrue(ok.scope().isAlive(), "closing a wrapped step workspace leaves the caller's memory alone");
            try (StepWorkspace ws = rnn.newStepWorkspace(Mode.INFERENCE, 5)) {
                assertEquals(Mode.INFERENCE, ws.mode());
                assertEquals(5, ws.maxBatch());
            }
            if (backend.isReferenceBackend()) {
                // the reference backend keeps nothing for an inference step: any memory, even empty, will do
                assertEquals(0, rnn.stepWorkspaceBytes(Mode.INFERENCE, 4));
                assertDoesNotThrow(() -> rnn.wrapStepWorkspace(MemorySegment.NULL, Mode.INFERENCE, 4).close());
                try (StepWorkspace ws = rnn.newStepWorkspace(Mode.INFERENCE, 4)) {
                    assertEquals(0, ws.byteSize(), "docs/layouts.md: an INFERENCE step workspace of the reference is empty");
                }
            }
        }
    }

    /** Step workspace sizes are non-decreasing in N. */
    @Test
    void stepWorkspaceBytesAreMonotonic() {
        try (Arena a = Arena.ofConfined(); Rnn rnn = backend.create(PEEP_F64, RnnParameters.allocate(PEEP_F64, a))) {
            for (Mode m : Mode.values()) {
                for (int n = 1; n <= 8; n++) {
                    assertTrue(rnn.stepWorkspaceBytes(m, n) >= 0);
                    assertTrue(rnn.stepWorkspaceBytes(m, n + 1) >= rnn.stepWorkspaceBytes(m, n));
                }
            }
        }
    }

    /** Workspace sizes are non-decreasing in T and N (a workspace for a plan fits every smaller call). */
    @Test
    void workspaceBytesAreMonotonic() {
        try (Arena a = Arena.ofConfined(); Rnn rnn = backend.create(PEEP_F64, RnnParameters.allocate(PEEP_F64, a))) {
            for (Mode m : Mode.values()) {
                for (int t = 1; t <= 6; t++) {
                    for (int n = 1; n <= 6; n++) {
                        long b = rnn.workspaceBytes(m, t, n);
                        assertTrue(b >= 0);
                        assertTrue(rnn.workspaceBytes(m, t + 1, n) >= b);
                        assertTrue(rnn.workspaceBytes(m, t, n + 1) >= b);
                    }
                }
            }
        }
    }
}
