package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code jmh-compare} and {@code jmh-record}: differences beyond and within the error bars, absolute scores only for
 * the same CPU model, roofline ratios otherwise.
 */
class JmhCompareCommandTest {
    @TempDir
    Path dir;

    /** One JMH result entry (JMH's JSON layout), {@code err} NaN for a single iteration. */
    static String entry(String benchmark, String params, double score, double err, double gflops, double gflopsErr) {
        String e = Double.isNaN(err) ? "\"NaN\"" : Double.toString(err);
        String ge = Double.isNaN(gflopsErr) ? "\"NaN\"" : Double.toString(gflopsErr);
        return String.format(Locale.ROOT, """
                {"jmhVersion": "1.37", "benchmark": "org.rnn4j.bench.jmh.%s", "mode": "avgt", "threads": 1, "forks": 1,
                 "jdkVersion": "25.0.3", "vmName": "OpenJDK 64-Bit Server VM", "vmVersion": "25.0.3+9-LTS",
                 "params": {%s},
                 "primaryMetric": {"score": %s, "scoreError": %s, "scoreConfidence": [0, 0], "scoreUnit": "ms/op",
                                   "rawData": [[%s]]},
                 "secondaryMetrics": {"gflops": {"score": %s, "scoreError": %s, "scoreConfidence": [0, 0],
                                                  "scoreUnit": "GFLOP/s", "rawData": [[%s]]},
                                      "gc.alloc.rate.norm": {"score": 0.01, "scoreError": 0.02, "scoreUnit": "B/op"}}}""",
                benchmark, params, score, e, score, gflops, ge, gflops);
    }

    static final String RNN_A = "\"backend\": \"vector\", \"cell\": \"lstm\", \"dtype\": \"f32\", \"mode\": \"fwdbwd\", "
            + "\"shape\": \"A\", \"threads\": \"1\"";
    static final String RNN_C = "\"backend\": \"vector\", \"cell\": \"lstm\", \"dtype\": \"f32\", \"mode\": \"fwd\", "
            + "\"shape\": \"C\", \"threads\": \"1\"";
    static final String RNN_D = "\"backend\": \"vector\", \"cell\": \"lstm\", \"dtype\": \"f32\", \"mode\": \"fwd\", "
            + "\"shape\": \"D\", \"threads\": \"1\"";
    static final String ROOF = "\"impl\": \"openblas\", \"dtype\": \"f32\", \"size\": \"2048\", \"threads\": \"1\"";

    private Path file(String name, String cpu, String... entries) throws IOException {
        String array = "[\n" + String.join(",\n", entries) + "\n]";
        String text = cpu == null ? array : "{\"machine\": {\"cpu_model\": \"" + cpu + "\"}, \"jmh\": " + array + "}";
        Path p = dir.resolve(name);
        Files.writeString(p, text);
        return p;
    }

    @Test
    void sameCpuComparesAbsoluteScoresWithTheErrorBars() throws IOException {
        Path base = file("base.json", "CPU X",
                entry("RnnBenchmark.run", RNN_A, 500, 10, 160, 3),
                entry("RnnBenchmark.run", RNN_C, 4.0, 0.1, 100, 2),
                entry("RnnBenchmark.run", RNN_D, 5.0, 0.1, 80, 2),
                entry("GemmBenchmark.gemm", ROOF, 100, 1, 170, 2));
        Path now = file("new.json", "CPU X",
                entry("RnnBenchmark.run", RNN_A, 530, 10, 151, 3),   // 510 < 520: slower beyond the error bars
                entry("RnnBenchmark.run", RNN_C, 4.05, 0.1, 99, 2),  // overlapping: within
                entry("RnnBenchmark.run", RNN_D, 4.0, 0.1, 100, 2),  // faster beyond
                entry("GemmBenchmark.gemm", "\"impl\": \"vector\", \"dtype\": \"f32\", \"size\": \"2048\", "
                        + "\"threads\": \"1\"", 120, Double.NaN, 140, Double.NaN));
        ToolRun run = ToolRun.of("jmh-compare", base.toString(), now.toString());
        assertEquals(0, run.exitCode(), run.toString());
        String out = run.out();
        assertTrue(out.contains("the same CPU model: absolute scores compared"), out);
        assertTrue(out.matches("(?s).*RnnBenchmark\\.run backend=vector cell=lstm dtype=f32 mode=fwdbwd shape=A threads=1 "
                + "+500\\.0 ± 10 +530\\.0 ± 10 +1\\.060  SLOWER beyond the error bars.*"), out);
        assertTrue(out.matches("(?s).*shape=C threads=1 .*1\\.013  within the error bars.*"), out);
        assertTrue(out.matches("(?s).*shape=D threads=1 .*0\\.800  faster beyond the error bars.*"), out);
        assertTrue(out.contains("jmh-compare: 3 compared: 1 slower beyond the error bars, 1 faster beyond them, 1 within "
                + "them, 0 without error bars or roofline; 1 only in the baseline, 1 only in the new file"), out);
        assertTrue(out.contains("only in the baseline: GemmBenchmark.gemm dtype=f32 impl=openblas size=2048 threads=1"), out);

        ToolRun strict = ToolRun.of("jmh-compare", "--fail-slower", base.toString(), now.toString());
        assertEquals(1, strict.exitCode(), strict.toString());
    }

    @Test
    void differentCpusCompareOnlyRooflineRatios() throws IOException {
        Path base = file("base.json", "CPU X",
                entry("RnnBenchmark.run", RNN_A, 500, 5, 160, 1.6),
                entry("GemmBenchmark.gemm", ROOF, 100, 1, 200, 2));       // ratio 0.80 ± 0.016
        Path now = file("new.json", "CPU Y",
                entry("RnnBenchmark.run", RNN_A, 1000, 10, 80, 0.8),      // half the speed on a slower CPU ...
                entry("GemmBenchmark.gemm", ROOF, 200, 2, 100, 1));       // ... whose roofline is half as fast: 0.80
        ToolRun run = ToolRun.of("jmh-compare", base.toString(), now.toString());
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("different CPU models: GFLOP/s / OpenBLAS SGEMM roofline of the same file compared"),
                run.out());
        assertTrue(run.out().matches("(?s).*shape=A threads=1 +0\\.8000 ± 0\\.016 +0\\.8000 ± 0\\.016 +1\\.000  within the "
                + "error bars.*"), run.out());
        assertTrue(!run.out().contains("SLOWER"), "2x the time on another CPU is not a regression:\n" + run.out());

        Path worse = file("worse.json", "CPU Y",
                entry("RnnBenchmark.run", RNN_A, 1500, 10, 53, 0.5),     // ratio 0.53: slower beyond
                entry("GemmBenchmark.gemm", ROOF, 200, 2, 100, 1));
        ToolRun slower = ToolRun.of("jmh-compare", base.toString(), worse.toString());
        assertTrue(slower.out().contains("SLOWER beyond the error bars"), slower.out());
    }

    @Test
    void unrecordedCpuOrMissingRooflineOrErrorBars() throws IOException {
        Path plain = file("plain.json", null, entry("RnnBenchmark.run", RNN_A, 500, Double.NaN, 160, Double.NaN));
        Path rec = file("rec.json", "CPU X", entry("RnnBenchmark.run", RNN_A, 500, 5, 160, 1.6));
        JmhResults a = JmhResults.read(plain), b = JmhResults.read(rec);
        assertNull(a.cpuModel());
        assertEquals(JmhCompareCommand.Basis.ROOFLINE, JmhCompareCommand.basis(a, b, false));
        assertEquals(JmhCompareCommand.Basis.ABSOLUTE, JmhCompareCommand.basis(b, b, false));
        assertEquals(JmhCompareCommand.Basis.ROOFLINE, JmhCompareCommand.basis(b, b, true));
        List<JmhCompareCommand.Row> rows = JmhCompareCommand.compare(a, b, JmhCompareCommand.Basis.ROOFLINE);
        assertTrue(rows.get(0).verdict().startsWith("no roofline"), rows.get(0).verdict());
        rows = JmhCompareCommand.compare(a, a, JmhCompareCommand.Basis.ABSOLUTE);
        assertTrue(rows.get(0).verdict().startsWith("no error bars"), rows.get(0).verdict());
        assertEquals("within the error bars", JmhCompareCommand.verdict(10, 1, 11.9, 1, false));
        assertEquals("SLOWER beyond the error bars", JmhCompareCommand.verdict(10, 1, 12.1, 1, false));
        assertEquals("faster beyond the error bars", JmhCompareCommand.verdict(10, 1, 12.1, 1, true));
    }

    @Test
    void recordWrapsJmhResultsWithTheMachine() throws IOException {
        Path plain = file("plain.json", null, entry("RnnBenchmark.run", RNN_A, 500, 5, 160, 1.6));
        Path out = dir.resolve("sub").resolve("baseline.json");
        ToolRun run = ToolRun.of("jmh-record", plain.toString(), out.toString(), "--command", "./rnn4j jmh x", "--note",
                "load 0.1");
        assertEquals(0, run.exitCode(), run.toString());
        JmhResults r = JmhResults.read(out);
        assertEquals(CpuInfo.identity(), r.cpuModel());
        assertEquals(1, r.entries().size());
        assertEquals("./rnn4j jmh x", r.machine().get("command"));
        assertEquals("25.0.3 (OpenJDK 64-Bit Server VM 25.0.3+9-LTS)", r.machine().get("jdk"), "the JDK of the JMH run");
        for (String k : List.of("cpu_family", "simd", "processors", "openblas", "openblas_core", "openblas_env", "os",
                "date", "loadavg", "note")) {
            assertTrue(r.machine().containsKey(k), k + " in " + r.machine());
        }
        ToolRun again = ToolRun.of("jmh-record", out.toString(), dir.resolve("x.json").toString());
        assertEquals(1, again.exitCode(), "a baseline is not wrapped twice\n" + again);
    }

    @Test
    void gflopsWithoutTheProfilerComeFromTheScore() {
        String noProfiler = "[{\"benchmark\": \"org.rnn4j.bench.jmh.RnnBenchmark.run\", \"params\": {" + RNN_C + "}, "
                + "\"primaryMetric\": {\"score\": 2.0, \"scoreError\": 0.2, \"scoreUnit\": \"ms/op\"}}]";
        JmhResults.Entry e = JmhResults.parse(noProfiler, "t").entries().get(0);
        // C fwd: 2*25*16*(256+256)*4*256 = 419430400 flops in 2 ms
        assertEquals(209.7152, e.gflops(), 1e-9);
        assertEquals(20.97152, e.gflopsError(), 1e-9);
        assertEquals("RnnBenchmark.run", e.benchmark());
    }

    @Test
    void theProfilersResultsAreReadUnderTheirJsonNames() throws IOException {
        JmhResults r = JmhResults.read(file("p.json", null, entry("RnnBenchmark.run", RNN_C, 4.0, 0.1, 123.0, 2.0)));
        assertEquals(123.0, r.entries().get(0).gflops(), "gflops from the profiler, not recomputed from the score");
        assertEquals(0.01, r.entries().get(0).allocNorm());
    }
}
