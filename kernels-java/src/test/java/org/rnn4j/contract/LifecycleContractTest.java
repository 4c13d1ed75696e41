package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * Who owns what: an Rnn created by backend name owns (and closes) that backend, one created with a backend
 * instance leaves it to the caller; a closed Rnn refuses every call with IllegalStateException; and the
 * parameter set an Rnn binds is a frozen copy, so neither the Rnn's view nor the caller's later
 * {@link RnnParameters#set} calls can swap a weight segment under a backend's prepared form.
 */
class LifecycleContractTest {

    static final RnnConfig CFG = Ref.config(Cell.lstm(), 3, 4, 2, true, DType.F64, Layout.TIME_MAJOR);
    static final int T = 3;
    static final int N = 2;

    // ---------------------------------------------------------------- backend ownership

    @Test
    void theTestBackendIsRegistered() {
        assertTrue(Backends.available().contains(RecordingBackendProvider.NAME), Backends.list().toString());
    }

    @Test
    void rnnCreatedByNameClosesItsBackendOnceOnClose() {
        Ref.Net net = Ref.Net.random(CFG, 1);
        int before = RecordingBackendProvider.CREATED.size();
        Rnn rnn = Rnn.create(CFG, net.params(), RecordingBackendProvider.NAME);
        assertEquals(before + 1, RecordingBackendProvider.CREATED.size(), "one backend instance per Rnn");
        RecordingBackend b = RecordingBackendProvider.CREATED.get(before);
        assertEquals(RecordingBackendProvider.NAME, rnn.backendName());
        assertEquals(1, b.prepares.get());
        Ref.run(rnn, Ref.Problem.random(CFG, T, N, null, 2)); // it works while open
        assertEquals(0, b.closes.get());
        assertEquals(0, b.preparedCloses.get());

        rnn.close();
        assertEquals(1, b.closes.get(), "the Rnn closes the backend it created");
        assertEquals(1, b.preparedCloses.get(), "and the prepared weights");
        rnn.close();
        rnn.close();
        assertEquals(1, b.closes.get(), "close is idempotent");
        assertEquals(1, b.preparedCloses.get(), "close is idempotent");
    }

    /** The owning form with the backend chosen by the system property: the Rnn closes what it created. */
    @Test
    void rnnCreatedByTheSystemPropertysNameOwnsItsBackend() {
        Ref.Net net = Ref.Net.random(CFG, 12);
        String old = System.getProperty(Backends.PROPERTY);
        int before = RecordingBackendProvider.CREATED.size();
        try {
            System.setProperty(Backends.PROPERTY, RecordingBackendProvider.NAME);
            String name = Backends.nameFromSystemProperty("reference");
            assertEquals(RecordingBackendProvider.NAME, name);
            assertEquals(before, RecordingBackendProvider.CREATED.size(), "naming a backend creates no instance");
            Rnn rnn = Rnn.create(CFG, net.params(), name, BackendOptions.defaults());
            RecordingBackend b = RecordingBackendProvider.CREATED.get(before);
            rnn.close();
            assertEquals(1, b.closes.get(), "the Rnn closes the backend it created");
        } finally {
            if (old == null) System.clearProperty(Backends.PROPERTY);
            else System.setProperty(Backends.PROPERTY, old);
        }
    }

    @Test
    void rnnCreatedWithABackendInstanceLeavesItOpen() {
        Ref.Net net = Ref.Net.random(CFG, 3);
        RecordingBackend b = RecordingBackend.reference();
        Rnn rnn = Rnn.create(CFG, net.params(), b);
        rnn.close();
        assertEquals(1, b.preparedCloses.get(), "the prepared weights are the Rnn's");
        assertEquals(0, b.closes.get(), "the backend instance stays the caller's");
        // and the caller can go on using it for another network
        try (Rnn again = Rnn.create(CFG, net.params(), b)) {
            assertDoesNotThrow(() -> Ref.run(again, Ref.Problem.random(CFG, T, N, null, 4)));
        }
        assertEquals(0, b.closes.get());
    }

    @Test
    void aBackendCreatedByNameIsClosedWhenCreateFails() {
        Ref.Net net = Ref.Net.random(CFG, 5);
        int before = RecordingBackendProvider.CREATED.size();
        IllegalStateException boom = new IllegalStateException("prepare failed on purpose");
        RecordingBackendProvider.failNextPrepare = boom;
        IllegalStateException e = assertThrows(IllegalStateException.class,
                () -> Rnn.create(CFG, net.params(), RecordingBackendProvider.NAME));
        assertSame(boom, e);
        assertEquals(before + 1, RecordingBackendProvider.CREATED.size());
        assertEquals(1, RecordingBackendProvider.CREATED.get(before).closes.get(),
                "no backend leaks from a failed create");
    }

    // ---------------------------------------------------------------- a closed Rnn

    @Test
    void aClosedRnnRefusesEveryCall() {
        Ref.Net net = Ref.Net.random(CFG, 6);
        RecordingBackend b = RecordingBackend.reference();
        Rnn rnn = Rnn.create(CFG, net.params(), b);
        Random r = new Random(7);
        DType dt = CFG.dtype();
        long st = (long) CFG.stateRows() * N * CFG.hiddenSize();
        MemorySegment y = Ref.filled((long) T * N * CFG.outputSize(), dt, 0);
        SequenceArgs a = new SequenceArgs().shape(T, N).input(Ref.seg(Ref.random(r, (long) T * N * 3, 1), dt))
                .output(y);
        GradientArgs g = new GradientArgs().gradOutput(Ref.seg(Ref.random(r, (long) T * N * CFG.outputSize(), 1), dt))
                .gradH0(Ref.filled(st, dt, 0));
        int nh = N * CFG.hiddenSize();
        StepArgs s = new StepArgs().batch(N).input(Ref.seg(Ref.random(r, (long) N * 3, 1), dt))
                .hNext(Ref.filled(nh, dt, 0));
        StepGradients sg = new StepGradients().gradHNext(Ref.seg(Ref.random(r, nh, 1), dt))
                .gradHPrev(Ref.filled(nh, dt, 0));
        RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N);
        StepWorkspace sws = rnn.newStepWorkspace(Mode.TRAINING, N);
        rnn.forward(a, ws);
        rnn.stepForward(0, 0, s, sws);
        int calls = b.computeCalls(), refreshes = b.refreshes.get();

        rnn.close();
        double[] outBefore = Ref.read(y, dt);
        List<Executable> refused = List.of(
                () -> rnn.forward(a, ws),
                () -> rnn.backward(a, g, ws),
                () -> rnn.stepForward(0, 0, s, sws),
                () -> rnn.stepBackward(0, 0, s, sg, sws),
                rnn::weightsChanged);
        for (Executable call : refused) {
            IllegalStateException e = assertThrows(IllegalStateException.class, call);
            assertEquals("rnn: expected an open Rnn but close() was called", e.getMessage());
        }
        assertEquals(calls, b.computeCalls(), "no call reached the backend after close");
        assertEquals(refreshes, b.refreshes.get(), "weightsChanged did not reach the prepared weights");
        assertArrayEquals(outBefore, Ref.read(y, dt), 0, "outputs untouched");
        // closing it is still fine, and so are the workspaces' own close
        assertDoesNotThrow(rnn::close);
        ws.close();
        sws.close();
    }

    // ---------------------------------------------------------------- frozen weights

    @Test
    void theBoundParameterSetIsFrozen() {
        Ref.Net net = Ref.Net.random(CFG, 8);
        RnnParameters w = net.params();
        try (Rnn rnn = Rnn.create(CFG, w, "reference")) {
            RnnParameters bound = rnn.weights();
            assertNotSame(w, bound, "the Rnn binds a copy of the set");
            for (ParamId id : CFG.parameterIds()) {
                assertSame(w.get(id), bound.get(id), "... of the same segments (no data copied): " + id.name());
            }
            ParamId id = CFG.parameterIds().get(1);
            MemorySegment other = Ref.filled(CFG.parameterSize(id), CFG.dtype(), 0.25);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> bound.set(id, other));
            assertTrue(e.getMessage().startsWith(id.name() + ": "), e.getMessage());
            assertTrue(e.getMessage().contains("weightsChanged()"),
                    "the message says what to do instead: " + e.getMessage());
            assertThrows(IllegalStateException.class, () -> bound.set(id.name(), other));
            double[] heap = new double[(int) CFG.parameterSize(id)];
            assertThrows(IllegalStateException.class, () -> bound.set(id.name(), heap));
            assertSame(w.get(id), bound.get(id), "a refused set changes nothing");
            // the caller's own set stays editable (it is not the bound copy) ...
            assertDoesNotThrow(() -> w.set(id, other));
        }
    }

    @Test
    void theCallersLaterSetDoesNotChangeTheRnn() {
        Ref.Net net = Ref.Net.random(CFG, 9);
        Ref.Problem p = Ref.Problem.random(CFG, T, N, new int[] {3, 1}, 10);
        RnnParameters w = net.params();
        try (Rnn rnn = Rnn.create(CFG, w, "reference")) {
            Ref.Result before = Ref.run(rnn, p);
            MemorySegment original = w.get("weight_hh_l0");
            // the caller points its set at other memory: neither the next call nor weightsChanged sees it
            Ref.Net other = Ref.Net.random(CFG, 11);
            for (int i = 0; i < CFG.parameterIds().size(); i++) {
                w.set(CFG.parameterIds().get(i), Ref.seg(other.w[i], CFG.dtype()));
            }
            Ref.assertIdentical("after the caller's set()", before, Ref.run(rnn, p));
            rnn.weightsChanged();
            Ref.assertIdentical("after set() and weightsChanged()", before, Ref.run(rnn, p));
            assertSame(original, rnn.weights().get("weight_hh_l0"));
            // whereas a new Rnn of the caller's set does see the new segments ...
            try (Rnn fresh = Rnn.create(CFG, w, "reference")) {
                Ref.Result changed = Ref.run(fresh, p);
                assertFalse(java.util.Arrays.equals(before.y, changed.y), "the other weights give other outputs");
            }
            // ... and writing new values into the bound segments plus weightsChanged() is the way to update
            MemorySegment.copy(Ref.seg(other.get("weight_hh_l0"), CFG.dtype()), 0, original, 0, original.byteSize());
            rnn.weightsChanged();
            assertFalse(java.util.Arrays.equals(before.y, Ref.run(rnn, p).y), "values written in place are seen");
        }
    }
}
