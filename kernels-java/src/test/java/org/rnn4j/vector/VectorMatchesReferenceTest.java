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
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;

/**
 * The vector backend against the float64 reference on every cell, forward and backward, with the conformance
 * error metric (max |got - want| / max(1, max |want|)): at most 1e-10 in float64 and 1e-4 in float32.
 */
class VectorMatchesReferenceTest {

    record Case(Cell cell, int T, int N, int I, int H, int layers, boolean bidir, Layout layout, boolean lengths) {
        @Override
        public String toString() {
            return cell.id() + " T=" + T + " N=" + N + " I=" + I + " H=" + H + " L=" + layers + (bidir ? " bidir" : "")
                    + (layout == Layout.BATCH_FIRST ? " batch-first" : "") + (lengths ? " varlen" : "");
        }
    }

    static List<Case> cases() {
        List<Case> out = new ArrayList<>();
        for (Cell c : Cell.all()) {
            out.add(new Case(c, 3, 2, 5, 4, 1, false, Layout.TIME_MAJOR, false));
            out.add(new Case(c, 4, 7, 17, 33, 2, true, Layout.TIME_MAJOR, true));
            out.add(new Case(c, 1, 1, 1, 1, 1, false, Layout.TIME_MAJOR, false));
            out.add(new Case(c, 5, 3, 9, 65, 3, true, Layout.BATCH_FIRST, true));
            out.add(new Case(c, 6, 13, 31, 16, 1, true, Layout.TIME_MAJOR, false));
        }
        return out;
    }

    /** Input and hidden sizes around every SIMD width (4, 8, 16 floats; 2, 4, 8 doubles) and the panel widths. */
    static final int[] SIZES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 31, 33, 63, 65, 129};

    @TestFactory
    Stream<DynamicTest> sizeSweep() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 10_000;
        for (int size : SIZES) {
            for (Cell c : Cell.all()) {
                for (DType dt : DType.values()) {
                    long sd = seed++;
                    // H swept with I fixed, then I swept with H fixed; odd N, bidirectional, unsorted lengths
                    Case h = new Case(c, 3, 5, 7, size, 1, true, Layout.TIME_MAJOR, true);
                    Case i = new Case(c, 2, 3, size, 9, 2, false, Layout.BATCH_FIRST, false);
                    tests.add(dynamicTest("H=" + size + " " + c.id() + " " + dt, () -> check(h, dt, 2, sd)));
                    tests.add(dynamicTest("I=" + size + " " + c.id() + " " + dt, () -> check(i, dt, 1, sd + 7)));
                }
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> matchesReference() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 1;
        for (Case c : cases()) {
            for (DType dt : DType.values()) {
                for (int threads : new int[] {1, 2}) {
                    long sd = seed++;
                    tests.add(dynamicTest(c + " " + dt + " threads=" + threads, () -> check(c, dt, threads, sd)));
                }
            }
        }
        return tests.stream();
    }

    static void check(Case c, DType dt, int threads, long seed) {
        RnnConfig cfg = RnnConfig.builder(c.cell(), c.I(), c.H()).layers(c.layers()).bidirectional(c.bidir())
                .dtype(dt).layout(c.layout()).build();
        Random r = new Random(seed);
        RnnParameters w = RnnParameters.of(cfg);
        double k = 1 / Math.sqrt(c.H());
        for (ParamId id : cfg.parameterIds()) w.set(id, seg(random(r, cfg.parameterSize(id), k), dt));
        int T = c.T(), N = c.N();
        long st = (long) cfg.stateRows() * N * c.H();
        double[] x = random(r, (long) T * N * c.I(), 1);
        double[] h0 = random(r, st, 0.5), c0 = random(r, st, 0.5);
        double[] dy = random(r, (long) T * N * cfg.outputSize(), 1), dhn = random(r, st, 1), dcn = random(r, st, 1);
        int[] lengths = null;
        if (c.lengths()) {
            lengths = new int[N];
            for (int n = 0; n < N; n++) lengths[n] = 1 + r.nextInt(T);
            lengths[r.nextInt(N)] = T;
        }
        Map<String, double[]> want = run(cfg, w, "reference", 1, x, h0, c0, dy, dhn, dcn, lengths, T, N);
        Map<String, double[]> got = run(cfg, w, "vector", threads, x, h0, c0, dy, dhn, dcn, lengths, T, N);
        double tol = dt == DType.F64 ? 1e-10 : 1e-4;
        for (var e : want.entrySet()) {
            double[] a = e.getValue(), b = got.get(e.getKey());
            double scale = 1, diff = 0;
            int at = -1;
            for (double v : a) scale = Math.max(scale, Math.abs(v));
            for (int i = 0; i < a.length; i++) {
                double dd = Math.abs(a[i] - b[i]);
                if (!(dd <= diff)) {
                    diff = Double.isNaN(dd) ? Double.POSITIVE_INFINITY : dd;
                    at = i;
                }
            }
            double err = diff / scale;
            int fat = at;
            assertTrue(err <= tol, () -> e.getKey() + ": error " + err + " at " + fat + " want " + a[fat] + " got " + b[fat]);
        }
    }

    static Map<String, double[]> run(RnnConfig cfg, RnnParameters w, String backend, int threads, double[] x,
                                     double[] h0, double[] c0, double[] dy, double[] dhn, double[] dcn, int[] lengths,
                                     int T, int N) {
        DType dt = cfg.dtype();
        boolean lstm = cfg.cell().hasCellState();
        Map<String, double[]> out = new LinkedHashMap<>();
        try (Rnn rnn = Rnn.create(cfg, w, backend, BackendOptions.threads(threads));
             RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
            long st = h0.length;
            MemorySegment y = seg(new double[(int) ((long) T * N * cfg.outputSize())], dt);
            MemorySegment hn = seg(new double[(int) st], dt), cn = lstm ? seg(new double[(int) st], dt) : null;
            SequenceArgs a = new SequenceArgs().shape(T, N).input(seg(x, dt)).output(y).h0(seg(h0, dt)).hN(hn)
                    .lengths(lengths);
            if (lstm) a.c0(seg(c0, dt)).cN(cn);
            rnn.forward(a, ws);
            out.put("output", read(y, dt));
            out.put("hN", read(hn, dt));
            if (lstm) out.put("cN", read(cn, dt));
            MemorySegment dx = seg(new double[x.length], dt), dh0 = seg(new double[(int) st], dt);
            MemorySegment dc0 = lstm ? seg(new double[(int) st], dt) : null;
            RnnParameters dw = RnnParameters.of(cfg);
            for (ParamId id : cfg.parameterIds()) dw.set(id, seg(new double[(int) cfg.parameterSize(id)], dt));
            GradientArgs g = new GradientArgs().gradOutput(seg(dy, dt)).gradHN(seg(dhn, dt)).gradInput(dx).gradH0(dh0)
                    .weightGrads(dw);
            if (lstm) g.gradCN(seg(dcn, dt)).gradC0(dc0);
            rnn.backward(a, g, ws);
            out.put("gradInput", read(dx, dt));
            out.put("gradH0", read(dh0, dt));
            if (lstm) out.put("gradC0", read(dc0, dt));
            for (ParamId id : cfg.parameterIds()) out.put(id.name(), read(dw.get(id), dt));
        }
        return out;
    }

    static double[] random(Random r, long n, double scale) {
        double[] a = new double[(int) n];
        for (int i = 0; i < a.length; i++) a[i] = (2 * r.nextDouble() - 1) * scale;
        return a;
    }

    static MemorySegment seg(double[] v, DType dt) {
        if (dt == DType.F64) return MemorySegment.ofArray(v.clone());
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return MemorySegment.ofArray(f);
    }

    static double[] read(MemorySegment s, DType dt) {
        int n = (int) (s.byteSize() / dt.bytes());
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = dt.get(s, i);
        return v;
    }
}
