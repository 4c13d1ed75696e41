package org.rnn4j.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.GruVariant;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.Npz;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.RnnBackend;

/**
 * The runner on case directories written here from the reference backend's own results (no bench resources
 * needed): they must pass, and each kind of breakage must fail its case with the right reason.
 */
class ConformanceTest {
    @TempDir
    Path dir;

    /** One case to generate: cell, sizes, and whether it has initial states and lengths. */
    private record Gen(String name, Cell cell, int T, int N, int I, int H, int layers, boolean bidir,
                       boolean states, int[] lengths, long seed) {}

    private static final List<Gen> CASES = List.of(
            new Gen("lstm_small", Cell.lstm(), 3, 2, 3, 4, 1, false, true, null, 1),
            new Gen("gru_bidir_2layers_varlen", Cell.gru(GruVariant.LINEAR_BEFORE_RESET), 4, 3, 2, 3, 2, true, true,
                    new int[] {2, 4, 1}, 2),
            new Gen("peephole_no_states", Cell.lstmWithPeepholes(), 3, 2, 2, 3, 1, false, false, null, 3),
            new Gen("rnn_relu", Cell.rnn(Activation.RELU), 2, 2, 3, 2, 1, true, true, null, 4));

    @Test
    void referenceResultsPassInBothDtypes() throws IOException {
        writeAll(dir, CASES);
        List<CaseResult> f64 = runF64();
        assertEquals(CASES.size(), f64.size());
        for (CaseResult r : f64) {
            assertTrue(r.passed(), r.line());
            assertTrue(r.maxError() <= 1e-12, r.line());
            assertNull(r.reason(), r.line());
            assertNotNull(r.worstArray(), r.line());
        }
        List<CaseResult> f32 = Conformance.run(dir, new ReferenceBackend(), DType.F32);
        for (CaseResult r : f32) {
            assertTrue(r.passed(), r.line());
            assertTrue(r.maxError() <= Conformance.F32_THRESHOLD, r.line());
            assertTrue(r.maxError() > 0, "f32 should differ from the f64 wants: " + r.line());
        }
        Conformance.Summary s = Conformance.summarize(f64);
        assertEquals(CASES.size(), s.passed());
        assertEquals(0, s.failed());
        assertTrue(s.ok());
        assertTrue(s.line().matches("conform: 4 passed, 0 failed, max error \\d\\.\\d\\de[-+]\\d\\d"), s.line());
    }

    @Test
    void corruptedValueFailsNamingTheArray() throws IOException {
        writeAll(dir, CASES);
        corrupt("gru_bidir_2layers_varlen", "grad_weight_hh_l1_reverse", 5, 1e-6);
        corrupt("lstm_small", "c_n", 0, 1e-3);
        List<CaseResult> results = runF64();

        CaseResult gru = byName(results, "gru_bidir_2layers_varlen");
        assertFalse(gru.passed());
        assertEquals("grad_weight_hh_l1_reverse", gru.worstArray());
        assertTrue(gru.maxError() > 1e-7 && gru.maxError() < 1e-5, gru.line());
        assertTrue(gru.reason().contains("grad_weight_hh_l1_reverse"), gru.reason());
        assertTrue(gru.reason().contains("element 5"), gru.reason());

        CaseResult lstm = byName(results, "lstm_small");
        assertFalse(lstm.passed());
        assertEquals("c_n", lstm.worstArray());

        assertTrue(byName(results, "peephole_no_states").passed());
        assertTrue(byName(results, "rnn_relu").passed());
        Conformance.Summary s = Conformance.summarize(results);
        assertEquals(2, s.passed());
        assertEquals(2, s.failed());
        assertFalse(s.ok());
    }

    @Test
    void f32ThresholdCatchesAnErrorAboveIt() throws IOException {
        writeAll(dir, CASES.subList(0, 1));
        corrupt("lstm_small", "output", 2, 5e-4);
        CaseResult r = Conformance.run(dir, new ReferenceBackend(), DType.F32).get(0);
        assertFalse(r.passed());
        assertEquals("output", r.worstArray());
        assertTrue(r.reason().contains("exceeds 1.00e-04"), r.reason());
    }

    @Test
    void inferenceForwardIsComparedToo() throws IOException {
        writeAll(dir, CASES);
        // Only the inference forward is off: the training forward and the gradients are right.
        RnnBackend offByOne = breakInference((args, dtype) -> {
            MemorySegment out = args.output();
            if (dtype == DType.F64) out.set(ValueLayout.JAVA_DOUBLE, 0, out.get(ValueLayout.JAVA_DOUBLE, 0) + 1e-6);
            else out.set(ValueLayout.JAVA_FLOAT, 0, out.get(ValueLayout.JAVA_FLOAT, 0) + 1e-3f);
        });
        for (DType dtype : List.of(DType.F64, DType.F32)) {
            for (CaseResult r : Conformance.run(dir, offByOne, dtype)) {
                assertFalse(r.passed(), r.line());
                assertEquals("output(inference)", r.worstArray(), r.line());
                assertTrue(r.reason().contains("in output(inference) exceeds"), r.reason());
            }
        }
    }

    @Test
    void inferenceStatesLeftUnwrittenFail() throws IOException {
        writeAll(dir, CASES);
        // The inference forward writes no final states: their buffers keep the NaN they start with.
        RnnBackend noStates = breakInference(null);
        List<CaseResult> results = Conformance.run(dir, noStates, DType.F64);
        for (CaseResult r : results) {
            assertFalse(r.passed(), r.line());
            assertEquals(Double.POSITIVE_INFINITY, r.maxError(), r.line());
            assertEquals("h_n(inference)", r.worstArray(), r.line());
        }
        assertEquals("conform: 0 passed, 4 failed, max error inf", Conformance.summarize(results).line());
    }

    /**
     * The reference backend with its inference forward broken: {@code after} edits its results, or (null) the
     * inference forward runs with its final-state outputs removed, leaving them unwritten.
     */
    private static RnnBackend breakInference(BiConsumer<SequenceArgs, DType> after) {
        RnnBackend ref = new ReferenceBackend();
        return (RnnBackend) Proxy.newProxyInstance(RnnBackend.class.getClassLoader(), new Class<?>[] {RnnBackend.class},
                (proxy, method, a) -> {
                    boolean inference = method.getName().equals("forward") && a != null && a.length == 4
                            && ((ExecutionPlan) a[1]).mode() == Mode.INFERENCE;
                    if (inference && after == null) {
                        SequenceArgs in = (SequenceArgs) a[2];
                        a = a.clone();
                        a[2] = new SequenceArgs().shape(in.seqLength(), in.batch()).input(in.input()).h0(in.h0())
                                .c0(in.c0()).output(in.output()).lengths(lengthsOf(in));
                    }
                    Object result;
                    try {
                        result = method.invoke(ref, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                    if (inference && after != null) {
                        ExecutionPlan plan = (ExecutionPlan) a[1];
                        after.accept((SequenceArgs) a[2], plan.capacity().config().dtype());
                    }
                    return result;
                });
    }

    private static int[] lengthsOf(SequenceArgs a) {
        if (a.lengths() == null) return null;
        int[] l = new int[a.batch()];
        for (int n = 0; n < l.length; n++) l[n] = a.length(n);
        return l;
    }

    @Test
    void missingFileFailsThatCaseOnly() throws IOException {
        writeAll(dir, CASES);
        Files.delete(dir.resolve("lstm_small.npz"));
        List<CaseResult> results = runF64();
        assertOnlyFailure(results, "lstm_small", "missing file lstm_small.npz");
        CaseResult r = byName(results, "lstm_small");
        assertTrue(Double.isNaN(r.maxError()));
        assertFalse(r.ran());
    }

    @Test
    void unknownCellFailsWithTheName() throws IOException {
        writeAll(dir, CASES);
        String json = Files.readString(dir.resolve("cases.json")).replace("\"cell\": \"rnn_relu\"", "\"cell\": \"mgu\"");
        Files.writeString(dir.resolve("cases.json"), json);
        assertOnlyFailure(runF64(), "rnn_relu", "unknown cell 'mgu'");
    }

    @Test
    void missingArrayFailsNamingIt() throws IOException {
        writeAll(dir, CASES);
        editArrays("lstm_small", false, arrays -> arrays.remove("grad_input"));
        assertFailedNaming(runF64("lstm_small"), "grad_input", "missing array 'grad_input'");
    }

    @Test
    void missingExpectationIsNotComparedWhenNotListed() throws IOException {
        writeAll(dir, CASES);
        // Without an "arrays" list in cases.json, a case compares what its npz holds: a reference may give only
        // some results.
        String json = Files.readString(dir.resolve("cases.json")).replaceAll("\"arrays\": \\[[^\\]]*\\], ", "");
        Files.writeString(dir.resolve("cases.json"), json);
        editArrays("peephole_no_states", true, arrays -> arrays.remove("grad_weight_peephole_l0"));
        List<CaseResult> results = runF64();
        CaseResult r = byName(results, "peephole_no_states");
        assertTrue(r.passed(), r.line());
        assertFalse(r.compared().contains("grad_weight_peephole_l0"), r.compared().toString());
        assertTrue(r.compared().contains("grad_weight_ih_l0"), r.compared().toString());
        assertTrue(byName(results, "lstm_small").passed(), "the index without array lists still works");
    }

    @Test
    void everyExpectationOfAFullCaseIsCompared() throws IOException {
        writeAll(dir, CASES);
        CaseResult r = runF64("lstm_small");
        assertEquals(List.of("output", "h_n", "c_n", "output(inference)", "h_n(inference)", "c_n(inference)",
                "grad_input", "grad_h0", "grad_c0", "grad_weight_ih_l0", "grad_weight_hh_l0", "grad_bias_ih_l0",
                "grad_bias_hh_l0"), r.compared());
        assertEquals(Conformance.F64_THRESHOLD, r.threshold());
    }

    @Test
    void forwardOnlyCasesCompareWhatTheyHoldAndRunNoBackward() throws IOException {
        writeAll(dir, CASES);
        keepOnly("lstm_small", "output");
        keepOnly("gru_bidir_2layers_varlen", "h_n");
        keepOnly("peephole_no_states", "c_n", "h_n");
        keepOnly("rnn_relu", "output", "h_n");
        RnnBackend noBackward = failing("backward");
        for (DType dtype : DType.values()) {
            List<CaseResult> results = Conformance.run(dir, noBackward, dtype);
            for (CaseResult r : results) assertTrue(r.passed(), r.line());
            assertEquals(List.of("output", "output(inference)"), byName(results, "lstm_small").compared());
            assertEquals(List.of("h_n", "h_n(inference)"), byName(results, "gru_bidir_2layers_varlen").compared());
            assertEquals(List.of("h_n", "c_n", "h_n(inference)", "c_n(inference)"),
                    byName(results, "peephole_no_states").compared());
            assertEquals("conform: 4 passed, 0 failed", Conformance.summarize(results).line().replaceAll(
                    ", max error .*", ""));
        }
    }

    @Test
    void backwardCasesWithSomeGradientsRunNoInferenceForward() throws IOException {
        writeAll(dir, CASES);
        keepOnly("lstm_small", "grad_weight_hh_l0", "grad_input");
        keepOnly("rnn_relu", "grad_h0");
        RnnBackend noInference = breakInferenceByThrowing();
        List<CaseResult> results = Conformance.run(dir, noInference, DType.F64);
        assertEquals(List.of("grad_input", "grad_weight_hh_l0"), byName(results, "lstm_small").compared());
        assertEquals(List.of("grad_h0"), byName(results, "rnn_relu").compared());
        assertTrue(byName(results, "lstm_small").passed());
        assertTrue(byName(results, "rnn_relu").passed());
        // Cases expecting a forward result run the inference forward, which throws here.
        CaseResult full = byName(results, "gru_bidir_2layers_varlen");
        assertFalse(full.passed());
        assertTrue(full.reason().contains("cannot run"), full.reason());
    }

    @Test
    void aPartialCaseStillFailsOnAWrongValue() throws IOException {
        writeAll(dir, CASES);
        keepOnly("gru_bidir_2layers_varlen", "h_n", "grad_bias_hh_l1_reverse");
        corrupt("gru_bidir_2layers_varlen", "grad_bias_hh_l1_reverse", 2, 1e-7);
        CaseResult r = runF64("gru_bidir_2layers_varlen");
        assertFalse(r.passed(), r.line());
        assertEquals("grad_bias_hh_l1_reverse", r.worstArray());
    }

    @Test
    void aCaseWithNothingToCompareFails() throws IOException {
        writeAll(dir, CASES);
        keepOnly("rnn_relu");
        List<CaseResult> results = runF64();
        CaseResult r = byName(results, "rnn_relu");
        assertFalse(r.passed());
        assertFalse(r.ran());
        assertTrue(r.reason().startsWith("nothing to compare: rnn_relu.npz holds none of the expected results"),
                r.reason());
        assertTrue(r.line().contains("FAIL"), r.line());
        assertOnlyFailure(results, "rnn_relu", "nothing to compare");
        assertTrue(Conformance.summarize(results).line().startsWith("conform: 3 passed, 1 failed, max error "));
    }

    @Test
    void float32ExpectationsAreComparedAtTheFloat32ThresholdInFloat64() throws IOException {
        writeAll(dir, CASES.subList(0, 1));
        editArrays("lstm_small", false, arrays -> {
            for (String k : List.of("output", "h_n", "c_n")) {
                NpyArray a = arrays.get(k);
                double[] v = a.toDoubleArray();
                float[] f = new float[v.length];
                for (int i = 0; i < v.length; i++) f[i] = (float) v[i];
                arrays.put(k, NpyArray.of(f, a.shape()));
            }
        });
        CaseResult r = runF64("lstm_small");
        assertTrue(r.passed(), r.line());
        assertEquals(Conformance.F32_THRESHOLD, r.threshold());
        assertTrue(r.maxError() > Conformance.F64_THRESHOLD && r.maxError() < 1e-6, r.line());
        corrupt("lstm_small", "grad_input", 0, 2e-4);
        CaseResult bad = runF64("lstm_small");
        assertFalse(bad.passed());
        assertTrue(bad.reason().contains("exceeds 1.00e-04 (float64, float32 expectations)"), bad.reason());
    }

    @Test
    void wrongShapeFailsNamingTheArray() throws IOException {
        writeAll(dir, CASES);
        editArrays("rnn_relu", false, arrays -> {
            double[] w = arrays.get("weight_ih_l0").toDoubleArray();
            arrays.put("weight_ih_l0", NpyArray.of(w, 3, 2)); // [H=2, I=3] transposed
        });
        CaseResult r = runF64("rnn_relu");
        assertFalse(r.passed());
        assertEquals("weight_ih_l0", r.worstArray());
        assertTrue(r.reason().contains("shape [3, 2]") && r.reason().contains("[2, 3]"), r.reason());
    }

    @Test
    void unexpectedArrayFails() throws IOException {
        writeAll(dir, CASES);
        // a second layer the case does not have
        editArrays("lstm_small", false, arrays -> arrays.put("grad_weight_ih_l1", arrays.get("grad_weight_ih_l0")));
        assertFailedNaming(runF64("lstm_small"), "grad_weight_ih_l1", "unexpected array");
    }

    @Test
    void lengthsDisagreeingWithTheIndexFail() throws IOException {
        writeAll(dir, CASES);
        editArrays("gru_bidir_2layers_varlen", false,
                arrays -> arrays.put("lengths", NpyArray.of(new long[] {2, 3, 1}, 3)));
        CaseResult r = runF64("gru_bidir_2layers_varlen");
        assertFalse(r.passed());
        assertTrue(r.reason().contains("lengths disagree"), r.reason());
    }

    @Test
    void notAnNpzFails() throws IOException {
        writeAll(dir, CASES);
        Files.writeString(dir.resolve("rnn_relu.npz"), "not a zip");
        CaseResult r = runF64("rnn_relu");
        assertFalse(r.passed());
        assertTrue(r.reason().startsWith("cannot read rnn_relu.npz"), r.reason());
    }

    @Test
    void missingIndexIsAnIOException() {
        IOException e = assertThrows(IOException.class, () -> runF64());
        assertTrue(e.getMessage().contains("cases.json"), e.getMessage());
    }

    @Test
    void nullArgumentsAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Conformance.run(null, new ReferenceBackend(), DType.F64));
        assertThrows(IllegalArgumentException.class, () -> Conformance.run(dir, null, DType.F64));
        assertThrows(IllegalArgumentException.class, () -> Conformance.run(dir, new ReferenceBackend(), null));
    }

    @Test
    void runsInsideAZipFileSystem() throws IOException {
        Path cases = dir.resolve("cases");
        Files.createDirectories(cases);
        writeAll(cases, CASES);
        Path jar = dir.resolve("fixtures.jar");
        try (OutputStream out = Files.newOutputStream(jar); ZipOutputStream zip = new ZipOutputStream(out)) {
            try (var files = Files.list(cases)) {
                for (Path p : files.sorted().toList()) {
                    zip.putNextEntry(new ZipEntry("fixtures/mine/" + p.getFileName()));
                    zip.write(Files.readAllBytes(p));
                    zip.closeEntry();
                }
            }
        }
        try (FileSystem fs = FileSystems.newFileSystem(URI.create("jar:" + jar.toUri()), Map.of())) {
            List<CaseResult> results = Conformance.run(fs.getPath("/fixtures/mine"), new ReferenceBackend(), DType.F64);
            assertEquals(CASES.size(), results.size());
            for (CaseResult r : results) assertTrue(r.passed(), r.line());
        }
    }

    @Test
    void formatsErrors() {
        assertEquals("3.21e-15", Conformance.formatError(3.2149e-15));
        assertEquals("1.00e-04", Conformance.formatError(1e-4));
        // Three significant digits: an error just above the threshold does not print as the threshold.
        assertEquals("1.04e-10", Conformance.formatError(1.04e-10));
        assertEquals("1.00e-10", Conformance.formatError(Conformance.F64_THRESHOLD));
        assertEquals("inf", Conformance.formatError(Double.POSITIVE_INFINITY));
        assertEquals("n/a", Conformance.formatError(Double.NaN));
        assertEquals(1e-10, Conformance.threshold(DType.F64));
        assertEquals(1e-4, Conformance.threshold(DType.F32));
    }

    // ---------------------------------------------------------------- generating cases

    private static CaseResult byName(List<CaseResult> results, String name) {
        return results.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow();
    }

    /** Case {@code name} failed with a reason containing {@code reasonFragment}; the three others passed. */
    private static void assertOnlyFailure(List<CaseResult> results, String name, String reasonFragment) {
        CaseResult r = byName(results, name);
        assertFalse(r.passed());
        assertTrue(r.reason().contains(reasonFragment), r.reason());
        assertEquals(3, results.stream().filter(CaseResult::passed).count());
    }

    /** {@code r} failed, its worst array is {@code array} and its reason contains {@code reasonFragment}. */
    private static void assertFailedNaming(CaseResult r, String array, String reasonFragment) {
        assertFalse(r.passed());
        assertEquals(array, r.worstArray());
        assertTrue(r.reason().contains(reasonFragment), r.reason());
    }

    /** The results of the reference backend on every case in {@link #dir}, in float64. */
    private List<CaseResult> runF64() throws IOException {
        return Conformance.run(dir, new ReferenceBackend(), DType.F64);
    }

    /** The result of case {@code name} when the reference backend runs every case in {@link #dir} in float64. */
    private CaseResult runF64(String name) throws IOException {
        return byName(runF64(), name);
    }

    /**
     * Case {@code name} keeps its inputs and, of its expected results, only {@code results}; its "arrays" list in
     * cases.json is updated to match.
     */
    private void keepOnly(String name, String... results) throws IOException {
        List<String> keep = List.of(results);
        editArrays(name, false, arrays -> arrays.keySet().removeIf(k -> (k.equals("output") || k.equals("h_n")
                || k.equals("c_n") || (k.startsWith("grad_") && !k.equals("grad_output") && !k.equals("grad_h_n")
                && !k.equals("grad_c_n"))) && !keep.contains(k)));
        Map<String, NpyArray> now = Npz.read(dir.resolve(name + ".npz"));
        StringBuilder list = new StringBuilder("\"arrays\": [");
        int i = 0;
        for (String k : now.keySet()) list.append(i++ == 0 ? "" : ", ").append('"').append(k).append('"');
        list.append("], \"file\": \"").append(name).append(".npz\"");
        String json = Files.readString(dir.resolve("cases.json"));
        json = json.replaceAll("\"arrays\": \\[[^\\]]*\\], \"file\": \"" + name + "\\.npz\"",
                java.util.regex.Matcher.quoteReplacement(list.toString()));
        Files.writeString(dir.resolve("cases.json"), json);
    }

    /** The reference backend, whose method {@code method} throws. */
    private static RnnBackend failing(String method) {
        RnnBackend ref = new ReferenceBackend();
        return (RnnBackend) Proxy.newProxyInstance(RnnBackend.class.getClassLoader(), new Class<?>[] {RnnBackend.class},
                (proxy, m, a) -> {
                    if (m.getName().equals(method)) throw new IllegalStateException(method + " must not be called");
                    try {
                        return m.invoke(ref, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** The reference backend whose inference forward throws. */
    private static RnnBackend breakInferenceByThrowing() {
        RnnBackend ref = new ReferenceBackend();
        return (RnnBackend) Proxy.newProxyInstance(RnnBackend.class.getClassLoader(), new Class<?>[] {RnnBackend.class},
                (proxy, m, a) -> {
                    if (m.getName().equals("forward") && a != null && a.length == 4
                            && ((ExecutionPlan) a[1]).mode() == Mode.INFERENCE) {
                        throw new IllegalStateException("inference forward must not be called");
                    }
                    try {
                        return m.invoke(ref, a);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    /** Rewrites the npz of case {@code name} (compressed or not) with {@code edit} applied to its arrays. */
    private void editArrays(String name, boolean compressed, Consumer<Map<String, NpyArray>> edit) throws IOException {
        Path file = dir.resolve(name + ".npz");
        Map<String, NpyArray> arrays = new LinkedHashMap<>(Npz.read(file));
        edit.accept(arrays);
        Npz.write(file, arrays, compressed);
    }

    /** Adds {@code delta} to element {@code index} of array {@code array} of case {@code name}. */
    private void corrupt(String name, String array, int index, double delta) throws IOException {
        editArrays(name, false, arrays -> {
            NpyArray a = arrays.get(array);
            double[] v = a.toDoubleArray();
            v[index] += delta;
            arrays.put(array, NpyArray.of(v, a.shape()));
        });
    }

    /** Writes cases.json and one npz per case, with the reference backend's float64 results as the wants. */
    private static void writeAll(Path into, List<Gen> cases) throws IOException {
        StringBuilder json = new StringBuilder("{\"generator\": \"ConformanceTest\", \"cases\": [\n");
        for (int k = 0; k < cases.size(); k++) {
            Gen g = cases.get(k);
            Map<String, NpyArray> arrays = generate(g);
            Npz.write(into.resolve(g.name() + ".npz"), arrays, k % 2 == 1);
            json.append(k == 0 ? "" : ",\n").append("{\"name\": \"").append(g.name()).append("\", \"cell\": \"")
                    .append(g.cell().id()).append("\", \"T\": ").append(g.T()).append(", \"N\": ").append(g.N())
                    .append(", \"I\": ").append(g.I()).append(", \"H\": ").append(g.H()).append(", \"layers\": ")
                    .append(g.layers()).append(", \"bidirectional\": ").append(g.bidir())
                    .append(", \"dtype\": \"float64\", \"layout\": \"time-major [T, N, C]\", ");
            if (g.lengths() != null) {
                json.append("\"lengths\": ").append(java.util.Arrays.toString(g.lengths())).append(", ");
            }
            json.append("\"arrays\": [");
            List<String> names = new ArrayList<>(arrays.keySet());
            for (int i = 0; i < names.size(); i++) json.append(i == 0 ? "" : ", ").append('"').append(names.get(i)).append('"');
            json.append("], \"file\": \"").append(g.name()).append(".npz\"}");
        }
        json.append("\n]}\n");
        Files.writeString(into.resolve("cases.json"), json, StandardCharsets.UTF_8);
    }

    private static Map<String, NpyArray> generate(Gen g) {
        RnnConfig cfg = RnnConfig.builder(g.cell(), g.I(), g.H()).layers(g.layers()).bidirectional(g.bidir())
                .dtype(DType.F64).build();
        SplittableRandom rnd = new SplittableRandom(g.seed());
        int T = g.T(), N = g.N(), H = g.H(), rows = cfg.stateRows(), out = cfg.outputSize();
        boolean lstm = g.cell().hasCellState();
        Map<String, NpyArray> m = new LinkedHashMap<>();

        double[] x = random(rnd, T * N * g.I(), 1);
        m.put("input", NpyArray.of(x, T, N, g.I()));
        double[] h0 = g.states() ? random(rnd, rows * N * H, 0.5) : null;
        double[] c0 = g.states() && lstm ? random(rnd, rows * N * H, 0.5) : null;
        if (h0 != null) m.put("h0", NpyArray.of(h0, rows, N, H));
        if (c0 != null) m.put("c0", NpyArray.of(c0, rows, N, H));
        if (g.lengths() != null) m.put("lengths", NpyArray.of(g.lengths().clone(), N));
        RnnParameters w = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) {
            double[] v = random(rnd, (int) cfg.parameterSize(id), 1 / Math.sqrt(H));
            w.set(id.name(), v);
            m.put(id.name(), NpyArray.of(v, id.shape(cfg)));
        }
        double[] gy = random(rnd, T * N * out, 1);
        double[] ghn = random(rnd, rows * N * H, 1);
        double[] gcn = lstm ? random(rnd, rows * N * H, 1) : null;
        m.put("grad_output", NpyArray.of(gy, T, N, out));
        m.put("grad_h_n", NpyArray.of(ghn, rows, N, H));
        if (lstm) m.put("grad_c_n", NpyArray.of(gcn, rows, N, H));

        double[] y = new double[T * N * out], hn = new double[rows * N * H], cn = lstm ? new double[rows * N * H] : null;
        double[] gx = new double[x.length], gh0 = new double[rows * N * H], gc0 = lstm ? new double[rows * N * H] : null;
        RnnParameters gw = RnnParameters.of(cfg);
        Map<ParamId, double[]> gwData = new LinkedHashMap<>();
        for (ParamId id : cfg.parameterIds()) {
            double[] v = new double[(int) cfg.parameterSize(id)];
            gwData.put(id, v);
            gw.set(id.name(), v);
        }
        try (Rnn rnn = Rnn.create(cfg, w, new ReferenceBackend());
             RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
            SequenceArgs a = new SequenceArgs().shape(T, N).input(x).output(y).h0(h0).c0(c0).hN(hn).cN(cn)
                    .lengths(g.lengths());
            rnn.forward(a, ws);
            rnn.backward(a, new GradientArgs().gradOutput(gy).gradHN(ghn).gradCN(gcn).gradInput(gx)
                    .gradH0(h0 != null ? gh0 : null).gradC0(c0 != null ? gc0 : null).weightGrads(gw), ws);
        }
        m.put("output", NpyArray.of(y, T, N, out));
        m.put("h_n", NpyArray.of(hn, rows, N, H));
        if (lstm) m.put("c_n", NpyArray.of(cn, rows, N, H));
        m.put("grad_input", NpyArray.of(gx, T, N, g.I()));
        if (h0 != null) m.put("grad_h0", NpyArray.of(gh0, rows, N, H));
        if (c0 != null) m.put("grad_c0", NpyArray.of(gc0, rows, N, H));
        for (var e : gwData.entrySet()) m.put("grad_" + e.getKey().name(), NpyArray.of(e.getValue(), e.getKey().shape(cfg)));
        return m;
    }

    private static double[] random(SplittableRandom rnd, int n, double scale) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = scale * (2 * rnd.nextDouble() - 1);
        return v;
    }
}
