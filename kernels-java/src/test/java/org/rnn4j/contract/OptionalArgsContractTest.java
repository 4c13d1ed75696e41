package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
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
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * (f) Optional arguments: h0/c0 null equal zeros; gradOutput/gradHN/gradCN null equal zeros; optional outputs
 * (hN, cN, gradInput, gradH0, gradC0, weight gradients) left null are skipped without error and without
 * changing the outputs that are requested. The same for single steps (hPrev/cPrev, gradHNext/gradCNext, cNext,
 * an INFERENCE step workspace instead of a TRAINING one, and the step's gradient outputs).
 */
class OptionalArgsContractTest {

    @TestFactory
    Stream<DynamicTest> sequenceCalls() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 1200;
        for (Cell cell : Cell.all()) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(cell.id() + " " + dt, () -> {
                    RnnConfig cfg = Ref.config(cell, 3, 4, 2, true, dt, Layout.TIME_MAJOR);
                    boolean lstm = cell.hasCellState();
                    Ref.Net net = Ref.Net.random(cfg, sd);
                    Ref.Problem p = Ref.Problem.random(cfg, 4, 3, new int[] {2, 4, 3}, sd + 1);
                    int st = p.h0.length;
                    try (Rnn rnn = net.rnn()) {
                        // initial states
                        Ref.Problem nul = p.copy(), zeros = p.copy();
                        nul.h0 = null;
                        nul.c0 = null;
                        zeros.h0 = new double[st];
                        zeros.c0 = lstm ? new double[st] : null;
                        Ref.assertIdentical("h0/c0 null vs zeros", Ref.run(rnn, zeros), Ref.run(rnn, nul));
                        if (lstm) {
                            Ref.Problem onlyC = p.copy(), zc = p.copy();
                            onlyC.c0 = null;
                            zc.c0 = new double[st];
                            Ref.assertIdentical("c0 null vs zeros", Ref.run(rnn, zc), Ref.run(rnn, onlyC));
                        }
                        // upstream gradients
                        Ref.Problem g0 = p.copy(), gz = p.copy();
                        g0.dhN = null;
                        g0.dcN = null;
                        gz.dhN = new double[st];
                        gz.dcN = lstm ? new double[st] : null;
                        Ref.assertIdentical("gradHN/gradCN null vs zeros", Ref.run(rnn, gz), Ref.run(rnn, g0));
                        Ref.Problem y0 = p.copy(), yz = p.copy();
                        y0.dy = null;
                        yz.dy = new double[p.dy.length];
                        Ref.assertIdentical("gradOutput null vs zeros", Ref.run(rnn, yz), Ref.run(rnn, y0));

                        // optional outputs: each one left out, then all of them
                        Ref.Result full = Ref.run(rnn, p);
                        for (String out : List.of("hN", "cN", "dx", "dh0", "dc0", "dw", "all")) {
                            Ref.Want w = Ref.Want.all();
                            boolean all = out.equals("all");
                            if (all || out.equals("hN")) w.hN = false;
                            if (all || out.equals("cN")) w.cN = false;
                            if (all || out.equals("dx")) w.dx = false;
                            if (all || out.equals("dh0")) w.dh0 = false;
                            if (all || out.equals("dc0")) w.dc0 = false;
                            if (all || out.equals("dw")) w.dw = false;
                            Ref.Result r = assertDoesNotThrow(() -> Ref.run(rnn, p, w), out);
                            Ref.Result expected = masked(full, w);
                            Ref.assertIdentical("without " + out, expected, r);
                        }
                        // inference: no workspace content, no backward
                        Ref.Want inf = Ref.Want.all();
                        inf.backward = false;
                        Ref.Result ri = Ref.run(rnn, p, inf);
                        assertArrayEquals(full.y, ri.y, 0);
                        assertArrayEquals(full.hN, ri.hN, 0);
                        assertNull(ri.dx);
                    }
                }));
            }
        }
        return tests.stream();
    }

    static Ref.Result masked(Ref.Result full, Ref.Want w) {
        Ref.Result r = new Ref.Result();
        r.y = full.y;
        r.hN = w.hN ? full.hN : null;
        r.cN = w.cN ? full.cN : null;
        r.dx = w.dx ? full.dx : null;
        r.dh0 = w.dh0 ? full.dh0 : null;
        r.dc0 = w.dc0 ? full.dc0 : null;
        r.dw = w.dw ? full.dw : null;
        return r;
    }

    @TestFactory
    Stream<DynamicTest> stepCalls() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 1300;
        for (Cell cell : Cell.all()) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(cell.id() + " " + dt, () -> {
                    RnnConfig cfg = Ref.config(cell, 3, 4, 2, true, dt, Layout.TIME_MAJOR);
                    boolean lstm = cell.hasCellState();
                    Ref.Net net = Ref.Net.random(cfg, sd);
                    int N = 2, layer = 1, dir = 0;
                    int in = N * cfg.layerInputSize(layer), nh = N * cfg.hiddenSize();
                    Random r = new Random(sd + 1);
                    MemorySegment x = Ref.seg(Ref.random(r, in, 1), dt);
                    MemorySegment gh = Ref.seg(Ref.random(r, nh, 1), dt);
                    MemorySegment gc = lstm ? Ref.seg(Ref.random(r, nh, 1), dt) : null;
                    try (Rnn rnn = net.rnn(); StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N);
                         StepWorkspace inference = rnn.newStepWorkspace(Mode.INFERENCE, N)) {
                        // hPrev/cPrev null == zeros, with a training and with an inference step workspace
                        double[][] a = step(rnn, layer, dir, N, x, null, null, lstm, dt, ws);
                        double[][] b = step(rnn, layer, dir, N, x, Ref.filled(nh, dt, 0),
                                lstm ? Ref.filled(nh, dt, 0) : null, lstm, dt, ws);
                        double[][] c = step(rnn, layer, dir, N, x, null, null, lstm, dt, inference);
                        for (int i = 0; i < a.length; i++) {
                            assertArrayEquals(b[i], a[i], 0, "hPrev/cPrev null vs zeros #" + i);
                            assertArrayEquals(c[i], a[i], 0, "inference step #" + i);
                        }
                        // cNext is optional for the LSTM
                        if (lstm) {
                            MemorySegment hNext = Ref.filled(nh, dt, Double.NaN);
                            assertDoesNotThrow(() -> rnn.stepForward(layer, dir,
                                    new StepArgs().batch(N).input(x).hNext(hNext), inference));
                            assertArrayEquals(a[0], Ref.read(hNext, dt), 0);
                        }

                        StepArgs s = new StepArgs().batch(N).input(x).hPrev(Ref.seg(Ref.random(r, nh, .5), dt))
                                .cPrev(lstm ? Ref.seg(Ref.random(r, nh, .5), dt) : null)
                                .hNext(Ref.filled(nh, dt, 0)).cNext(lstm ? Ref.filled(nh, dt, 0) : null);
                        rnn.stepForward(layer, dir, s, ws);
                        // gradHNext/gradCNext null == zeros
                        double[][] g1 = stepBack(net, rnn, ws, layer, dir, s, null, null, lstm, in, nh, dt, true);
                        double[][] g2 = stepBack(net, rnn, ws, layer, dir, s, Ref.filled(nh, dt, 0),
                                lstm ? Ref.filled(nh, dt, 0) : null, lstm, in, nh, dt, true);
                        for (int i = 0; i < g1.length; i++) assertArrayEquals(g2[i], g1[i], 0, "null vs zeros #" + i);
                        if (lstm) {
                            double[][] h1 = stepBack(net, rnn, ws, layer, dir, s, gh, null, true, in, nh, dt, true);
                            double[][] h2 = stepBack(net, rnn, ws, layer, dir, s, gh, Ref.filled(nh, dt, 0), true, in, nh,
                                    dt, true);
                            for (int i = 0; i < h1.length; i++) assertArrayEquals(h2[i], h1[i], 0, "gradCNext #" + i);
                        }
                        // every gradient output optional
                        double[][] full = stepBack(net, rnn, ws, layer, dir, s, gh, gc, lstm, in, nh, dt, true);
                        double[][] none = stepBack(net, rnn, ws, layer, dir, s, gh, gc, lstm, in, nh, dt, false);
                        for (double[] v : none) assertNull(v);
                        for (double[] v : full) {
                            assertNotNull(v);
                            for (double e : v) assertFalse(Double.isNaN(e), "every requested gradient is written");
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    /** One step forward; returns {hNext, cNext (or empty)}. */
    static double[][] step(Rnn rnn, int layer, int dir, int N, MemorySegment x, MemorySegment hPrev,
                           MemorySegment cPrev, boolean lstm, DType dt, StepWorkspace ws) {
        int nh = N * rnn.config().hiddenSize();
        MemorySegment h = Ref.filled(nh, dt, Double.NaN);
        MemorySegment c = lstm ? Ref.filled(nh, dt, Double.NaN) : null;
        rnn.stepForward(layer, dir, new StepArgs().batch(N).input(x).hPrev(hPrev).cPrev(cPrev).hNext(h).cNext(c), ws);
        return new double[][] {Ref.read(h, dt), lstm ? Ref.read(c, dt) : new double[0]};
    }

    /** One step backward; returns {gradInput, gradHPrev, gradCPrev, weight grads...} (nulls when not requested). */
    static double[][] stepBack(Ref.Net net, Rnn rnn, StepWorkspace ws, int layer, int dir, StepArgs s,
                               MemorySegment gh, MemorySegment gc, boolean lstm, int in, int nh, DType dt,
                               boolean outputs) {
        MemorySegment gi = outputs ? Ref.filled(in, dt, Double.NaN) : null;
        MemorySegment ghp = outputs ? Ref.filled(nh, dt, Double.NaN) : null;
        MemorySegment gcp = outputs && lstm ? Ref.filled(nh, dt, Double.NaN) : null;
        RnnParameters dw = outputs ? net.gradBuffers(0.0) : null;
        rnn.stepBackward(layer, dir, s, new StepGradients().gradHNext(gh).gradCNext(gc).gradInput(gi).gradHPrev(ghp)
                .gradCPrev(gcp).weightGrads(dw), ws);
        List<double[]> out = new ArrayList<>();
        out.add(Ref.read(gi, dt));
        out.add(Ref.read(ghp, dt));
        out.add(Ref.read(gcp, dt));
        if (dw != null) out.addAll(List.of(net.read(dw)));
        else out.add(null);
        if (!lstm && outputs) out.remove(2);
        return out.toArray(double[][]::new);
    }
}
