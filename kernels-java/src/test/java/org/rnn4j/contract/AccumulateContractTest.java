package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * (c) Weight gradients: {@code accumulate=false} overwrites whatever the buffers held (even NaN);
 * {@code accumulate=true} adds to it, for the sequence backward and for the step backward (which touches only
 * its own layer and direction either way).
 */
class AccumulateContractTest {

    static double[][] randomLike(Ref.Net net, long seed) {
        Random r = new Random(seed);
        double[][] v = new double[net.ids.size()][];
        for (int i = 0; i < v.length; i++) v[i] = Ref.random(r, net.cfg.parameterSize(net.ids.get(i)), 3);
        if (net.cfg.dtype() == DType.F32) for (int i = 0; i < v.length; i++) v[i] = Ref.roundToFloat(v[i]);
        return v;
    }

    static double tol(DType dt) {
        return dt == DType.F64 ? 1e-15 : 1e-5;
    }

    @TestFactory
    Stream<DynamicTest> sequenceBackward() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 300;
        for (Cell cell : Cell.all()) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(cell.id() + " " + dt, () -> {
                    RnnConfig cfg = Ref.config(cell, 3, 4, 2, true, dt, Layout.BATCH_FIRST);
                    Ref.Net net = Ref.Net.random(cfg, sd);
                    Ref.Problem p = Ref.Problem.random(cfg, 4, 3, new int[] {4, 1, 3}, sd + 1);
                    Ref.Problem q = Ref.Problem.random(cfg, 4, 3, null, sd + 2);
                    try (Rnn rnn = net.rnn()) {
                        Ref.Want zero = Ref.Want.all();
                        zero.dwInitial = new double[net.ids.size()][];
                        for (int i = 0; i < zero.dwInitial.length; i++) {
                            zero.dwInitial[i] = new double[(int) cfg.parameterSize(net.ids.get(i))];
                        }
                        double[][] g = Ref.run(rnn, p, zero).dw;

                        // overwrite: NaN-filled buffers come back as exactly the gradient
                        Ref.Want nan = Ref.Want.all();
                        double[][] overNaN = Ref.run(rnn, p, nan).dw;
                        Ref.Want prefilled = Ref.Want.all();
                        double[][] init = randomLike(net, sd + 3);
                        prefilled.dwInitial = init;
                        double[][] over = Ref.run(rnn, p, prefilled).dw;
                        for (int i = 0; i < g.length; i++) {
                            assertArrayEquals(g[i], overNaN[i], 0, net.paramName(i) + " (NaN pre-filled)");
                            assertArrayEquals(g[i], over[i], 0, net.paramName(i) + " (pre-filled)");
                        }

                        // accumulate: pre-filled + gradient
                        Ref.Want acc = Ref.Want.all();
                        acc.dwInitial = init;
                        acc.accumulate = true;
                        double[][] sum = Ref.run(rnn, p, acc).dw;
                        for (int i = 0; i < g.length; i++) {
                            double[] want = new double[g[i].length];
                            for (int k = 0; k < want.length; k++) want[k] = init[i][k] + g[i][k];
                            Ref.assertClose(net.paramName(i) + " accumulated", want, sum[i], tol(dt), tol(dt));
                        }

                        // accumulating two micro-batches from zero gives the sum of their gradients
                        double[][] gq = Ref.run(rnn, q, zero).dw;
                        Ref.Want acc2 = Ref.Want.all();
                        acc2.dwInitial = g;
                        acc2.accumulate = true;
                        double[][] both = Ref.run(rnn, q, acc2).dw;
                        for (int i = 0; i < g.length; i++) {
                            double[] want = new double[g[i].length];
                            for (int k = 0; k < want.length; k++) want[k] = g[i][k] + gq[i][k];
                            Ref.assertClose(net.paramName(i) + " two micro-batches", want, both[i], tol(dt), tol(dt));
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> stepBackward() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 400;
        for (Cell cell : Cell.all()) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(cell.id() + " " + dt, () -> {
                    RnnConfig cfg = Ref.config(cell, 3, 4, 2, true, dt, Layout.TIME_MAJOR);
                    Ref.Net net = Ref.Net.random(cfg, sd);
                    int N = 3, layer = 1, dir = 1;
                    int in = N * cfg.layerInputSize(layer), nh = N * cfg.hiddenSize();
                    boolean lstm = cell.hasCellState();
                    Random r = new Random(sd + 1);
                    try (Rnn rnn = net.rnn(); StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N)) {
                        StepArgs a = new StepArgs().batch(N).input(Ref.seg(Ref.random(r, in, 1), dt))
                                .hPrev(Ref.seg(Ref.random(r, nh, 0.5), dt))
                                .cPrev(lstm ? Ref.seg(Ref.random(r, nh, 0.5), dt) : null)
                                .hNext(Ref.filled(nh, dt, 0)).cNext(lstm ? Ref.filled(nh, dt, 0) : null);
                        rnn.stepForward(layer, dir, a, ws);
                        MemorySegment gh = Ref.seg(Ref.random(r, nh, 1), dt);
                        MemorySegment gc = lstm ? Ref.seg(Ref.random(r, nh, 1), dt) : null;

                        RnnParameters zero = net.gradBuffers(0.0);
                        rnn.stepBackward(layer, dir, a, new StepGradients().gradHNext(gh).gradCNext(gc).weightGrads(zero), ws);
                        double[][] g = net.read(zero);

                        double[][] init = randomLike(net, sd + 2);
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
                            double[] want = new double[g[i].length];
                            for (int k = 0; k < want.length; k++) {
                                want[k] = init[i][k] + g[i][k];
                                anyNonZero |= g[i][k] != 0;
                            }
                            Ref.assertClose(id.name() + " accumulated", want, s[i], tol(dt), tol(dt));
                        }
                        assertFalse(!anyNonZero, "the step produced no gradient at all");
                    }
                }));
            }
        }
        return tests.stream();
    }
}
