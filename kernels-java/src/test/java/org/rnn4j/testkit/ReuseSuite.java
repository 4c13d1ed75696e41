package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnWorkspace;

/**
 * (g) A workspace sized for (T=8, N=4) serves a (T=3, N=2) call with results identical to a fresh exact-size
 * workspace, whatever an earlier bigger call left in it; repeated calls are bitwise identical.
 * (h) {@link Rnn#weightsChanged()}: after changing weights in place the caller must call it; then results are
 * those of a network created with the new weights. The reference backend keeps using its prepared copy until
 * then (callers must not rely on either behaviour without the call: other backends may read the memory live).
 */
class ReuseContractTest {

    @TestFactory
    Stream<DynamicTest> workspaceReuse() {
        return Ref.perCellAndDtype(1500, Layout.BATCH_FIRST, (net, rnn, seed) -> {
            Ref.Problem big = Ref.Problem.random(net.cfg, 8, 4, new int[] {8, 3, 6, 1}, seed + 1);
            Ref.Problem small = Ref.Problem.random(net.cfg, 3, 2, new int[] {2, 3}, seed + 2);
            Ref.Problem smallFull = Ref.Problem.random(net.cfg, 3, 2, null, seed + 3);
            Ref.Result fresh = Ref.run(rnn, small); // exact-size workspace
            Ref.Result freshFull = Ref.run(rnn, smallFull);
            for (Mode mode : Mode.values()) {
                Ref.Want w = Ref.Want.all();
                w.backward = mode == Mode.TRAINING;
                try (RnnWorkspace ws = rnn.newWorkspace(mode, 8, 4)) {
                    Ref.run(rnn, big, w, ws);
                    Ref.Result a = Ref.run(rnn, small, w, ws);
                    Ref.Result b = Ref.run(rnn, smallFull, w, ws);
                    Ref.Result c = Ref.run(rnn, small, w, ws);
                    Ref.assertIdentical(mode + " reused after a bigger call", Ref.masked(fresh, w), a);
                    Ref.assertIdentical(mode + " reused, no lengths", Ref.masked(freshFull, w), b);
                    Ref.assertIdentical(mode + " repeated", a, c);
                }
            }
            // a wrapped workspace full of garbage
            long bytes = rnn.workspaceBytes(Mode.TRAINING, 8, 4);
            try (Arena arena = Arena.ofConfined()) {
                MemorySegment mem = arena.allocate(bytes + 64);
                for (long i = 0; i < mem.byteSize() / 8; i++) {
                    mem.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Double.NaN);
                }
                RnnWorkspace ws = rnn.wrapWorkspace(mem.asSlice(8), Mode.TRAINING, 8, 4);
                Ref.assertIdentical("wrapped garbage workspace", fresh, Ref.run(rnn, small, Ref.Want.all(), ws));
            }
            // forward twice then backward: the second forward's state is used
            try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, 3, 2)) {
                Ref.run(rnn, smallFull, Ref.Want.all(), ws);
                Ref.assertIdentical("second use of one workspace", fresh, Ref.run(rnn, small, Ref.Want.all(), ws));
            }
            Ref.assertIdentical("repeated with fresh workspaces", fresh, Ref.run(rnn, small));
        });
    }

    @TestFactory
    Stream<DynamicTest> weightsChanged() {
        return Ref.perCellAndDtype(1600, Layout.TIME_MAJOR, (net, rnn, seed) -> {
            DType dt = net.cfg.dtype();
            Ref.Problem p = Ref.Problem.random(net.cfg, 4, 3, new int[] {4, 2, 3}, seed + 1);
            Ref.Result before = Ref.run(rnn, p);

            // change weights in place, through the segments the Rnn was created with
            double[][] changed = new double[net.w.length][];
            for (int i = 0; i < net.w.length; i++) {
                changed[i] = net.w[i].clone();
                MemorySegment s = rnn.weights().get(net.ids.get(i));
                for (int k = 0; k < changed[i].length; k += 2) {
                    changed[i][k] = changed[i][k] * 1.5 + 0.125;
                    if (dt == DType.F64) s.setAtIndex(ValueLayout.JAVA_DOUBLE, k, changed[i][k]);
                    else s.setAtIndex(ValueLayout.JAVA_FLOAT, k, (float) changed[i][k]);
                }
            }
            // the reference computes from its prepared copy until told
            Ref.assertIdentical("reference before weightsChanged()", before, Ref.run(rnn, p));

            rnn.weightsChanged();
            Ref.Result after = Ref.run(rnn, p);
            Ref.Net changedNet = new Ref.Net(net.cfg, changed);
            try (Rnn fresh = changedNet.rnn()) {
                Ref.assertIdentical("after weightsChanged() = fresh Rnn", Ref.run(fresh, p), after);
            }
            assertFalse(Arrays.equals(before.y, after.y), "the change must show in the output");
            assertFalse(Arrays.equals(before.dw[0], after.dw[0]), "and in the weight gradients");

            // single steps see the new weights too
            StepPair sp = new StepPair(rnn, changedNet, dt);
            assertArrayEquals(sp.expected, sp.actual, 0);
        });
    }

    /** The same single step on {@code rnn} and on a fresh Rnn of {@code net}. */
    static final class StepPair {
        final double[] expected;
        final double[] actual;

        StepPair(Rnn rnn, Ref.Net net, DType dt) {
            int N = 2, nh = N * net.cfg.hiddenSize();
            MemorySegment x = Ref.seg(Ref.random(new java.util.Random(5), N * net.cfg.inputSize(), 1), dt);
            actual = once(rnn, x, N, nh, dt);
            try (Rnn fresh = net.rnn()) {
                expected = once(fresh, x, N, nh, dt);
            }
        }

        static double[] once(Rnn rnn, MemorySegment x, int N, int nh, DType dt) {
            MemorySegment h = Ref.filled(nh, dt, Double.NaN);
            try (org.rnn4j.StepWorkspace ws = rnn.newStepWorkspace(org.rnn4j.Mode.INFERENCE, N)) {
                rnn.stepForward(0, 1, new org.rnn4j.StepArgs().batch(N).input(x).hNext(h), ws);
            }
            return Ref.read(h, dt);
        }
    }
}
