package org.rnn4j.vector;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.BackendOptions;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/** The vector backend's single steps against the reference: every cell, layer and direction, both dtypes. */
class VectorStepMatchesReferenceTest {

    @TestFactory
    Stream<DynamicTest> stepsMatchReference() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 100;
        for (Cell c : Cell.all()) {
            for (DType dt : DType.values()) {
                for (int[] s : new int[][] {{1, 1, 1}, {5, 17, 33}, {7, 3, 16}}) {
                    long sd = seed++;
                    tests.add(dynamicTest(c.id() + " " + dt + " N=" + s[0] + " I=" + s[1] + " H=" + s[2],
                            () -> check(c, dt, s[0], s[1], s[2], sd)));
                }
            }
        }
        return tests.stream();
    }

    static void check(Cell cell, DType dt, int N, int I, int H, long seed) {
        RnnConfig cfg = RnnConfig.builder(cell, I, H).layers(2).bidirectional(true).dtype(dt).build();
        Random r = new Random(seed);
        RnnParameters w = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) {
            w.set(id, VectorMatchesReferenceTest.seg(VectorMatchesReferenceTest.random(r, cfg.parameterSize(id), 0.5), dt));
        }
        for (int layer = 0; layer < 2; layer++) {
            for (int dir = 0; dir < 2; dir++) {
                int in = cfg.layerInputSize(layer);
                double[] x = VectorMatchesReferenceTest.random(r, (long) N * in, 1);
                double[] hp = VectorMatchesReferenceTest.random(r, (long) N * H, 0.5);
                double[] cp = VectorMatchesReferenceTest.random(r, (long) N * H, 0.5);
                double[] dh = VectorMatchesReferenceTest.random(r, (long) N * H, 1);
                double[] dc = VectorMatchesReferenceTest.random(r, (long) N * H, 1);
                Map<String, double[]> want = run(cfg, w, "reference", layer, dir, N, x, hp, cp, dh, dc);
                Map<String, double[]> got = run(cfg, w, "vector", layer, dir, N, x, hp, cp, dh, dc);
                double tol = dt == DType.F64 ? 1e-10 : 1e-4;
                for (var e : want.entrySet()) {
                    double[] a = e.getValue(), b = got.get(e.getKey());
                    double scale = 1, diff = 0;
                    for (double v : a) scale = Math.max(scale, Math.abs(v));
                    for (int i = 0; i < a.length; i++) {
                        double d = Math.abs(a[i] - b[i]);
                        diff = Double.isNaN(d) ? Double.POSITIVE_INFINITY : Math.max(diff, d);
                    }
                    double err = diff / scale;
                    int L = layer, D = dir;
                    assertTrue(err <= tol, () -> "layer " + L + " dir " + D + " " + e.getKey() + ": error " + err);
                }
            }
        }
    }

    static Map<String, double[]> run(RnnConfig cfg, RnnParameters w, String backend, int layer, int dir, int N,
                                     double[] x, double[] hp, double[] cp, double[] dh, double[] dc) {
        DType dt = cfg.dtype();
        boolean lstm = cfg.cell().hasCellState();
        int H = cfg.hiddenSize();
        Map<String, double[]> out = new LinkedHashMap<>();
        try (Rnn rnn = Rnn.create(cfg, w, backend, BackendOptions.threads(backend.equals("vector") ? 2 : 1));
             StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N + 2)) {
            MemorySegment hn = VectorMatchesReferenceTest.seg(new double[N * H], dt);
            MemorySegment cn = lstm ? VectorMatchesReferenceTest.seg(new double[N * H], dt) : null;
            StepArgs s = new StepArgs().batch(N).input(VectorMatchesReferenceTest.seg(x, dt))
                    .hPrev(VectorMatchesReferenceTest.seg(hp, dt)).hNext(hn);
            if (lstm) s.cPrev(VectorMatchesReferenceTest.seg(cp, dt)).cNext(cn);
            rnn.stepForward(layer, dir, s, ws);
            out.put("hNext", VectorMatchesReferenceTest.read(hn, dt));
            if (lstm) out.put("cNext", VectorMatchesReferenceTest.read(cn, dt));
            MemorySegment dx = VectorMatchesReferenceTest.seg(new double[x.length], dt);
            MemorySegment dhp = VectorMatchesReferenceTest.seg(new double[N * H], dt);
            MemorySegment dcp = lstm ? VectorMatchesReferenceTest.seg(new double[N * H], dt) : null;
            RnnParameters dw = RnnParameters.of(cfg);
            for (ParamId id : cfg.parameterIds()) {
                dw.set(id, VectorMatchesReferenceTest.seg(new double[(int) cfg.parameterSize(id)], dt));
            }
            StepGradients g = new StepGradients().gradHNext(VectorMatchesReferenceTest.seg(dh, dt)).gradInput(dx)
                    .gradHPrev(dhp).weightGrads(dw);
            if (lstm) g.gradCNext(VectorMatchesReferenceTest.seg(dc, dt)).gradCPrev(dcp);
            rnn.stepBackward(layer, dir, s, g, ws);
            out.put("gradInput", VectorMatchesReferenceTest.read(dx, dt));
            out.put("gradHPrev", VectorMatchesReferenceTest.read(dhp, dt));
            if (lstm) out.put("gradCPrev", VectorMatchesReferenceTest.read(dcp, dt));
            for (ParamId id : cfg.parameterIds()) out.put(id.name(), VectorMatchesReferenceTest.read(dw.get(id), dt));
        }
        return out;
    }
}
