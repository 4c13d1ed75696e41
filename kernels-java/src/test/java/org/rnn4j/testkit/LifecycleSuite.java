package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/**
 * Contract (r) of docs/contract.md on the backend under test: the parameter set an Rnn binds is a frozen
 * copy, so neither the Rnn's view nor the caller's later {@link RnnParameters#set} calls can swap a weight
 * segment under a backend's prepared form; one parameter set serves a time-major and a batch-first Rnn; and
 * workspaces close idempotently.
 */
public abstract class LifecycleSuite extends BackendSuite {

    static final RnnConfig CFG = Kit.config(Cell.lstm(), 3, 4, 2, true, DType.F64, Layout.TIME_MAJOR);
    static final int T = 3;
    static final int N = 2;

    protected LifecycleSuite(BackendUnderTest backend) {
        super(backend);
    }

    // ---------------------------------------------------------------- frozen weights

    @Test
    void theBoundParameterSetIsFrozen() {
        Kit.Net net = Kit.Net.random(CFG, 8);
        RnnParameters w = net.params();
        try (Rnn rnn = backend.create(CFG, w)) {
            RnnParameters bound = rnn.weights();
            assertNotSame(w, bound, "the Rnn binds a copy of the set");
            for (ParamId id : CFG.parameterIds()) {
                assertSame(w.get(id), bound.get(id), "... of the same segments (no data copied): " + id.name());
            }
            ParamId id = CFG.parameterIds().get(1);
            MemorySegment other = Kit.filled(CFG.parameterSize(id), CFG.dtype(), 0.25);
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
        Kit.Net net = Kit.Net.random(CFG, 9);
        Kit.Problem p = Kit.Problem.random(CFG, T, N, new int[] {3, 1}, 10);
        RnnParameters w = net.params();
        try (Rnn rnn = backend.create(CFG, w)) {
            Kit.Result before = Kit.run(rnn, p);
            MemorySegment original = w.get("weight_hh_l0");
            // the caller points its set at other memory: neither the next call nor weightsChanged sees it
            Kit.Net other = Kit.Net.random(CFG, 11);
            for (int i = 0; i < CFG.parameterIds().size(); i++) {
                w.set(CFG.parameterIds().get(i), Kit.seg(other.w[i], CFG.dtype()));
            }
            Kit.assertIdentical("after the caller's set()", before, Kit.run(rnn, p));
            rnn.weightsChanged();
            Kit.assertIdentical("after set() and weightsChanged()", before, Kit.run(rnn, p));
            assertSame(original, rnn.weights().get("weight_hh_l0"));
            // whereas a new Rnn of the caller's set does see the new segments ...
            try (Rnn fresh = backend.create(CFG, w)) {
                Kit.Result changed = Kit.run(fresh, p);
                assertFalse(java.util.Arrays.equals(before.y, changed.y), "the other weights give other outputs");
            }
            // ... and writing new values into the bound segments plus weightsChanged() is the way to update
            MemorySegment.copy(Kit.seg(other.get("weight_hh_l0"), CFG.dtype()), 0, original, 0, original.byteSize());
            rnn.weightsChanged();
            assertFalse(java.util.Arrays.equals(before.y, Kit.run(rnn, p).y), "values written in place are seen");
        }
    }
}
