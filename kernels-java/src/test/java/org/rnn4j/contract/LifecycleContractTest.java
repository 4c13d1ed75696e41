package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
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
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;
import org.rnn4j.testkit.Kit;
import org.rnn4j.testkit.RecordingBackend;

/**
 * Contract (r) of docs/contract.md, the part a recording backend observes: an Rnn created by backend name owns
 * (and closes) that backend, one created with a backend instance leaves it to the caller; a closed Rnn refuses
 * every call with IllegalStateException before any reaches the backend. (The rest of (p), per backend, is in
 * {@link org.rnn4j.testkit.LifecycleSuite}.)
 */
class LifecycleContractTest {

    static final RnnConfig CFG = Kit.config(Cell.lstm(), 3, 4, 2, true, DType.F64, Layout.TIME_MAJOR);
    static final int T = 3;
    static final int N = 2;

    // ---------------------------------------------------------------- backend ownership

    @Test
    void theTestBackendIsRegistered() {
        assertTrue(Backends.available().contains(RecordingBackendProvider.NAME), Backends.list().toString());
    }

    @Test
    void rnnCreatedByNameClosesItsBackendOnceOnClose() {
        Kit.Net net = Kit.Net.random(CFG, 1);
        int before = RecordingBackendProvider.CREATED.size();
        Rnn rnn = Rnn.create(CFG, net.params(), RecordingBackendProvider.NAME);
        assertEquals(before + 1, RecordingBackendProvider.CREATED.size(), "one backend instance per Rnn");
        RecordingBackend b = RecordingBackendProvider.CREATED.get(before);
        assertEquals(RecordingBackendProvider.NAME, rnn.backendName());
        assertEquals(1, b.prepares.get());
        Kit.run(rnn, Kit.Problem.random(CFG, T, N, null, 2)); // it works while open
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
        Kit.Net net = Kit.Net.random(CFG, 12);
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
        Kit.Net net = Kit.Net.random(CFG, 3);
        RecordingBackend b = RecordingBackend.reference();
        Rnn rnn = Rnn.create(CFG, net.params(), b);
        rnn.close();
        assertEquals(1, b.preparedCloses.get(), "the prepared weights are the Rnn's");
        assertEquals(0, b.closes.get(), "the backend instance stays the caller's");
        // and the caller can go on using it for another network
        try (Rnn again = Rnn.create(CFG, net.params(), b)) {
            assertDoesNotThrow(() -> Kit.run(again, Kit.Problem.random(CFG, T, N, null, 4)));
        }
        assertEquals(0, b.closes.get());
    }

    @Test
    void aBackendCreatedByNameIsClosedWhenCreateFails() {
        Kit.Net net = Kit.Net.random(CFG, 5);
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
        Kit.Net net = Kit.Net.random(CFG, 6);
        RecordingBackend b = RecordingBackend.reference();
        Rnn rnn = Rnn.create(CFG, net.params(), b);
        Random r = new Random(7);
        DType dt = CFG.dtype();
        long st = (long) CFG.stateRows() * N * CFG.hiddenSize();
        MemorySegment y = Kit.filled((long) T * N * CFG.outputSize(), dt, 0);
        SequenceArgs a = new SequenceArgs().shape(T, N).input(Kit.seg(Kit.random(r, (long) T * N * 3, 1), dt))
                .output(y);
        GradientArgs g = new GradientArgs().gradOutput(Kit.seg(Kit.random(r, (long) T * N * CFG.outputSize(), 1), dt))
                .gradH0(Kit.filled(st, dt, 0));
        int nh = N * CFG.hiddenSize();
        StepArgs s = new StepArgs().batch(N).input(Kit.seg(Kit.random(r, (long) N * 3, 1), dt))
                .hNext(Kit.filled(nh, dt, 0));
        StepGradients sg = new StepGradients().gradHNext(Kit.seg(Kit.random(r, nh, 1), dt))
                .gradHPrev(Kit.filled(nh, dt, 0));
        RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N);
        StepWorkspace sws = rnn.newStepWorkspace(Mode.TRAINING, N);
        rnn.forward(a, ws);
        rnn.stepForward(0, 0, s, sws);
        int calls = b.computeCalls(), refreshes = b.refreshes.get();

        rnn.close();
        double[] outBefore = Kit.read(y, dt);
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
        assertArrayEquals(outBefore, Kit.read(y, dt), 0, "outputs untouched");
        // closing it is still fine, and so are the workspaces' own close
        assertDoesNotThrow(rnn::close);
        ws.close();
        sws.close();
    }
}
