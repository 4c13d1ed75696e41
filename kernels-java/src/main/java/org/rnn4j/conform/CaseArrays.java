package org.rnn4j.conform;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.rnn4j.Layout;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.Npz;

/**
 * The arrays of one case: reads its {@code .npz}, checks every array against the case's configuration
 * (names, dtypes, shapes, lengths) and sorts them into inputs and expected results.
 *
 * @param input      [T, N, I] (or batch-first)
 * @param h0         [L·D, N, H] or null (zero)
 * @param c0         [L·D, N, H] or null (zero; always null for cells without a cell state)
 * @param lengths    per-sample lengths (from cases.json or the npz), or null
 * @param params     every parameter, in {@link RnnConfig#parameterIds()} order
 * @param gradOutput upstream gradient of the output, or null (zero)
 * @param gradHN     upstream gradient of h_n, or null (zero)
 * @param gradCN     upstream gradient of c_n, or null (zero)
 * @param want       the expected results the case holds, by result name, in report order: the training
 *                   forward's results, the inference forward's (the same arrays, names suffixed
 *                   {@value #INFERENCE}), the gradients; never empty
 */
record CaseArrays(NpyArray input, NpyArray h0, NpyArray c0, int[] lengths, Map<ParamId, NpyArray> params,
                  NpyArray gradOutput, NpyArray gradHN, NpyArray gradCN, Map<String, NpyArray> want) {

    /** The results of the forwards a case may hold; every other result is a gradient. */
    static final List<String> FORWARD_RESULTS = List.of("output", "h_n", "c_n");

    /** Whether the case expects any gradient: only then does the runner call backward. */
    boolean expectsGradients() {
        for (String k : want.keySet()) if (k.startsWith("grad_")) return true;
        return false;
    }

    /** Whether the case expects any forward result: only then does the runner run the inference forward. */
    boolean expectsForwardResults() {
        for (String k : FORWARD_RESULTS) if (want.containsKey(k)) return true;
        return false;
    }

    /**
     * Whether an expected result is stored as float32: such expectations carry float32 accuracy only, so a
     * float64 run compares the case at the float32 threshold.
     */
    boolean float32Expectations() {
        for (NpyArray a : want.values()) if (a.dtype() == org.rnn4j.npy.NpyDType.FLOAT32) return true;
        return false;
    }

    /** Suffix of the results of the inference forward, compared with the same wants as the training forward. */
    static final String INFERENCE = "(inference)";

    /** Reads and checks the arrays of {@code spec} in {@code dir} for configuration {@code cfg}. */
    static CaseArrays load(Path dir, CaseSpec spec, RnnConfig cfg) throws CaseFailure {
        Map<String, NpyArray> arrays = read(dir, spec);
        return new Checker(spec, cfg, arrays).sort();
    }

    private static Map<String, NpyArray> read(Path dir, CaseSpec spec) throws CaseFailure {
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

    /**
     * The lengths of a case: from cases.json, from the {@code lengths} array of its npz (an integer vector), or
     * null; when both give them they must agree, and there must be N of them.
     */
    static int[] lengths(CaseSpec spec, Map<String, NpyArray> arrays) throws CaseFailure {
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

    /** Checks the arrays of one case against its configuration. */
    private record Checker(CaseSpec spec, RnnConfig cfg, Map<String, NpyArray> arrays) {

        CaseArrays sort() throws CaseFailure {
            int T = spec.seqLength(), N = spec.batch(), H = spec.hiddenSize();
            boolean lstm = spec.cell().hasCellState();
            boolean timeMajor = spec.layout() == Layout.TIME_MAJOR;
            int[] inShape = timeMajor ? new int[] {T, N, spec.inputSize()} : new int[] {N, T, spec.inputSize()};
            int[] outShape = timeMajor ? new int[] {T, N, cfg.outputSize()} : new int[] {N, T, cfg.outputSize()};
            int[] stateShape = {cfg.stateRows(), N, H};

            rejectUnknown(lstm);
            int[] lengths = lengths();

            NpyArray input = required("input", inShape);
            NpyArray h0 = optional("h0", stateShape);
            NpyArray c0 = lstm ? optional("c0", stateShape) : null;
            Map<ParamId, NpyArray> params = new LinkedHashMap<>();
            for (ParamId id : cfg.parameterIds()) params.put(id, required(id.name(), id.shape(cfg)));
            NpyArray gradOutput = optional("grad_output", outShape);
            NpyArray gradHN = optional("grad_h_n", stateShape);
            NpyArray gradCN = lstm ? optional("grad_c_n", stateShape) : null;

            // Expected results, in report order: whichever the case holds (a reference may give only some).
            Map<String, NpyArray> want = new LinkedHashMap<>();
            for (String r : FORWARD_RESULTS) {
                if (r.equals("c_n") && !lstm) continue;
                NpyArray a = optional(r, stateShapeOr(r, outShape, stateShape));
                if (a != null) want.put(r, a);
            }
            // The inference forward must produce the same results as the training forward.
            for (String r : FORWARD_RESULTS) {
                if (want.containsKey(r)) want.put(r + INFERENCE, want.get(r));
            }
            put(want, "grad_input", optional("grad_input", inShape));
            put(want, "grad_h0", optional("grad_h0", stateShape));
            if (lstm) put(want, "grad_c0", optional("grad_c0", stateShape));
            for (ParamId id : cfg.parameterIds()) {
                put(want, "grad_" + id.name(), optional("grad_" + id.name(), id.shape(cfg)));
            }
            if (want.isEmpty()) {
                throw new CaseFailure(null, "nothing to compare: " + spec.file() + " holds none of the expected "
                        + "results (output, h_n" + (lstm ? ", c_n" : "") + ", grad_input, grad_h0"
                        + (lstm ? ", grad_c0" : "") + ", grad_<parameter>); a case needs at least one");
            }
            return new CaseArrays(input, h0, c0, lengths, Collections.unmodifiableMap(params), gradOutput, gradHN,
                    gradCN, Collections.unmodifiableMap(want));
        }

        private static int[] stateShapeOr(String result, int[] outShape, int[] stateShape) {
            return result.equals("output") ? outShape : stateShape;
        }

        private static void put(Map<String, NpyArray> want, String name, NpyArray a) {
            if (a != null) want.put(name, a);
        }

        /** Every name this case may hold; anything else would go uncompared, so it is an error. */
        private void rejectUnknown(boolean lstm) throws CaseFailure {
            Set<String> known = new LinkedHashSet<>(List.of("input", "output", "h0", "h_n", "lengths",
                    "grad_output", "grad_h_n", "grad_input", "grad_h0"));
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
        }

        private int[] lengths() throws CaseFailure {
            return CaseArrays.lengths(spec, arrays);
        }

        private NpyArray required(String name, int... shape) throws CaseFailure {
            NpyArray a = arrays.get(name);
            if (a == null) throw new CaseFailure(name, "missing array '" + name + "' in " + spec.file());
            return checked(name, a, shape);
        }

        private NpyArray optional(String name, int... shape) throws CaseFailure {
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
                        + " but " + cfg + " with T=" + spec.seqLength() + ", N=" + spec.batch() + " needs "
                        + Arrays.toString(shape));
            }
            return a;
        }
    }
}
