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
 * @param want       the expected results by result name, in report order: the training forward's results,
 *                   the inference forward's (the same arrays, names suffixed {@value #INFERENCE}), the gradients
 */
record CaseArrays(NpyArray input, NpyArray h0, NpyArray c0, int[] lengths, Map<ParamId, NpyArray> params,
                  NpyArray gradOutput, NpyArray gradHN, NpyArray gradCN, Map<String, NpyArray> want) {

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

            // Expected results, in report order.
            Map<String, NpyArray> want = new LinkedHashMap<>();
            want.put("output", required("output", outShape));
            want.put("h_n", required("h_n", stateShape));
            if (lstm) want.put("c_n", required("c_n", stateShape));
            // The inference forward must produce the same results as the training forward.
            for (String s : List.of("output", "h_n", "c_n")) {
                if (want.containsKey(s)) want.put(s + INFERENCE, want.get(s));
            }
            want.put("grad_input", required("grad_input", inShape));
            // grad_h0/grad_c0 are required with h0/c0; without them they are compared when present (the gradient
            // w.r.t. the zero initial state).
            NpyArray gradH0 = h0 != null ? required("grad_h0", stateShape) : optional("grad_h0", stateShape);
            if (gradH0 != null) want.put("grad_h0", gradH0);
            if (lstm) {
                NpyArray gradC0 = c0 != null ? required("grad_c0", stateShape) : optional("grad_c0", stateShape);
                if (gradC0 != null) want.put("grad_c0", gradC0);
            }
            for (ParamId id : cfg.parameterIds()) {
                want.put("grad_" + id.name(), required("grad_" + id.name(), id.shape(cfg)));
            }
            return new CaseArrays(input, h0, c0, lengths, Collections.unmodifiableMap(params), gradOutput, gradHN,
                    gradCN, Collections.unmodifiableMap(want));
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
