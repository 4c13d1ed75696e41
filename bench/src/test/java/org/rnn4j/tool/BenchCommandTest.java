package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GruVariant;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;
import org.rnn4j.util.MiniJson;

class BenchCommandTest {
    /** The bench line: the original fields first, in their order, then the spread and the warm-up. */
    static final Pattern LINE = Pattern.compile("bench: backend=(\\w+) cell=(\\w+) mode=(\\w+) dtype=(f32|f64) "
            + "T=(\\d+) N=(\\d+) I=(\\d+) H=(\\d+) threads=(\\d+) median_ms=(\\d+\\.\\d+) gflops=(\\d+\\.\\d+) "
            + "min_ms=(\\d+\\.\\d+) q1_ms=(\\d+\\.\\d+) q3_ms=(\\d+\\.\\d+) max_ms=(\\d+\\.\\d+) samples=(\\d+) "
            + "warmup_calls=(\\d+) warmup_s=(\\d+\\.\\d) settled=(yes|no)");

    /** Options that keep a test's warm-up to the minimum calls. */
    static final String[] QUICK = {"--warmup", "1", "--warmup-time", "0", "--warmup-max", "0", "--samples", "5"};

    static String[] args(String[] head, String... tail) {
        String[] out = java.util.Arrays.copyOf(head, head.length + tail.length);
        System.arraycopy(tail, 0, out, head.length, tail.length);
        return out;
    }

    @ParameterizedTest
    @ValueSource(strings = {"fwd", "fwdbwd", "step"})
    void tinyShapeOnTheReference(String mode) {
        ToolRun run = ToolRun.of(args(new String[] {"bench", "--backend", "reference", "--cell", "gru", "--mode", mode,
                "--shape", "3,2,4,5"}, QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = LINE.matcher(run.lastLine());
        assertTrue(m.matches(), "last line: " + run.lastLine());
        assertEquals(List.of("reference", "gru", mode, "f32", "3", "2", "4", "5", "1"),
                List.of(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), m.group(8),
                        m.group(9)));
        assertTrue(Double.parseDouble(m.group(10)) > 0, run.lastLine());
        double min = Double.parseDouble(m.group(12)), q1 = Double.parseDouble(m.group(13));
        double median = Double.parseDouble(m.group(10)), q3 = Double.parseDouble(m.group(14));
        double max = Double.parseDouble(m.group(15));
        assertTrue(min <= q1 && q1 <= median && median <= q3 && q3 <= max, run.lastLine());
        assertEquals("5", m.group(16));
        assertEquals("1", m.group(17), "with --warmup-max 0 the warm-up stops after the minimum calls");
        assertEquals("no", m.group(19));
        assertEquals(1, run.lines().stream().filter(l -> l.startsWith("bench:")).count(), run.out());
        assertTrue(run.out().contains("median") && run.out().contains("quartiles"), run.out());
        assertTrue(run.out().contains("had NOT settled"), run.out());
    }

    @Test
    void warmsUpByTimeUntilSettled() {
        ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "rnn_tanh", "--mode", "fwd",
                "--shape", "4,2,3,3", "--warmup", "3", "--warmup-time", "0.3", "--warmup-max", "20", "--samples", "7");
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = LINE.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        int calls = Integer.parseInt(m.group(17));
        double seconds = Double.parseDouble(m.group(18));
        assertEquals("7", m.group(16));
        assertTrue(calls >= 3 * Sampler.WINDOW_CALLS, run.lastLine());
        if (m.group(19).equals("yes")) {
            // Three windows of at least 0.2 s each, and at least --warmup-time.
            assertTrue(seconds >= 0.55, run.lastLine());
        } else {
            assertTrue(seconds >= 19.9, run.lastLine());
        }
        assertTrue(run.out().contains("warm-up window medians (ms):"), run.out());
    }

    @Test
    void threadsTheBackendCannotUseAreAnError() {
        ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd",
                "--shape", "2,3,2,3", "--threads", "4", "--warmup", "1", "--warmup-time", "0", "--warmup-max", "0");
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("threads: expected 0 or 1 for the single-threaded reference backend but was 4"),
                run.err());
        assertTrue(!run.out().contains("bench: backend="), run.out());
    }

    @Test
    void json(@TempDir Path dir) throws IOException {
        Path json = dir.resolve("out/result.json");
        ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "lstm_peephole", "--mode", "fwdbwd",
                "--shape", "2,3,2,3", "--dtype", "f64", "--threads", "1",
                "--warmup", "2", "--warmup-time", "0", "--warmup-max", "0", "--samples", "6", "--json", json.toString());
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = LINE.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        assertEquals("1", m.group(9));
        assertEquals("f64", m.group(4));

        Map<String, Object> j = MiniJson.parseObject(Files.readString(json));
        assertEquals("reference", j.get("backend"));
        assertEquals("lstm_peephole", j.get("cell"));
        assertEquals("fwdbwd", j.get("mode"));
        assertEquals(1L, j.get("threads"));
        assertEquals(2L, j.get("warmup_min_calls"));
        assertEquals(2L, j.get("warmup_calls"));
        assertEquals(false, j.get("settled"));
        assertEquals(6, ((List<?>) j.get("samples_ms")).size());
        for (String k : List.of("median_ms", "min_ms", "q1_ms", "q3_ms", "max_ms", "gflops", "flops", "cpu_model", "jdk",
                "date", "T", "N", "I", "H", "warmup_s", "warmup_max_s", "settle_pct", "jit_ms_warmup")) {
            assertTrue(j.containsKey(k), k);
        }
        // 3x forward: 2*T*N*(I+H)*G*H.
        double fwd = 2.0 * 2 * 3 * (2 + 3) * 4 * 3;
        assertEquals(3 * fwd, ((Number) j.get("flops")).doubleValue(), 1e-9);
    }

    @Test
    void flopCountIsTheSharedConvention() {
        RnnConfig lstm = RnnConfig.builder(Cell.lstm(), 10, 20).dtype(DType.F32).build();
        double fwd = 2.0 * 5 * 3 * 30 * 4 * 20;
        assertEquals(fwd, new RnnPlan(lstm, 5, 3).forwardFlops());
        assertEquals(fwd, BenchCommand.flops(lstm, BenchCommand.BenchMode.fwd, 5, 3));
        assertEquals(3 * fwd, BenchCommand.flops(lstm, BenchCommand.BenchMode.fwdbwd, 5, 3));
        assertEquals(fwd / 5, BenchCommand.flops(lstm, BenchCommand.BenchMode.step, 5, 3));
        RnnConfig gru = RnnConfig.builder(Cell.gru(GruVariant.RESET_BEFORE), 10, 20).build();
        assertEquals(2.0 * 30 * 3 * 20, BenchCommand.flops(gru, BenchCommand.BenchMode.fwd, 1, 1));
        RnnConfig rnn = RnnConfig.builder(Cell.rnn(Activation.TANH), 10, 20).build();
        assertEquals(2.0 * 30 * 1 * 20, BenchCommand.flops(rnn, BenchCommand.BenchMode.step, 7, 1));
    }

    @Test
    void stacksAndDirectionsAreNotOptions() {
        // The bench line could not tell them apart, so the command has no such options.
        for (String opt : new String[] {"--layers", "--bidirectional"}) {
            ToolRun run = ToolRun.of("bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd",
                    "--shape", "1,2,3,4", opt, "2");
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("Unknown option") && run.err().contains("'" + opt + "'"), run.err());
        }
        ToolRun help = ToolRun.of("bench", "--help");
        assertTrue(!help.out().contains("--layers") && !help.out().contains("--bidirectional"), help.out());
    }

    @Test
    void badOptionsAreUsageErrors() {
        String[][] bad = {
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,0,3,4"},
                {"bench", "--backend", "reference", "--cell", "mgu", "--mode", "fwd", "--shape", "1,2,3,4"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fast", "--shape", "1,2,3,4"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--samples", "4"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--dtype", "f16"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--threads", "0"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--warmup", "0"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--warmup-time", "-1"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--warmup-time", "5", "--warmup-max", "4"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4", "--settle", "0"},
                {"bench", "--backend", "nope", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4"},
                {"bench", "--cell", "lstm", "--mode", "fwd", "--shape", "1,2,3,4"},
        };
        String[] expect = {"--shape", "--shape", "--cell", "--mode", "--samples", "--dtype", "--threads", "--warmup",
                "--warmup-time", "--warmup-max", "--settle", "--backend", "--backend"};
        for (int i = 0; i < bad.length; i++) {
            ToolRun run = ToolRun.of(bad[i]);
            assertEquals(2, run.exitCode(), String.join(" ", bad[i]) + "\n" + run);
            assertTrue(run.err().contains(expect[i]), String.join(" ", bad[i]) + "\n" + run.err());
            assertTrue(run.err().contains("Usage: rnn4j bench"), run.err());
            assertTrue(run.out().isEmpty(), run.out());
        }
    }
}
