package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * Contract (c) of docs/contract.md. Weight gradients: {@code accumulate=false} overwrites whatever the buffers held (even NaN);
 * {@code accumulate=true} adds to it, for the sequence backward and for the step backward (which touches only
 * its own layer and direction either way).
 */
public abstract class AccumulateSuite extends BackendSuite {

    protected AccumulateSuite(BackendUnderTest backend) {
        super(backend);
    }

    static double[][] randomLike(Kit.Net net, long seed) {
        Random r = new Random(seed);
        double[][] v = new double[net.ids.size()][];
        for (int i = 0; i < v.length; i++) v[i] = Kit.random(r, net.cfg.parameterSize(net.ids.get(i)), 3);
        if (net.cfg.dtype() == DType.F32) for (int i = 0; i < v.length; i++) v[i] = Kit.roundToFloat(v[i]);
        return v;
    }

    /** a + b, element by element. */
    static double[] plus(double[] a, double[] b) {
        double[] sum = new double[a.length];
        for (int k = 0; k < sum.length; k++) sum[k] = a[k] + b[k];
        return sum;
    }

    /** Every weight gradient of {@code got} is {@code a + b}, within the dtype's tolerance. */
    static void assertSum(Kit.Net net, String what, double[][] a, double[][] b, double[][] got) {
        double tol = tol(net.cfg.dtype());
        for (int i = 0; i < a.length; i++) Kit.assertClose(net.paramName(i) + what, plus(a[i], b[i]), got[i], tol, tol);
    }

    static double tol(DType dt) {
        return dt == DType.F64 ? 1e-15 : 1e-5;
    }

    @TestFactory
    Stream<DynamicTest> sequenceBackward() {
        return Kit.perCellAndDtype(backend, 300, Layout.BATCH_FIRST, (net, rnn, seed) -> {
            Kit.Problem p = Kit.Problem.random(net.cfg, 4, 3, new int[] {4, 1, 3}, seed + 1);
            Kit.Problem q = Kit.Problem.random(net.cfg, 4, 3, null, seed + 2);
            double[][] zeros = new double[net.ids.size()][];
            for (int i = 0; i < zeros.length; i++) zeros[i] = new double[(int) net.cfg.parameterSize(net.ids.get(i))];
            Kit.Want zero = Kit.Want.weightGradsFrom(zeros, false);
            double[][] g = Kit.run(rnn, p, zero).dw;

            // overwrite: NaN-filled buffers come back as exactly the gradient
            double[][] overNaN = Kit.run(rnn, p, Kit.Want.all()).dw;
            double[][] init = randomLike(net, seed + 3);
            double[][] over = Kit.run(rnn, p, Kit.Want.weightGradsFrom(init, false)).dw;
            for (int i = 0; i < g.length; i++) {
                assertArrayEquals(g[i], overNaN[i], 0, net.paramName(i) + " (NaN pre-filled)");
                assertArrayEquals(g[i], over[i], 0, net.paramName(i) + " (pre-filled)");
            }

            // accumulate: pre-filled + gradient
            double[][] sum = Kit.run(rnn, p, Kit.Want.weightGradsFrom(init, true)).dw;
            assertSum(net, " accumulated", init, g, sum);

            // accumulating two micro-batches from zero gives the sum of their gradients
            double[][] gq = Kit.run(rnn, q, zero).dw;
            double[][] both = Kit.run(rnn, q, Kit.Want.weightGradsFrom(g, true)).dw;
            assertSum(net, " two micro-batches", g, gq, both);
        });
    }

    @TestFactory
    Stream<DynamicTest> stepBackward() {
        return Kit.perCellAndDtype(backend, 400, Layout.TIME_MAJOR, (net, rnn, seed) -> {
            DType dt = net.cfg.dtype();
            int N = 3, layer = 1, dir = 1;
            int in = N * net.cfg.layerInputSize(layer), nh = N * net.cfg.hiddenSize();
            Random r = new Random(seed + 1);
            try (StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N)) {
                StepArgs a = Kit.stepForward(rnn, layer, dir, N, Kit.seg(Kit.random(r, in, 1), dt), r, ws);
                MemorySegment gh = Kit.seg(Kit.random(r, nh, 1), dt);
                MemorySegment gc = net.cfg.cell().hasCellState() ? Kit.seg(Kit.random(r, nh, 1), dt) : null;

                RnnParameters zero = net.gradBuffers(0.0);
                rnn.stepBackward(layer, dir, a, new StepGradients().gradHNext(gh).gradCNext(gc).weightGrads(zero), ws);
                double[][] g = net.read(zero);

                double[][] init = randomLike(net, seed + 2);
                RnnParameters over = net.gradBuffers(init);
                rnn.stepBackward(layer, dir, a, new StepGradients().gradHNext(gh).gradCNext(gc).weightGrads(over), ws);
                RnnParameters acc = net.gradBuffers(init);
                rnn.stepBackward(layer, dir, a, new StepGradients().gradHNext(gh).gradCNext(gc).weightGrads(acc)
                        .accumulate(true), ws);
                double[][] o = net.read(over), s = net.read(acc);
                boolean anyNonZero = false;
                for (int i = 0; i < net.ids.size(); i++) {
                    ParamId id = net.ids.get(i);
                    boolean mine = id.layer() == layer && id.direction() == dir;
                    if (!mine) {
                        assertArrayEquals(init[i], o[i], 0, id.name() + " of another layer, overwrite");
                        assertArrayEquals(init[i], s[i], 0, id.name() + " of another layer, accumulate");
                        assertArrayEquals(new double[g[i].length], g[i], 0, id.name() + " of another layer");
                        continue;
                    }
                    assertArrayEquals(g[i], o[i], 0, id.name() + " overwritten");
                    for (double v : g[i]) anyNonZero |= v != 0;
                    Kit.assertClose(id.name() + " accumulated", plus(init[i], g[i]), s[i], tol(dt), tol(dt));
                }
                assertFalse(!anyNonZero, "the step produced no gradient at all");
            }
        });
    }
}
