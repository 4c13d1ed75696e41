package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GruVariant;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.Npz;

/** The checks on the user's own data from the command line: {@code gradcheck --case} and partial conform cases. */
class UserDataToolTest {
    /** The converted ONNX node tests, as the source tree holds them (the tool's tests run in bench/). */
    private static final Path ONNX = Path.of("../kernels-java/src/test/resources/fixtures/onnx");

    @TempDir
    Path dir;

    @Test
    void gradcheckOnABundledFixtureFindsItsConfigurationInCasesJson() {
        try (BundledFixtures fx = BundledFixtures.open()) {
            Path file = fx.dir().resolve("lstm_T6_N4_I3_H5_L1_D1_varlen_seed12.npz");
            ToolRun run = ToolRun.of("gradcheck", "--case", file.toString(), "--backend", "reference");
            assertEquals(0, run.exitCode(), run.toString());
            assertEquals("gradcheck: 1 passed, 0 failed", run.lastLine());
            assertTrue(run.out().contains("1 case file"), run.out());
            assertTrue(run.out().contains("gradcheck lstm_T6_N4_I3_H5_L1_D1_varlen_seed12 on reference: PASS"),
                    run.out());
            assertTrue(run.out().contains("weight_hh_l0"), "the whole table\n" + run.out());
            assertTrue(run.out().contains("input(past length)"), run.out());
        }
    }

    @Test
    void gradcheckOnCasesWithSidecars() throws IOException {
        RnnConfig gru = RnnConfig.builder(Cell.gru(GruVariant.RESET_BEFORE), 3, 2).bidirectional(true)
                .dtype(DType.F64).build();
        Path a = writeCase("a", gru, 3, 2, true, "\"cell\": \"gru_reset_before\", \"I\": 3, \"H\": 2, "
                + "\"bidirectional\": true");
        Path b = writeCase("b", RnnConfig.builder(Cell.lstmWithPeepholes(), 2, 3).dtype(DType.F64).build(), 2, 3, true,
                "\"cell\": \"lstm_peephole\", \"I\": 2, \"H\": 3, \"lengths\": [2, 1, 2]");
        ToolRun run = ToolRun.of("gradcheck", "--case", a.toString(), "--case", b.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("gradcheck: 2 passed, 0 failed", run.lastLine());
        assertTrue(run.out().contains("weight_peephole_l0"), run.out());
        assertTrue(run.out().contains("lengths=[2, 1, 2]"), run.out());
    }

    @Test
    void aCaseWithoutUpstreamGradientsNeedsASeed() throws IOException {
        RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 2, 2).dtype(DType.F64).build();
        Path c = writeCase("c", cfg, 2, 1, false, "\"cell\": \"lstm\", \"I\": 2, \"H\": 2");
        ToolRun run = ToolRun.of("gradcheck", "--case", c.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("gradOutput: expected at least one of gradOutput, gradHN, gradCN"), run.err());
        assertTrue(run.err().contains("(--upstream-seed S draws them)"), run.err());
        run = ToolRun.of("gradcheck", "--case", c.toString(), "--upstream-seed", "3");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("gradcheck: 1 passed, 0 failed", run.lastLine());
    }

    @Test
    void caseFileErrorsAreOneLine() throws IOException {
        Npz.write(dir.resolve("lonely.npz"), Map.of("input", NpyArray.of(new double[1], 1, 1, 1)), false);
        ToolRun run = ToolRun.of("gradcheck", "--case", dir.resolve("lonely.npz").toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no configuration"), run.err());
        assertEquals(2, ToolRun.of("gradcheck", "--upstream-seed", "1").exitCode());
    }

    @Test
    void conformRunsTheConvertedOnnxNodeTests() {
        for (String dtype : new String[] {"f64", "f32"}) {
            ToolRun run = ToolRun.of("conform", ONNX.toString(), "--backend", "reference", "--dtype", dtype);
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.lastLine().matches("conform: 26 passed, 0 failed, max error \\d\\.\\d\\de-\\d\\d"),
                    run.lastLine());
            assertTrue(run.out().contains("test_lstm_with_peepholes"), run.out());
            assertTrue(run.out().contains("test_rnn4j_lstm_reverse_batchwise_seq_lens"), run.out());
        }
    }

    /**
     * A case file {@code name.npz} with random data for {@code cfg}, T, N (time-major), upstream gradients on the
     * output and hN when {@code loss}, and a sidecar {@code name.json} holding {@code "T", "N"} and {@code json}.
     */
    private Path writeCase(String name, RnnConfig cfg, int T, int N, boolean loss, String json) throws IOException {
        SplittableRandom rng = new SplittableRandom(name.hashCode());
        Map<String, NpyArray> m = new LinkedHashMap<>();
        m.put("input", NpyArray.of(random(rng, T * N * cfg.inputSize()), T, N, cfg.inputSize()));
        for (ParamId id : cfg.parameterIds()) {
            m.put(id.name(), NpyArray.of(random(rng, (int) cfg.parameterSize(id)), id.shape(cfg)));
        }
        m.put("h0", NpyArray.of(random(rng, cfg.stateRows() * N * cfg.hiddenSize()), cfg.stateRows(), N,
                cfg.hiddenSize()));
        if (loss) {
            m.put("grad_output", NpyArray.of(random(rng, T * N * cfg.outputSize()), T, N, cfg.outputSize()));
            m.put("grad_h_n", NpyArray.of(random(rng, cfg.stateRows() * N * cfg.hiddenSize()), cfg.stateRows(), N,
                    cfg.hiddenSize()));
        }
        Path file = dir.resolve(name + ".npz");
        Npz.write(file, m, false);
        Files.writeString(dir.resolve(name + ".json"), "{\"T\": " + T + ", \"N\": " + N + ", " + json + "}");
        return file;
    }

    private static double[] random(SplittableRandom rng, int n) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = rng.nextDouble(-0.8, 0.8);
        return v;
    }
}
