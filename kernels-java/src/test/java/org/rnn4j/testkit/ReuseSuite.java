package org.rnn4j.testkit;

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
 * Contract (g) and (h) of docs/contract.md.
 *
 * <p>(g) A workspace sized for (T=8, N=4) serves a (T=3, N=2) call with results identical to a fresh exact-size
 * workspace, whatever an earlier bigger call left in it; repeated calls are bitwise identical.
 * (h) {@link Rnn#weightsChanged()}: after changing weights in place the caller must call it; then results are
 * those of a network created with the new weights. The reference backend keeps using its prepared copy until
 * then (checked only for it: callers must not rely on either behaviour without the call, other backends may
 * read the memory live).
 */
public abstract class ReuseSuite extends BackendSuite {

    protected ReuseSuite(BackendUnderTest backend) {
        super(backend);
    }

    @TestFactory
    Stream<DynamicTest> workspaceReuse() {
        return Kit.perCellAndDtype(backend, 1500, Layout.BATCH_FIRST, (net, rnn, seed) -> {
            Kit.Problem big = Kit.Problem.random(net.cfg, 8, 4, new int[] {8, 3, 6, 1}, seed + 1);
            Kit.Problem small = Kit.Problem.random(net.cfg, 3, 2, new int[] {2, 3}, seed + 2);
            Kit.Problem smallFull = Kit.Problem.random(net.cfg, 3, 2, null, seed + 3);
            Kit.Result fresh = Kit.run(rnn, small); // exact-size workspace
            Kit.Result freshFull = Kit.run(rnn, smallFull);
            for (Mode mode : Mode.values()) {
                Kit.Want w = Kit.Want.all();
                w.backward = mode == Mode.TRAINING;
                try (RnnWorkspace ws = rnn.newWorkspace(mode, 8, 4)) {
                    Kit.run(rnn, big, w, ws);
                    Kit.Result a = Kit.run(rnn, small, w, ws);
                    Kit.Result b = Kit.run(rnn, smallFull, w, ws);
                    Kit.Result c = Kit.run(rnn, small, w, ws);
                    Kit.assertIdentical(mode + " reused after a bigger call", Kit.masked(fresh, w), a);
                    Kit.assertIdentical(mode + " reused, no lengths", Kit.masked(freshFull, w), b);
                    Kit.assertIdentical(mode + " repeated", a, c);
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
                Kit.assertIdentical("wrapped garbage workspace", fresh, Kit.run(rnn, small, Kit.Want.all(), ws));
            }
            // forward twice then backward: the second forward's state is used
            try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, 3, 2)) {
                Kit.run(rnn, smallFull, Kit.Want.all(), ws);
                Kit.assertIdentical("second use of one workspace", fresh, Kit.run(rnn, small, Kit.Want.all(), ws));
            }
            Kit.assertIdentical("repeated with fresh workspaces", fresh, Kit.run(rnn, small));
        });
    }

    @TestFactory
    Stream<DynamicTest> weightsChanged() {
        return Kit.perCellAndDtype(backend, 1600, Layout.TIME_MAJOR, (net, rnn, seed) -> {
            DType dt = net.cfg.dtype();
            Kit.Problem p = Kit.Problem.random(net.cfg, 4, 3, new int[] {4, 2, 3}, seed + 1);
            Kit.Result before = Kit.run(rnn, p);

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
            // the reference computes from its prepared copy until told (other backends may read the memory live)
            if (backend.isReferenceBackend()) {
                Kit.assertIdentical("reference before weightsChanged()", before, Kit.run(rnn, p));
            }

            rnn.weightsChanged();
            Kit.Result after = Kit.run(rnn, p);
            Kit.Net changedNet = new Kit.Net(net.cfg, changed);
            try (Rnn fresh = changedNet.rnn(backend)) {
                Kit.assertIdentical("after weightsChanged() = fresh Rnn", Kit.run(fresh, p), after);
            }
            assertFalse(Arrays.equals(before.y, after.y), "the change must show in the output");
            assertFalse(Arrays.equals(before.dw[0], after.dw[0]), "and in the weight gradients");

            // single steps see the new weights too
            StepPair sp = new StepPair(backend, rnn, changedNet, dt);
            assertArrayEquals(sp.expected, sp.actual, 0);
        });
    }

    /** The same single step on {@code rnn} and on a fresh Rnn of {@code net}. */
    static final class StepPair {
        final double[] expected;
        final double[] actual;

        StepPair(BackendUnderTest backend, Rnn rnn, Kit.Net net, DType dt) {
            int N = 2, nh = N * net.cfg.hiddenSize();
            MemorySegment x = Kit.seg(Kit.random(new java.util.Random(5), N * net.cfg.inputSize(), 1), dt);
            actual = once(rnn, x, N, nh, dt);
            try (Rnn fresh = net.rnn(backend)) {
                expected = once(fresh, x, N, nh, dt);
            }
        }

        static double[] once(Rnn rnn, MemorySegment x, int N, int nh, DType dt) {
            MemorySegment h = Kit.filled(nh, dt, Double.NaN);
            try (org.rnn4j.StepWorkspace ws = rnn.newStepWorkspace(org.rnn4j.Mode.INFERENCE, N)) {
                rnn.stepForward(0, 1, new org.rnn4j.StepArgs().batch(N).input(x).hNext(h), ws);
            }
            return Kit.read(h, dt);
        }
    }
}
