package org.rnn4j.conform;

import java.io.IOException;
import java.io.InputStream;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
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
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.Npz;
import org.rnn4j.spi.RnnBackend;
import org.rnn4j.util.MiniJson;

/**
 * Runs a directory of reference cases ({@code cases.json} plus one {@code .npz} per case, see the
 * {@linkplain org.rnn4j.conform package documentation}) on a backend, forward (training) and backward through
 * the public {@link Rnn} API with off-heap segments, and compares every output and gradient.
 *
 * <p>The directory is a {@link Path}, so it may live on any file system: a plain directory, or a folder of a
 * zip file system (fixtures bundled inside a jar).
 *
 * <p>A case that cannot run (unknown cell, missing file or array, wrong shape, an exception from the backend)
 * becomes a failed {@link CaseResult} with the reason; it never stops the other cases. Only a directory without
 * a readable {@code cases.json} is an {@link IOException}.
 *
 * <pre>{@code
 * List<CaseResult> results = Conformance.run(Path.of("my-fixtures"), Backends.get("reference"), DType.F64);
 * Conformance.Summary s = Conformance.summarize(results);
 * System.out.println(s.line());   // conform: 13 passed, 0 failed, max error 3.2e-15
 * }</pre>
 */
public final class Conformance {
    /** Largest error a case may have in float64. */
    public static final double F64_THRESHOLD = 1e-10;
    /** Largest error a case may have in float32 (compared with the float64 expectations). */
    public static final double F32_THRESHOLD = 1e-4;

    /** The index file every case directory holds. */
    public static final String INDEX = "cases.json";

    private Conformance() {}

    /** The threshold of {@code dtype}: {@link #F64_THRESHOLD} or {@link #F32_THRESHOLD}. */
    public static double threshold(DType dtype) {
        return dtype == DType.F64 ? F64_THRESHOLD : F32_THRESHOLD;
    }

    /** Totals of a run. */
    public record Summary(int passed, int failed, double maxError) {
        /** {@code conform: P passed, F failed, max error E}. */
        public String line() {
            return "conform: " + passed + " passed, " + failed + " failed, max error " + formatError(maxError);
        }

        /** True when at least one case ran and none failed. */
        public boolean ok() {
            return failed == 0 && passed > 0;
        }
    }

    /**
     * Counts passes and failures; the max error is the largest over the cases that ran (+Infinity if any
     * result held NaN or infinity, NaN if no case ran).
     */
    public static Summary summarize(List<CaseResult> results) {
        int p = 0, f = 0;
        double max = Double.NaN;
        for (CaseResult r : results) {
            if (r.passed()) p++; else f++;
            if (r.ran() && (Double.isNaN(max) || r.maxError() > max)) max = r.maxError();
        }
        return new Summary(p, f, max);
    }

    /** Formats an error like {@code 3.2e-15} (and {@code inf}, {@code n/a} for infinity, NaN). */
    public static String formatError(double e) {
        if (Double.isNaN(e)) return "n/a";
        if (Double.isInfinite(e)) return "inf";
        return String.format(Locale.ROOT, "%.1e", e);
    }

    /**
     * Runs every case of {@code dir} on {@code backend} in {@code dtype}, in {@code cases.json} order.
     *
     * @throws IOException if {@code dir/cases.json} cannot be read or is not a cases index
     */
    public static List<CaseResult> run(Path dir, RnnBackend backend, DType dtype) throws IOException {
        if (dir == null) throw new IllegalArgumentException("dir: expected a directory but was null");
        if (backend == null) throw new IllegalArgumentException("backend: expected an RnnBackend but was null");
        if (dtype == null) throw new IllegalArgumentException("dtype: expected F32 or F64 but was null");
        List<Map<String, Object>> cases = readIndex(dir);
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (int k = 0; k < cases.size(); k++) {
            results.add(runCase(dir, cases.get(k), k, backend, dtype));
        }
        return results;
    }

    /** The case objects of {@code dir/cases.json}. */
    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> readIndex(Path dir) throws IOException {
        Path index = dir.resolve(INDEX);
        String text;
        try {
            text = Files.readString(index, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            throw new IOException(index + ": no such file (a conformance directory holds " + INDEX
                    + " and one .npz per case)", e);
        }
        Map<String, Object> root;
        try {
            root = MiniJson.parseObject(text);
        } catch (IllegalArgumentException e) {
            throw new IOException(index + ": " + e.getMessage(), e);
        }
        if (!(root.get("cases") instanceof List<?> list)) {
            throw new IOException(index + ": expected a top-level \"cases\" array but "
                    + (root.containsKey("cases") ? "it is not an array" : "there is none"));
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (int k = 0; k < list.size(); k++) {
            if (!(list.get(k) instanceof Map<?, ?> m)) {
                throw new IOException(index + ": cases[" + k + "] is not an object");
            }
            out.add((Map<String, Object>) m);
        }
        return out;
    }

    // ---------------------------------------------------------------- one case

    /** Raised inside a case for a reason that makes it fail before (or instead of) the comparison. */
    private static final class CaseFailure extends Exception {
        private static final long serialVersionUID = 1L;
        final String array;

        CaseFailure(String array, String message) {
            super(message, null, false, false);
            this.array = array;
        }
    }

    private static CaseResult runCase(Path dir, Map<String, Object> json, int k, RnnBackend backend, DType dtype) {
        String name = json.get("name") instanceof String s && !s.isBlank() ? s : "case #" + k;
        try {
            Spec spec = Spec.parse(json, name);
            Map<String, NpyArray> arrays = readArrays(dir, spec);
            return execute(spec, arrays, backend, dtype);
        } catch (CaseFailure f) {
            return new CaseResult(name, false, Double.NaN, f.array, f.getMessage());
        } catch (Exception | AssertionError | LinkageError | StackOverflowError e) {
            return new CaseResult(name, false, Double.NaN, null, "cannot run: " + describe(e));
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        String type = e.getClass().getSimpleName();
        return msg == null ? type : (e instanceof IllegalArgumentException ? msg : type + ": " + msg);
    }

    /** What cases.json says about one case. */
    private record Spec(String name, Cell cell, int seqLength, int batch, int inputSize, int hiddenSize, int layers,
                        boolean bidirectional, Layout layout, int[] lengths, List<String> listedArrays, String file) {

        static Spec parse(Map<String, Object> j, String name) throws CaseFailure {
            Object cellName = j.get("cell");
            if (!(cellName instanceof String cs)) {
                throw new CaseFailure(null, "cases.json: \"cell\" missing or not a string");
            }
            Cell cell;
            try {
                cell = Cell.parse(cs);
            } catch (IllegalArgumentException e) {
                throw new CaseFailure(null, "unknown cell '" + cs + "' (expected one of lstm, lstm_peephole, gru, "
                        + "gru_reset_before, rnn_tanh, rnn_relu)");
            }
            int t = intField(j, "T", null), n = intField(j, "N", null);
            int in = intField(j, "I", null), h = intField(j, "H", null);
            int layers = intField(j, "layers", 1);
            Object bi = j.getOrDefault("bidirectional", Boolean.FALSE);
            if (!(bi instanceof Boolean bidirectional)) {
                throw new CaseFailure(null, "cases.json: \"bidirectional\" is not a boolean: " + bi);
            }
            Layout layout = parseLayout(j.get("layout"));
            int[] lengths = null;
            if (j.get("lengths") != null) {
                if (!(j.get("lengths") instanceof List<?> l)) {
                    throw new CaseFailure("lengths", "cases.json: \"lengths\" is not an array");
                }
                lengths = new int[l.size()];
                for (int i = 0; i < l.size(); i++) {
                    if (!(l.get(i) instanceof Long v) || v != v.intValue()) {
                        throw new CaseFailure("lengths", "cases.json: lengths[" + i + "] is not an integer: " + l.get(i));
                    }
                    lengths[i] = v.intValue();
                }
            }
            List<String> listed = null;
            if (j.get("arrays") instanceof List<?> l) {
                listed = new ArrayList<>();
                for (Object o : l) listed.add(String.valueOf(o));
            }
            Object file = j.getOrDefault("file", name + ".npz");
            if (!(file instanceof String f) || f.isBlank()) {
                throw new CaseFailure(null, "cases.json: \"file\" is not a file name: " + file);
            }
            if (j.get("dtype") instanceof String d && !d.equals("float64") && !d.equals("float32")) {
                throw new CaseFailure(null, "cases.json: dtype '" + d + "' is not float64 or float32");
            }
            return new Spec(name, cell, t, n, in, h, layers, bidirectional, layout, lengths, listed, f);
        }

        private static int intField(Map<String, Object> j, String key, Integer dflt) throws CaseFailure {
            Object v = j.get(key);
            if (v == null) {
                if (dflt != null) return dflt;
                throw new CaseFailure(null, "cases.json: \"" + key + "\" missing");
            }
            if (!(v instanceof Long l) || l < 1 || l > Integer.MAX_VALUE) {
                throw new CaseFailure(null, "cases.json: \"" + key + "\" expected a positive integer but was " + v);
            }
            return l.intValue();
        }

        private static Layout parseLayout(Object v) throws CaseFailure {
            if (v == null) return Layout.TIME_MAJOR;
            String s = String.valueOf(v).toLowerCase(Locale.ROOT).replace('_', '-');
            if (s.startsWith("time-major")) return Layout.TIME_MAJOR;
            if (s.startsWith("batch-first")) return Layout.BATCH_FIRST;
            throw new CaseFailure(null, "cases.json: layout '" + v + "' is neither time-major nor batch-first");
        }
    }

    private static Map<String, NpyArray> readArrays(Path dir, Spec spec) throws CaseFailure, IOException {
        Path base = dir.toAbsolutePath().normalize();
        Path file = base.resolve(spec.file()).normalize();
        if (!file.startsWith(base)) {
            throw new CaseFailure(null, "file '" + spec.file() + "' is outside the case directory");
        }
        if (!Files.isRegularFile(file)) {
            throw new CaseFailure(null, "missing file " + spec.file());
        }
        Map<String, NpyArray> arrays;
        try {
            if (file.getFileSystem() == FileSystems.getDefault()) {
                arrays = Npz.read(file);
            } else {
                try (InputStream in = Files.newInputStream(file)) {
                    arrays = Npz.read(in);
                }
            }
        } catch (IOException e) {
            throw new CaseFailure(null, "cannot read " + spec.file() + ": " + e.getMessage());
        }
        if (spec.listedArrays() != null) {
            for (String a : spec.listedArrays()) {
                if (!arrays.containsKey(a)) {
                    throw new CaseFailure(a, "missing array '" + a + "' in " + spec.file() + " (listed in cases.json)");
                }
            }
        }
        return arrays;
    }

    /** The arrays of a case, checked against the configuration, and where each one goes. */
    private static final class CaseData {
        final Spec spec;
        final RnnConfig config;
        final Map<String, NpyArray> arrays;

        CaseData(Spec spec, RnnConfig config, Map<String, NpyArray> arrays) {
            this.spec = spec;
            this.config = config;
            this.arrays = arrays;
        }

        NpyArray required(String name, int... shape) throws CaseFailure {
            NpyArray a = arrays.get(name);
            if (a == null) throw new CaseFailure(name, "missing array '" + name + "' in " + spec.file());
            return checked(name, a, shape);
        }

        NpyArray optional(String name, int... shape) throws CaseFailure {
            NpyArray a = arrays.get(name);
            return a == null ? null : checked(name, a, shape);
        }

        private NpyArray checked(String name, NpyArray a, int[] shape) throws CaseFailure {
            if (!a.dtype().isFloating()) {
                throw new CaseFailure(name, "array '" + name + "' has dtype " + a.dtype().descr()
                        + " but float64 or float32 was expected");
            }
            if (!Arrays.equals(a.shape(), shape)) {
                throw new CaseFailure(name, "array '" + name + "' has shape " + Arrays.toString(a.shape())
                        + " but " + config + " with T=" + spec.seqLength() + ", N=" + spec.batch() + " needs "
                        + Arrays.toString(shape));
            }
            return a;
        }
    }

    private static CaseResult execute(Spec spec, Map<String, NpyArray> arrays, RnnBackend backend, DType dtype)
            throws CaseFailure {
        RnnConfig cfg;
        try {
            cfg = RnnConfig.builder(spec.cell(), spec.inputSize(), spec.hiddenSize()).layers(spec.layers())
                    .bidirectional(spec.bidirectional()).dtype(dtype).layout(spec.layout()).build();
        } catch (IllegalArgumentException e) {
            throw new CaseFailure(null, "invalid configuration: " + e.getMessage());
        }
        CaseData data = new CaseData(spec, cfg, arrays);
        int T = spec.seqLength(), N = spec.batch(), H = spec.hiddenSize(), rows = cfg.stateRows();
        boolean lstm = spec.cell().hasCellState();
        int[] inShape = spec.layout() == Layout.TIME_MAJOR ? new int[] {T, N, spec.inputSize()}
                : new int[] {N, T, spec.inputSize()};
        int[] outShape = spec.layout() == Layout.TIME_MAJOR ? new int[] {T, N, cfg.outputSize()}
                : new int[] {N, T, cfg.outputSize()};
        int[] stateShape = {rows, N, H};

        // Every name this case may hold; anything else would go uncompared, so it is an error.
        Set<String> known = new LinkedHashSet<>(List.of("input", "output", "h0", "h_n", "lengths", "grad_output",
                "grad_h_n", "grad_input", "grad_h0"));
        if (lstm) known.addAll(List.of("c0", "c_n", "grad_c_n", "grad_c0"));
        for (ParamId id : cfg.parameterIds()) {
            known.add(id.name());
            known.add("grad_" + id.name());
        }
        for (String a : arrays.keySet()) {
            if (!known.contains(a)) {
                throw new CaseFailure(a, "unexpected array '" + a + "' in " + spec.file() + " for a "
                        + spec.cell().id() + " case with " + cfg.layers() + " layer(s)"
                        + (cfg.bidirectional() ? ", bidirectional" : "") + " (it would not be compared)");
            }
        }

        int[] lengths = lengths(spec, arrays);

        NpyArray input = data.required("input", inShape);
        NpyArray h0 = data.optional("h0", stateShape);
        NpyArray c0 = lstm ? data.optional("c0", stateShape) : null;
        Map<ParamId, NpyArray> params = new LinkedHashMap<>();
        for (ParamId id : cfg.parameterIds()) params.put(id, data.required(id.name(), id.shape(cfg)));
        NpyArray gradOutput = data.optional("grad_output", outShape);
        NpyArray gradHN = data.optional("grad_h_n", stateShape);
        NpyArray gradCN = lstm ? data.optional("grad_c_n", stateShape) : null;

        // Expected results, in report order.
        Map<String, NpyArray> want = new LinkedHashMap<>();
        want.put("output", data.required("output", outShape));
        want.put("h_n", data.required("h_n", stateShape));
        if (lstm) want.put("c_n", data.required("c_n", stateShape));
        want.put("grad_input", data.required("grad_input", inShape));
        // grad_h0/grad_c0 are required with h0/c0; without them they are compared when present (the gradient
        // w.r.t. the zero initial state).
        NpyArray gradH0 = h0 != null ? data.required("grad_h0", stateShape) : data.optional("grad_h0", stateShape);
        if (gradH0 != null) want.put("grad_h0", gradH0);
        if (lstm) {
            NpyArray gradC0 = c0 != null ? data.required("grad_c0", stateShape) : data.optional("grad_c0", stateShape);
            if (gradC0 != null) want.put("grad_c0", gradC0);
        }
        for (ParamId id : cfg.parameterIds()) {
            want.put("grad_" + id.name(), data.required("grad_" + id.name(), id.shape(cfg)));
        }

        Map<String, MemorySegment> got = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters weights = RnnParameters.of(cfg);
            for (var e : params.entrySet()) weights.set(e.getKey(), load(arena, e.getValue(), dtype));
            RnnParameters weightGrads = RnnParameters.allocate(cfg, arena);
            for (ParamId id : cfg.parameterIds()) fillNaN(weightGrads.get(id), dtype);

            SequenceArgs args = new SequenceArgs().shape(T, N).input(load(arena, input, dtype))
                    .h0(load(arena, h0, dtype)).c0(load(arena, c0, dtype)).lengths(lengths);
            got.put("output", nanSegment(arena, want.get("output").size(), dtype));
            got.put("h_n", nanSegment(arena, (long) rows * N * H, dtype));
            args.output(got.get("output")).hN(got.get("h_n"));
            if (lstm) {
                got.put("c_n", nanSegment(arena, (long) rows * N * H, dtype));
                args.cN(got.get("c_n"));
            }

            GradientArgs grads = new GradientArgs().gradOutput(load(arena, gradOutput, dtype))
                    .gradHN(load(arena, gradHN, dtype)).gradCN(load(arena, gradCN, dtype)).weightGrads(weightGrads);
            got.put("grad_input", nanSegment(arena, input.size(), dtype));
            grads.gradInput(got.get("grad_input"));
            if (want.containsKey("grad_h0")) {
                got.put("grad_h0", nanSegment(arena, (long) rows * N * H, dtype));
                grads.gradH0(got.get("grad_h0"));
            }
            if (want.containsKey("grad_c0")) {
                got.put("grad_c0", nanSegment(arena, (long) rows * N * H, dtype));
                grads.gradC0(got.get("grad_c0"));
            }
            for (ParamId id : cfg.parameterIds()) got.put("grad_" + id.name(), weightGrads.get(id));

            try (Rnn rnn = Rnn.create(cfg, weights, backend);
                 RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
                rnn.forward(args, ws);
                rnn.backward(args, grads, ws);
            }

            return compare(spec.name(), want, got, dtype);
        }
    }

    private static int[] lengths(Spec spec, Map<String, NpyArray> arrays) throws CaseFailure {
        int[] fromJson = spec.lengths();
        int[] fromNpz = null;
        NpyArray a = arrays.get("lengths");
        if (a != null) {
            if (a.dtype().isFloating()) {
                throw new CaseFailure("lengths", "array 'lengths' has dtype " + a.dtype().descr()
                        + " but an integer dtype was expected");
            }
            if (a.ndim() != 1) {
                throw new CaseFailure("lengths", "array 'lengths' has shape " + Arrays.toString(a.shape())
                        + " but [" + spec.batch() + "] was expected");
            }
            try {
                fromNpz = a.toIntArray();
            } catch (IllegalStateException e) {
                throw new CaseFailure("lengths", "array 'lengths': " + e.getMessage());
            }
        }
        if (fromJson != null && fromNpz != null && !Arrays.equals(fromJson, fromNpz)) {
            throw new CaseFailure("lengths", "lengths disagree: cases.json says " + Arrays.toString(fromJson)
                    + " but the npz says " + Arrays.toString(fromNpz));
        }
        int[] lengths = fromJson != null ? fromJson : fromNpz;
        if (lengths != null && lengths.length != spec.batch()) {
            throw new CaseFailure("lengths", "lengths has " + lengths.length + " entries but N=" + spec.batch());
        }
        return lengths;
    }

    // ---------------------------------------------------------------- memory

    /** A fresh segment holding {@code a} in {@code dtype} (rounded to float for F32); null for null. */
    private static MemorySegment load(Arena arena, NpyArray a, DType dtype) {
        if (a == null) return null;
        MemorySegment s = arena.allocate((long) a.size() * dtype.bytes(), 64);
        if (dtype == DType.F64) {
            MemorySegment.copy(a.toDoubleArray(), 0, s, ValueLayout.JAVA_DOUBLE, 0, a.size());
        } else {
            MemorySegment.copy(a.toFloatArray(), 0, s, ValueLayout.JAVA_FLOAT, 0, a.size());
        }
        return s;
    }

    /** Outputs start as NaN, so an element a backend forgets to write cannot pass. */
    private static MemorySegment nanSegment(Arena arena, long elements, DType dtype) {
        MemorySegment s = arena.allocate(Math.max(1, elements) * dtype.bytes(), 64);
        fillNaN(s, dtype);
        return s;
    }

    private static void fillNaN(MemorySegment s, DType dtype) {
        long n = s.byteSize() / dtype.bytes();
        for (long i = 0; i < n; i++) {
            if (dtype == DType.F64) s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, Double.NaN);
            else s.setAtIndex(ValueLayout.JAVA_FLOAT, i, Float.NaN);
        }
    }

    private static double get(MemorySegment s, DType dtype, long i) {
        return dtype == DType.F64 ? s.getAtIndex(ValueLayout.JAVA_DOUBLE, i) : s.getAtIndex(ValueLayout.JAVA_FLOAT, i);
    }

    // ---------------------------------------------------------------- comparison

    private static CaseResult compare(String name, Map<String, NpyArray> want, Map<String, MemorySegment> got,
                                      DType dtype) {
        double threshold = threshold(dtype);
        double worst = -1;
        String worstName = null;
        String detail = null;
        for (var e : want.entrySet()) {
            double[] w = e.getValue().toDoubleArray();
            MemorySegment g = got.get(e.getKey());
            double scale = 1;
            for (double v : w) scale = Math.max(scale, Math.abs(v));
            double maxDiff = 0;
            int at = -1;
            for (int i = 0; i < w.length; i++) {
                double diff = Math.abs(get(g, dtype, i) - w[i]);
                if (Double.isNaN(diff)) diff = Double.POSITIVE_INFINITY;
                if (at < 0 || diff > maxDiff) {
                    maxDiff = diff;
                    at = i;
                }
            }
            double err = maxDiff / scale;
            if (err > worst) {
                worst = err;
                worstName = e.getKey();
                detail = at < 0 ? "" : " at element " + at + " " + index(e.getValue().shape(), at) + ": got "
                        + get(g, dtype, at) + ", want " + w[at];
            }
        }
        if (worstName == null) return new CaseResult(name, false, Double.NaN, null, "no arrays to compare");
        boolean passed = worst <= threshold;
        String reason = passed ? null : "error " + formatError(worst) + " in " + worstName + " exceeds "
                + formatError(threshold) + " (" + dtype.numpyName() + ")" + detail;
        return new CaseResult(name, passed, worst, worstName, reason);
    }

    /** The multi-index of flat index {@code flat} in {@code shape}, e.g. {@code [2, 0, 5]}. */
    private static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(idx);
    }
}
