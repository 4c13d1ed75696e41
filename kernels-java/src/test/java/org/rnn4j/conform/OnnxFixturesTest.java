package org.rnn4j.conform;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.DType;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.NpyDType;
import org.rnn4j.npy.Npz;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.util.MiniJson;

/**
 * The converted ONNX node tests ({@code src/test/resources/fixtures/onnx}, made by
 * {@code bench/onnx/convert_onnx_node_tests.py}; every backend runs them in
 * {@link org.rnn4j.testkit.OnnxNodeSuite}): the index is complete, and the cases with distinct per-gate weights
 * see a wrong gate order, which ONNX's official constant-weight tests cannot.
 */
class OnnxFixturesTest {
    static final int CASES = 26;

    /** ONNX 1.12's LSTM/GRU/RNN node tests, all expressible. */
    static final Set<String> OFFICIAL = Set.of("test_gru_batchwise", "test_gru_defaults", "test_gru_seq_length",
            "test_gru_with_initial_bias", "test_lstm_batchwise", "test_lstm_defaults", "test_lstm_with_initial_bias",
            "test_lstm_with_peepholes", "test_rnn_seq_length", "test_simple_rnn_batchwise", "test_simple_rnn_defaults",
            "test_simple_rnn_with_initial_bias");

    @TempDir
    Path tmp;

    @Test
    void theIndexListsEveryCaseAndEverySkippedTest() throws IOException {
        try (CaseDirectory onnx = CaseDirectory.onClassPath(CaseDirectory.ONNX_NODE_TESTS)) {
            Path dir = onnx.path();
            List<String> npz;
            try (var files = Files.list(dir)) {
                npz = files.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".npz")).sorted().toList();
            }
            List<Map<String, Object>> cases = CaseSpec.readIndex(dir);
            assertEquals(CASES, cases.size());
            assertEquals(npz, cases.stream().map(c -> c.get("file").toString()).sorted().toList());
            Set<String> names = cases.stream().map(c -> c.get("name").toString()).collect(Collectors.toSet());
            assertTrue(names.containsAll(OFFICIAL), names.toString());
            assertEquals(CASES - OFFICIAL.size(), names.stream().filter(n -> n.startsWith("test_rnn4j_")).count());

            Map<String, Object> root = MiniJson.parseObject(Files.readString(dir.resolve("cases.json"),
                    StandardCharsets.UTF_8));
            assertNotNull(root.get("packages"));
            @SuppressWarnings("unchecked")
            List<Map<String, Object>> skipped = (List<Map<String, Object>>) root.get("skipped");
            Map<String, String> why = skipped.stream().collect(Collectors.toMap(s -> s.get("test").toString(),
                    s -> s.get("reason").toString()));
            assertEquals(Set.of("test_rnn4j_unexpressible_lstm_clip", "test_rnn4j_unexpressible_gru_hardsigmoid",
                    "test_rnn4j_unexpressible_rnn_leakyrelu_alpha"), why.keySet());
            assertTrue(why.get("test_rnn4j_unexpressible_lstm_clip").startsWith("clip="));
        }
    }

    @Test
    void everyCaseComparesOnlyTheOnnxOutputsItHolds() throws IOException {
        try (CaseDirectory onnx = CaseDirectory.onClassPath(CaseDirectory.ONNX_NODE_TESTS)) {
            for (CaseResult r : Conformance.run(onnx.path(), new ReferenceBackend(), DType.F64)) {
                assertTrue(r.passed(), r.line());
                Map<String, NpyArray> arrays = Npz.read(onnx.path().resolve(r.name() + ".npz"));
                List<String> forward = java.util.stream.Stream.of("output", "h_n", "c_n")
                        .filter(arrays::containsKey).toList();
                List<String> want = new java.util.ArrayList<>(forward);
                for (String f : forward) want.add(f + CaseArrays.INFERENCE);
                assertEquals(want, r.compared(), r.name());
                boolean f32 = arrays.get("input").dtype() == NpyDType.FLOAT32;
                assertEquals(OFFICIAL.contains(r.name()), f32, r.name());
                // Official cases hold float32 expectations: about float32 rounding away from float64 results.
                assertTrue(r.maxError() <= (f32 ? 1e-6 : 1e-12), r.line());
            }
        }
    }

    @Test
    void aWrongGateOrderFailsTheDistinctWeightCasesButNotOnnxsConstantOnes() throws IOException {
        // Every transposition of two gate blocks (LSTM 6, GRU 3): what a converter with a wrong order produces.
        for (int i = 0; i < 4; i++) {
            for (int j = i + 1; j < 4; j++) {
                int a = i, b = j;
                Path into = Files.createDirectories(tmp.resolve("swap" + i + j));
                Map<String, Map<String, Object>> cases = copyWith(into, arrays -> swapGates(arrays, a, b));
                Map<String, CaseResult> results = Conformance.run(into, new ReferenceBackend(), DType.F64).stream()
                        .collect(Collectors.toMap(CaseResult::name, r -> r));
                int own = 0;
                for (var e : cases.entrySet()) {
                    String cell = e.getValue().get("cell").toString();
                    if (cell.startsWith("rnn_") || (cell.startsWith("gru") && b == 3)) continue; // not swapped
                    CaseResult r = results.get(e.getKey());
                    if (e.getKey().startsWith("test_rnn4j_")) {
                        own++;
                        assertFalse(r.passed(), "gates " + a + "<->" + b + " must fail " + r.line());
                    }
                }
                assertEquals(b == 3 ? 5 : 10, own);
                // ONNX's constant-weight tests are blind to it: why rnn4j adds its own.
                for (String blind : List.of("test_lstm_defaults", "test_lstm_with_initial_bias", "test_lstm_batchwise",
                        "test_gru_defaults", "test_gru_with_initial_bias", "test_gru_batchwise")) {
                    assertTrue(results.get(blind).passed(), results.get(blind).line());
                }
            }
        }
    }

    @Test
    void aWrongPeepholeOrderFailsTheDistinctPeepholeCases() throws IOException {
        copyWith(tmp, arrays -> {
            for (String k : List.copyOf(arrays.keySet())) {
                if (k.startsWith("weight_peephole_l0")) arrays.put(k, swapBlocks(arrays.get(k), 3, 1, 2)); // f <-> o
            }
        });
        Map<String, CaseResult> results = Conformance.run(tmp, new ReferenceBackend(), DType.F64).stream()
                .collect(Collectors.toMap(CaseResult::name, r -> r));
        for (String own : List.of("test_rnn4j_lstm_peepholes_forward_yh_yc",
                "test_rnn4j_lstm_peepholes_bidirectional_seq_lens")) {
            assertFalse(results.get(own).passed(), results.get(own).line());
        }
        assertTrue(results.get("test_lstm_with_peepholes").passed(), "constant P: blind");
    }

    /** Swaps gate blocks a and b of every weight and bias, when the cell has that many gates. */
    private static void swapGates(Map<String, NpyArray> arrays, int a, int b) {
        int[] hh = arrays.get("weight_hh_l0").shape(); // [G·H, H]
        int gates = hh[0] / hh[1];
        if (b >= gates) return;
        for (String k : List.copyOf(arrays.keySet())) {
            if (k.startsWith("weight_ih") || k.startsWith("weight_hh") || k.startsWith("bias_")) {
                arrays.put(k, swapBlocks(arrays.get(k), gates, a, b));
            }
        }
    }

    /** {@code a} (first axis split into {@code blocks} equal blocks) with blocks {@code i} and {@code j} swapped. */
    private static NpyArray swapBlocks(NpyArray a, int blocks, int i, int j) {
        double[] v = a.toDoubleArray();
        int block = v.length / blocks;
        double[] out = v.clone();
        System.arraycopy(v, i * block, out, j * block, block);
        System.arraycopy(v, j * block, out, i * block, block);
        if (a.dtype() == NpyDType.FLOAT32) {
            float[] f = new float[out.length];
            for (int k = 0; k < f.length; k++) f[k] = (float) out[k];
            return NpyArray.of(f, a.shape());
        }
        return NpyArray.of(out, a.shape());
    }

    /** Copies the ONNX cases into {@code into} with {@code edit} applied to every npz; the index by case name. */
    private static Map<String, Map<String, Object>> copyWith(Path into,
                                                             java.util.function.Consumer<Map<String, NpyArray>> edit)
            throws IOException {
        Map<String, Map<String, Object>> byName = new LinkedHashMap<>();
        try (CaseDirectory onnx = CaseDirectory.onClassPath(CaseDirectory.ONNX_NODE_TESTS)) {
            Files.copy(onnx.path().resolve("cases.json"), into.resolve("cases.json"));
            for (Map<String, Object> c : CaseSpec.readIndex(onnx.path())) {
                String file = c.get("file").toString();
                Map<String, NpyArray> arrays = new LinkedHashMap<>(Npz.read(onnx.path().resolve(file)));
                edit.accept(arrays);
                Npz.write(into.resolve(file), arrays, false);
                byName.put(c.get("name").toString(), c);
            }
        }
        return byName;
    }
}
