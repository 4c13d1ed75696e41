package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.GruVariant;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepWorkspace;
import org.rnn4j.conform.Conformance;

/**
 * Helpers of the behavioural suites: a network with float64 master weights that can be bound in either dtype
 * and layout on any backend, a problem (input, states, upstream gradients) kept time-major in float64, a
 * runner that calls forward + backward through the public API on heap arrays and returns every result as
 * time-major float64, and the comparisons (per element, bitwise, and the conformance metric).
 */
public final class Kit {
    private Kit() {}

    public static RnnConfig config(Cell cell, int in, int hidden, int layers, boolean bidir, DType dt, Layout layout) {
        return RnnConfig.builder(cell, in, hidden).layers(layers).bidirectional(bidir).dtype(dt).layout(layout).build();
    }

    /** Edge and odd shapes {T, N, I, H}. */
    public static final int[][] SHAPES = {{1, 1, 1, 1}, {1, 17, 1, 1}, {17, 1, 1, 1}, {3, 2, 17, 31}, {2, 3, 33, 17},
            {2, 1, 31, 33}, {4, 3, 5, 6}};

    /** A configuration (float64, its layout included) and a call shape, with the seed of its data. */
    public record Case(String name, RnnConfig cfg, int T, int N, int[] lengths, long seed) {}

    /**
     * Every cell on the edge shapes of {@link #SHAPES} (one layer), two bidirectional layers with lengths,
     * T = N = I = H = 1 in three bidirectional layers, and two layers with input size 17 and lengths.
     */
    public static List<Case> edgeCases() {
        List<Case> out = new ArrayList<>();
        long seed = 1;
        for (Cell cell : Cell.all()) {
            for (int[] s : SHAPES) {
                out.add(new Case(cell.id() + " 1x1 " + shape(s),
                        config(cell, s[2], s[3], 1, false, DType.F64, Layout.TIME_MAJOR), s[0], s[1], null, seed++));
            }
            out.add(new Case(cell.id() + " 2 layers bidirectional varlen",
                    config(cell, 3, 4, 2, true, DType.F64, Layout.TIME_MAJOR), 5, 4, new int[] {3, 5, 1, 4},
                    seed++));
            out.add(new Case(cell.id() + " 3 layers bidirectional edge",
                    config(cell, 1, 1, 3, true, DType.F64, Layout.TIME_MAJOR), 1, 1, null, seed++));
            out.add(new Case(cell.id() + " 2 layers varlen 17",
                    config(cell, 17, 5, 2, false, DType.F64, Layout.TIME_MAJOR), 6, 3, new int[] {6, 2, 4},
                    seed++));
        }
        return out;
    }

    /**
     * {@code count} random small configurations drawn from {@code rngSeed}, the cells in turn: T in 1..maxT,
     * N in 1..maxN, lengths half of the time, I and H in 1..maxSize, 1..maxLayers layers, either direction
     * count and layout; the data seeds count up from {@code firstSeed}.
     */
    public static List<Case> randomCases(long rngSeed, int count, int maxT, int maxN, int maxSize, int maxLayers,
                                         long firstSeed) {
        List<Case> out = new ArrayList<>();
        Random r = new Random(rngSeed);
        for (int i = 0; i < count; i++) {
            Cell cell = Cell.all().get(i % Cell.all().size());
            int T = 1 + r.nextInt(maxT), N = 1 + r.nextInt(maxN);
            int[] lengths = null;
            if (r.nextBoolean()) {
                lengths = new int[N];
                for (int n = 0; n < N; n++) lengths[n] = 1 + r.nextInt(T);
            }
            RnnConfig cfg = config(cell, 1 + r.nextInt(maxSize), 1 + r.nextInt(maxSize), 1 + r.nextInt(maxLayers),
                    r.nextBoolean(), DType.F64, r.nextBoolean() ? Layout.TIME_MAJOR : Layout.BATCH_FIRST);
            out.add(new Case("random #" + i + " " + cfg + " T=" + T + " N=" + N, cfg, T, N, lengths, firstSeed + i));
        }
        return out;
    }

    public static String shape(int[] s) {
        return "T=" + s[0] + ",N=" + s[1] + ",I=" + s[2] + ",H=" + s[3];
    }

    // ---------------------------------------------------------------- data

    public static double[] random(Random r, long n, double scale) {
        double[] a = new double[(int) n];
        for (int i = 0; i < a.length; i++) a[i] = (2 * r.nextDouble() - 1) * scale;
        return a;
    }

    public static double[] roundToFloat(double[] a) {
        if (a == null) return null;
        double[] b = new double[a.length];
        for (int i = 0; i < a.length; i++) b[i] = (float) a[i];
        return b;
    }

    /** A heap segment of dtype {@code dt} holding {@code v} (rounded for float32). */
    public static MemorySegment seg(double[] v, DType dt) {
        if (v == null) return null;
        if (dt == DType.F64) return MemorySegment.ofArray(v.clone());
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
        return MemorySegment.ofArray(f);
    }

    public static MemorySegment filled(long n, DType dt, double value) {
        double[] v = new double[(int) n];
        Arrays.fill(v, value);
        return seg(v, dt);
    }

    public static double[] read(MemorySegment s, DType dt) {
        if (s == null) return null;
        int n = (int) (s.byteSize() / dt.bytes());
        double[] v = new double[n];
        for (int i = 0; i < n; i++) {
            v[i] = dt == DType.F64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i)
                    : s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i);
        }
        return v;
    }

    /** Time-major [T, N, C] to {@code layout}. */
    public static double[] toLayout(double[] tm, Layout layout, int T, int N, int C) {
        return layout == Layout.TIME_MAJOR ? tm : swapLeadingAxes(tm, T, N, C);
    }

    /** {@code layout} to time-major [T, N, C]. */
    public static double[] fromLayout(double[] v, Layout layout, int T, int N, int C) {
        return layout == Layout.TIME_MAJOR ? v : swapLeadingAxes(v, N, T, C);
    }

    /** [A, B, C] to [B, A, C] (null stays null). */
    private static double[] swapLeadingAxes(double[] v, int A, int B, int C) {
        if (v == null) return null;
        double[] out = new double[v.length];
        for (int a = 0; a < A; a++) {
            for (int b = 0; b < B; b++) System.arraycopy(v, (a * B + b) * C, out, (b * A + a) * C, C);
        }
        return out;
    }

    // ---------------------------------------------------------------- network

    /** A configuration with float64 master weights. */
    public static final class Net {
        public final RnnConfig cfg;
        public final List<ParamId> ids;
        public final double[][] w;

        public Net(RnnConfig cfg, double[][] w) {
            this.cfg = cfg;
            this.ids = cfg.parameterIds();
            this.w = w;
        }

        /** PyTorch's initialisation: U(-1/sqrt(H), 1/sqrt(H)) for every parameter. */
        public static Net random(RnnConfig cfg, long seed) {
            Random r = new Random(seed);
            List<ParamId> ids = cfg.parameterIds();
            double[][] w = new double[ids.size()][];
            double k = 1 / Math.sqrt(cfg.hiddenSize());
            for (int i = 0; i < ids.size(); i++) w[i] = Kit.random(r, cfg.parameterSize(ids.get(i)), k);
            return new Net(cfg, w);
        }

        /** The same weight values under another dtype/layout. */
        public Net as(DType dt, Layout layout) {
            RnnConfig c = RnnConfig.builder(cfg.cell(), cfg.inputSize(), cfg.hiddenSize()).layers(cfg.layers()).bidirectional(cfg.bidirectional()).dtype(dt).layout(layout).build();
            return new Net(c, w);
        }

        public Net roundedToFloat() {
            double[][] r = new double[w.length][];
            for (int i = 0; i < w.length; i++) r[i] = roundToFloat(w[i]);
            return new Net(cfg, r);
        }

        public double[] get(String name) {
            for (int i = 0; i < ids.size(); i++) if (ids.get(i).name().equals(name)) return w[i];
            throw new IllegalArgumentException(name);
        }

        /** Fresh heap segments of the config's dtype holding the master values. */
        public RnnParameters params() {
            RnnParameters p = RnnParameters.of(cfg);
            for (int i = 0; i < ids.size(); i++) p.set(ids.get(i), seg(w[i], cfg.dtype()));
            return p;
        }

        /** Weight-gradient buffers filled with {@code value}. */
        public RnnParameters gradBuffers(double value) {
            RnnParameters p = RnnParameters.of(cfg);
            for (ParamId id : ids) p.set(id, filled(cfg.parameterSize(id), cfg.dtype(), value));
            return p;
        }

        /** Weight-gradient buffers holding {@code values} (one array per parameter). */
        public RnnParameters gradBuffers(double[][] values) {
            RnnParameters p = RnnParameters.of(cfg);
            for (int i = 0; i < ids.size(); i++) p.set(ids.get(i), seg(values[i], cfg.dtype()));
            return p;
        }

        /** An Rnn of these weights on {@code backend} (owning its backend instance). */
        public Rnn rnn(BackendUnderTest backend) {
            return backend.create(cfg, params());
        }

        public double[][] read(RnnParameters p) {
            double[][] out = new double[ids.size()][];
            for (int i = 0; i < ids.size(); i++) {
                MemorySegment s = p.get(ids.get(i));
                out[i] = Arrays.copyOf(Kit.read(s, cfg.dtype()), (int) cfg.parameterSize(ids.get(i)));
            }
            return out;
        }

        public String paramName(int i) {
            return ids.get(i).name();
        }
    }

    // ---------------------------------------------------------------- one test per cell and dtype

    /** The body of one {@link #perCellAndDtype} test: its network, open on the backend under test, and its seed. */
    @FunctionalInterface
    public interface NetTest {
        void run(Net net, Rnn rnn, long seed) throws Throwable;
    }

    /**
     * One dynamic test per cell and dtype, named "cell dtype", each on a 2-layer bidirectional network (input 3,
     * hidden 4) in {@code layout} with random weights, closed after the test. The tests' seeds count up from
     * {@code firstSeed}; a test's seed is its weights' seed, so its body draws anything else from seed + 1, + 2, ...
     */
    public static Stream<DynamicTest> perCellAndDtype(BackendUnderTest backend, long firstSeed, Layout layout,
                                               NetTest body) {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = firstSeed;
        for (Cell cell : Cell.all()) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(cell.id() + " " + dt, () -> {
                    Net net = Net.random(config(cell, 3, 4, 2, true, dt, layout), sd);
                    try (Rnn rnn = net.rnn(backend)) {
                        body.run(net, rnn, sd);
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * A training step forward of {@code layer}, direction {@code dir} on {@code N} samples of input {@code x}, with
     * hPrev (and cPrev) drawn from {@code r} (uniform in ±0.5) and zero-filled hNext (and cNext): returns the
     * arguments, ready for the matching stepBackward with {@code ws}.
     */
    public static StepArgs stepForward(Rnn rnn, int layer, int dir, int N, MemorySegment x, Random r, StepWorkspace ws) {
        DType dt = rnn.config().dtype();
        boolean lstm = rnn.config().cell().hasCellState();
        int nh = N * rnn.config().hiddenSize();
        StepArgs a = new StepArgs().batch(N).input(x).hPrev(seg(random(r, nh, 0.5), dt))
                .cPrev(lstm ? seg(random(r, nh, 0.5), dt) : null)
                .hNext(filled(nh, dt, 0)).cNext(lstm ? filled(nh, dt, 0) : null);
        rnn.stepForward(layer, dir, a, ws);
        return a;
    }

    // ---------------------------------------------------------------- problem and result

    /** One call's data, time-major float64. Null arrays are not passed. */
    public static final class Problem {
        public int T;
        public int N;
        public int[] lengths;
        public double[] x;
        public double[] h0;
        public double[] c0;
        public double[] dy;
        public double[] dhN;
        public double[] dcN;

        public static Problem random(RnnConfig cfg, int T, int N, int[] lengths, long seed) {
            Random r = new Random(seed);
            Problem p = new Problem();
            p.T = T;
            p.N = N;
            p.lengths = lengths;
            long st = (long) cfg.stateRows() * N * cfg.hiddenSize();
            p.x = Kit.random(r, (long) T * N * cfg.inputSize(), 1);
            p.h0 = Kit.random(r, st, 0.5);
            p.c0 = cfg.cell().hasCellState() ? Kit.random(r, st, 0.5) : null;
            p.dy = Kit.random(r, (long) T * N * cfg.outputSize(), 1);
            p.dhN = Kit.random(r, st, 1);
            p.dcN = cfg.cell().hasCellState() ? Kit.random(r, st, 1) : null;
            return p;
        }

        public Problem copy() {
            Problem p = new Problem();
            p.T = T;
            p.N = N;
            p.lengths = lengths == null ? null : lengths.clone();
            p.x = x;
            p.h0 = h0;
            p.c0 = c0;
            p.dy = dy;
            p.dhN = dhN;
            p.dcN = dcN;
            return p;
        }

        public Problem roundedToFloat() {
            Problem p = copy();
            p.x = roundToFloat(x);
            p.h0 = roundToFloat(h0);
            p.c0 = roundToFloat(c0);
            p.dy = roundToFloat(dy);
            p.dhN = roundToFloat(dhN);
            p.dcN = roundToFloat(dcN);
            return p;
        }

        public int length(int n) {
            return lengths == null ? T : lengths[n];
        }
    }

    /** What one forward + backward produced, time-major float64; null where not requested. */
    public static final class Result {
        public double[] y;
        public double[] hN;
        public double[] cN;
        public double[] dx;
        public double[] dh0;
        public double[] dc0;
        public double[][] dw;
    }

    /** Which outputs to request and what to pre-fill them with. */
    public static final class Want {
        /** false: output is not passed (allowed when hN is), and the result's y is null. */
        public boolean output = true;
        public boolean hN = true;
        public boolean cN = true;
        public boolean backward = true;
        public boolean dx = true;
        public boolean dh0 = true;
        public boolean dc0 = true;
        public boolean dw = true;
        public boolean accumulate;
        public double fill = Double.NaN;
        public double[][] dwInitial; // pre-filled weight-gradient values; null: filled with `fill`

        public static Want all() {
            return new Want();
        }

        /** Everything, with the weight-gradient buffers pre-filled with {@code dw} (one array per parameter). */
        public static Want weightGradsFrom(double[][] dw, boolean accumulate) {
            Want w = new Want();
            w.dwInitial = dw;
            w.accumulate = accumulate;
            return w;
        }
    }

    /** What {@link #run} with {@code want} gives, taken from {@code full}: a run that wanted everything. */
    public static Result masked(Result full, Want want) {
        Result r = new Result();
        r.y = want.output ? full.y : null;
        r.hN = want.hN ? full.hN : null;
        r.cN = want.cN ? full.cN : null;
        r.dx = want.backward && want.dx ? full.dx : null;
        r.dh0 = want.backward && want.dh0 ? full.dh0 : null;
        r.dc0 = want.backward && want.dc0 ? full.dc0 : null;
        r.dw = want.backward && want.dw ? full.dw : null;
        return r;
    }

    public static Result run(Rnn rnn, Problem p) {
        return run(rnn, p, Want.all());
    }

    public static Result run(Rnn rnn, Problem p, Want want) {
        try (RnnWorkspace ws = rnn.newWorkspace(want.backward ? Mode.TRAINING : Mode.INFERENCE, p.T, p.N)) {
            return run(rnn, p, want, ws);
        }
    }

    /** Forward (training mode when backward is wanted) and backward through the public API. */
    public static Result run(Rnn rnn, Problem p, Want want, RnnWorkspace ws) {
        RnnConfig c = rnn.config();
        DType dt = c.dtype();
        Layout lay = c.layout();
        int T = p.T, N = p.N;
        boolean lstm = c.cell().hasCellState();
        long st = (long) c.stateRows() * N * c.hiddenSize();
        MemorySegment y = want.output ? filled((long) T * N * c.outputSize(), dt, want.fill) : null;
        MemorySegment hN = want.hN ? filled(st, dt, want.fill) : null;
        MemorySegment cN = want.cN && lstm ? filled(st, dt, want.fill) : null;
        SequenceArgs a = new SequenceArgs().shape(T, N)
                .input(seg(toLayout(p.x, lay, T, N, c.inputSize()), dt))
                .output(y).h0(seg(p.h0, dt)).hN(hN);
        if (lstm) a.c0(seg(p.c0, dt)).cN(cN);
        if (p.lengths != null) a.lengths(p.lengths);
        rnn.forward(a, ws);
        Result r = new Result();
        r.y = want.output ? fromLayout(read(y, dt), lay, T, N, c.outputSize()) : null;
        r.hN = read(hN, dt);
        r.cN = read(cN, dt);
        if (!want.backward) return r;

        Net shape = new Net(c, null);
        MemorySegment dx = want.dx ? filled((long) T * N * c.inputSize(), dt, want.fill) : null;
        MemorySegment dh0 = want.dh0 ? filled(st, dt, want.fill) : null;
        MemorySegment dc0 = want.dc0 && lstm ? filled(st, dt, want.fill) : null;
        RnnParameters dw = null;
        if (want.dw) dw = want.dwInitial != null ? shape.gradBuffers(want.dwInitial) : shape.gradBuffers(want.fill);
        GradientArgs g = new GradientArgs().gradOutput(seg(toLayout(p.dy, lay, T, N, c.outputSize()), dt))
                .gradHN(seg(p.dhN, dt)).gradInput(dx).gradH0(dh0).weightGrads(dw).accumulate(want.accumulate);
        if (lstm) g.gradCN(seg(p.dcN, dt)).gradC0(dc0);
        rnn.backward(a, g, ws);
        r.dx = fromLayout(read(dx, dt), lay, T, N, c.inputSize());
        r.dh0 = read(dh0, dt);
        r.dc0 = read(dc0, dt);
        r.dw = dw == null ? null : shape.read(dw);
        return r;
    }

    // ---------------------------------------------------------------- comparisons

    /** Every field of both results (null on one side must be null on the other). */
    public static void assertClose(String what, Result want, Result got, double rtol, double atol) {
        assertClose(what + " output", want.y, got.y, rtol, atol);
        assertClose(what + " hN", want.hN, got.hN, rtol, atol);
        assertClose(what + " cN", want.cN, got.cN, rtol, atol);
        assertClose(what + " gradInput", want.dx, got.dx, rtol, atol);
        assertClose(what + " gradH0", want.dh0, got.dh0, rtol, atol);
        assertClose(what + " gradC0", want.dc0, got.dc0, rtol, atol);
        if (want.dw == null || got.dw == null) {
            assertEquals(want.dw == null, got.dw == null, what + " weight grads presence");
            return;
        }
        for (int i = 0; i < want.dw.length; i++) {
            assertClose(what + " weight grad #" + i, want.dw[i], got.dw[i], rtol, atol);
        }
    }

    /** |got - want| <= rtol·|want| + atol per element. */
    public static void assertClose(String what, double[] want, double[] got, double rtol, double atol) {
        if (want == null || got == null) {
            assertEquals(want == null, got == null, what + " presence");
            return;
        }
        assertEquals(want.length, got.length, what + " length");
        for (int i = 0; i < want.length; i++) {
            double e = want[i], a = got[i];
            if (!(Math.abs(a - e) <= rtol * Math.abs(e) + atol)) {
                fail(what + "[" + i + "]: expected " + e + " but was " + a + " (|diff| " + Math.abs(a - e) + ")");
            }
        }
    }

    /**
     * Every field of both results within {@code tolerance} by the conformance metric: per array,
     * {@code max|got − want| / max(1, max|want|)} (NaN counts as an infinite error).
     */
    public static void assertWithin(String what, Result want, Result got, double tolerance) {
        List<String> names = List.of("output", "hN", "cN", "gradInput", "gradH0", "gradC0");
        List<double[]> a = List.of(orEmpty(want.y), orEmpty(want.hN), orEmpty(want.cN), orEmpty(want.dx),
                orEmpty(want.dh0), orEmpty(want.dc0));
        List<double[]> b = List.of(orEmpty(got.y), orEmpty(got.hN), orEmpty(got.cN), orEmpty(got.dx),
                orEmpty(got.dh0), orEmpty(got.dc0));
        for (int i = 0; i < a.size(); i++) assertWithin(what + " " + names.get(i), a.get(i), b.get(i), tolerance);
        assertEquals(want.dw == null, got.dw == null, what + " weight grads presence");
        if (want.dw == null) return;
        for (int i = 0; i < want.dw.length; i++) {
            assertWithin(what + " weight grad #" + i, want.dw[i], got.dw[i], tolerance);
        }
    }

    /** One array within {@code tolerance} by the conformance metric. */
    public static void assertWithin(String what, double[] want, double[] got, double tolerance) {
        assertEquals(want.length, got.length, what + " length");
        double error = Conformance.error(want, got);
        if (!(error <= tolerance)) {
            int at = Conformance.worstIndex(want, got);
            fail(what + ": error " + error + " > " + tolerance + " (max|got - want| / max(1, max|want|)); worst "
                    + "at [" + at + "]: expected " + want[at] + " but was " + got[at]);
        }
    }

    /**
     * {@code backend} against the reference on {@code net} and {@code p} (float64 masters) in {@code dt} and
     * {@code layout}: a training forward with its backward, and an inference forward, within the backend's
     * tolerance by the conformance metric. In float32 both run on the data rounded to float, and the backend's
     * float32 results are compared with the reference's float64 results.
     */
    public static void assertMatchesReference(String what, BackendUnderTest backend, Net net, Problem p, DType dt,
                                              Layout layout) {
        Net n = dt == DType.F32 ? net.roundedToFloat() : net;
        Problem q = dt == DType.F32 ? p.roundedToFloat() : p;
        Want inference = Want.all();
        inference.backward = false;
        Result want, wantInference, got, gotInference;
        try (Rnn r = n.as(DType.F64, layout).rnn(BackendUnderTest.REFERENCE)) {
            want = run(r, q);
            wantInference = run(r, q, inference);
        }
        try (Rnn r = n.as(dt, layout).rnn(backend)) {
            got = run(r, q);
            gotInference = run(r, q, inference);
        }
        assertWithin(what + " " + dt + " vs reference", want, got, backend.tolerance(dt));
        assertWithin(what + " " + dt + " inference vs reference", wantInference, gotInference, backend.tolerance(dt));
    }

    /** Bitwise identical results. */
    public static void assertIdentical(String what, Result want, Result got) {
        assertClose(what, want, got, 0, 0);
        List<double[]> a = fields(want), b = fields(got);
        for (int i = 0; i < a.size(); i++) {
            if (!Arrays.equals(a.get(i), b.get(i))) fail(what + ": field " + i + " is not bitwise identical");
        }
    }

    private static List<double[]> fields(Result r) {
        List<double[]> l = new ArrayList<>(List.of(orEmpty(r.y), orEmpty(r.hN), orEmpty(r.cN), orEmpty(r.dx),
                orEmpty(r.dh0), orEmpty(r.dc0)));
        if (r.dw != null) l.addAll(List.of(r.dw));
        return l;
    }

    private static double[] orEmpty(double[] a) {
        return a == null ? new double[0] : a;
    }

    public static List<Cell> cells() {
        return Cell.all();
    }

    public static Cell gru() {
        return Cell.gru(GruVariant.LINEAR_BEFORE_RESET);
    }

    public static Cell rnnTanh() {
        return Cell.rnn(Activation.TANH);
    }
}
