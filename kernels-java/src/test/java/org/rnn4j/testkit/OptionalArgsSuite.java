package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * Contract (f) of docs/contract.md. Optional arguments: h0/c0 null equal zeros; gradOutput/gradHN/gradCN null equal zeros; optional outputs
 * (hN, cN, gradInput, gradH0, gradC0, weight gradients) left null are skipped without error and without
 * changing the outputs that are requested; output itself may be left null when hN is given (a
 * sequence-to-one model), with the same final states and gradients. The same for single steps (hPrev/cPrev, gradHNext/gradCNext, cNext,
 * an INFERENCE step workspace instead of a TRAINING one, and the step's gradient outputs).
 */
public abstract class OptionalArgsSuite extends BackendSuite {

    protected OptionalArgsSuite(BackendUnderTest backend) {
        super(backend);
    }

    @TestFactory
    Stream<DynamicTest> sequenceCalls() {
        return Kit.perCellAndDtype(backend, 1200, Layout.TIME_MAJOR, (net, rnn, seed) -> {
            boolean lstm = net.cfg.cell().hasCellState();
            Kit.Problem p = Kit.Problem.random(net.cfg, 4, 3, new int[] {2, 4, 3}, seed + 1);
            int st = p.h0.length;
            // initial states
            assertNullSameAsZeros("h0/c0", rnn, p, (q, zeros) -> {
                q.h0 = zeros ? new double[st] : null;
                q.c0 = zeros && lstm ? new double[st] : null;
            });
            if (lstm) assertNullSameAsZeros("c0", rnn, p, (q, zeros) -> q.c0 = zeros ? new double[st] : null);
            // upstream gradients
            assertNullSameAsZeros("gradHN/gradCN", rnn, p, (q, zeros) -> {
                q.dhN = zeros ? new double[st] : null;
                q.dcN = zeros && lstm ? new double[st] : null;
            });
            assertNullSameAsZeros("gradOutput", rnn, p, (q, zeros) -> q.dy = zeros ? new double[p.dy.length] : null);

            // optional outputs: each one left out, then all of them
            Kit.Result full = Kit.run(rnn, p);
            for (String out : List.of("hN", "cN", "dx", "dh0", "dc0", "dw", "all")) {
                Kit.Want w = Kit.Want.all();
                boolean all = out.equals("all");
                if (all || out.equals("hN")) w.hN = false;
                if (all || out.equals("cN")) w.cN = false;
                if (all || out.equals("dx")) w.dx = false;
                if (all || out.equals("dh0")) w.dh0 = false;
                if (all || out.equals("dc0")) w.dc0 = false;
                if (all || out.equals("dw")) w.dw = false;
                Kit.Result r = assertDoesNotThrow(() -> Kit.run(rnn, p, w), out);
                Kit.Result expected = Kit.masked(full, w);
                Kit.assertIdentical("without " + out, expected, r);
            }
            // output left out when hN is given (a sequence-to-one model), in training and in inference: the final
            // states and every gradient are those of the full call
            for (boolean training : new boolean[] {true, false}) {
                Kit.Want noOutput = Kit.Want.all();
                noOutput.output = false;
                noOutput.backward = training;
                Kit.Result r = assertDoesNotThrow(() -> Kit.run(rnn, p, noOutput), "without output");
                Kit.assertIdentical("without output (" + (training ? "training" : "inference") + ")",
                        Kit.masked(full, noOutput), r);
            }
            // inference: no workspace content, no backward
            Kit.Want inf = Kit.Want.all();
            inf.backward = false;
            Kit.Result ri = Kit.run(rnn, p, inf);
            assertArrayEquals(full.y, ri.y, 0);
            assertArrayEquals(full.hN, ri.hN, 0);
            assertNull(ri.dx);
        });
    }

    /** {@code p} with {@code what} left null and with it given as zeros: the results must be identical. */
    static void assertNullSameAsZeros(String what, Rnn rnn, Kit.Problem p, BiConsumer<Kit.Problem, Boolean> setZeros) {
        Kit.Problem nul = p.copy(), zeros = p.copy();
        setZeros.accept(nul, false);
        setZeros.accept(zeros, true);
        Kit.assertIdentical(what + " null vs zeros", Kit.run(rnn, zeros), Kit.run(rnn, nul));
    }

    @TestFactory
    Stream<DynamicTest> stepCalls() {
        return Kit.perCellAndDtype(backend, 1300, Layout.TIME_MAJOR, (net, rnn, seed) -> {
            DType dt = net.cfg.dtype();
            boolean lstm = net.cfg.cell().hasCellState();
            int N = 2, layer = 1, dir = 0;
            int in = N * net.cfg.layerInputSize(layer), nh = N * net.cfg.hiddenSize();
            Random r = new Random(seed + 1);
            MemorySegment x = Kit.seg(Kit.random(r, in, 1), dt);
            MemorySegment gh = Kit.seg(Kit.random(r, nh, 1), dt);
            MemorySegment gc = lstm ? Kit.seg(Kit.random(r, nh, 1), dt) : null;
            try (StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N);
                 StepWorkspace inference = rnn.newStepWorkspace(Mode.INFERENCE, N)) {
                // hPrev/cPrev null == zeros, with a training and with an inference step workspace
                double[][] a = step(rnn, layer, dir, N, x, null, null, lstm, dt, ws);
                double[][] b = step(rnn, layer, dir, N, x, Kit.filled(nh, dt, 0),
                        lstm ? Kit.filled(nh, dt, 0) : null, lstm, dt, ws);
                double[][] c = step(rnn, layer, dir, N, x, null, null, lstm, dt, inference);
                for (int i = 0; i < a.length; i++) {
                    assertArrayEquals(b[i], a[i], 0, "hPrev/cPrev null vs zeros #" + i);
                    assertArrayEquals(c[i], a[i], 0, "inference step #" + i);
                }
                // cNext is optional for the LSTM
                if (lstm) {
                    MemorySegment hNext = Kit.filled(nh, dt, Double.NaN);
                    assertDoesNotThrow(() -> rnn.stepForward(layer, dir,
                            new StepArgs().batch(N).input(x).hNext(hNext), inference));
                    assertArrayEquals(a[0], Kit.read(hNext, dt), 0);
                }

                StepArgs s = Kit.stepForward(rnn, layer, dir, N, x, r, ws);
                // gradHNext/gradCNext null == zeros
                double[][] g1 = stepBack(net, rnn, ws, layer, dir, s, null, null, lstm, in, nh, dt, true);
                double[][] g2 = stepBack(net, rnn, ws, layer, dir, s, Kit.filled(nh, dt, 0),
                        lstm ? Kit.filled(nh, dt, 0) : null, lstm, in, nh, dt, true);
                for (int i = 0; i < g1.length; i++) assertArrayEquals(g2[i], g1[i], 0, "null vs zeros #" + i);
                if (lstm) {
                    double[][] h1 = stepBack(net, rnn, ws, layer, dir, s, gh, null, true, in, nh, dt, true);
                    double[][] h2 = stepBack(net, rnn, ws, layer, dir, s, gh, Kit.filled(nh, dt, 0), true, in, nh,
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
        });
    }

    /** One step forward; returns {hNext, cNext (or empty)}. */
    static double[][] step(Rnn rnn, int layer, int dir, int N, MemorySegment x, MemorySegment hPrev,
                           MemorySegment cPrev, boolean lstm, DType dt, StepWorkspace ws) {
        int nh = N * rnn.config().hiddenSize();
        MemorySegment h = Kit.filled(nh, dt, Double.NaN);
        MemorySegment c = lstm ? Kit.filled(nh, dt, Double.NaN) : null;
        rnn.stepForward(layer, dir, new StepArgs().batch(N).input(x).hPrev(hPrev).cPrev(cPrev).hNext(h).cNext(c), ws);
        return new double[][] {Kit.read(h, dt), lstm ? Kit.read(c, dt) : new double[0]};
    }

    /** One step backward; returns {gradInput, gradHPrev, gradCPrev, weight grads...} (nulls when not requested). */
    static double[][] stepBack(Kit.Net net, Rnn rnn, StepWorkspace ws, int layer, int dir, StepArgs s,
                               MemorySegment gh, MemorySegment gc, boolean lstm, int in, int nh, DType dt,
                               boolean outputs) {
        MemorySegment gi = outputs ? Kit.filled(in, dt, Double.NaN) : null;
        MemorySegment ghp = outputs ? Kit.filled(nh, dt, Double.NaN) : null;
        MemorySegment gcp = outputs && lstm ? Kit.filled(nh, dt, Double.NaN) : null;
        RnnParameters dw = outputs ? net.gradBuffers(0.0) : null;
        rnn.stepBackward(layer, dir, s, new StepGradients().gradHNext(gh).gradCNext(gc).gradInput(gi).gradHPrev(ghp)
                .gradCPrev(gcp).weightGrads(dw), ws);
        List<double[]> out = new ArrayList<>();
        out.add(Kit.read(gi, dt));
        out.add(Kit.read(ghp, dt));
        out.add(Kit.read(gcp, dt));
        if (dw != null) out.addAll(List.of(net.read(dw)));
        else out.add(null);
        if (!lstm && outputs) out.remove(2);
        return out.toArray(double[][]::new);
    }
}
