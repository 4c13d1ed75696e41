package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Backends;
import org.rnn4j.DType;
import org.rnn4j.conform.CaseResult;
import org.rnn4j.conform.Conformance;

/** The reference backend against the bundled PyTorch fixtures, through the library and through the command. */
class ConformToolTest {
    private static final Pattern SUMMARY =
            Pattern.compile("conform: (\\d+) passed, (\\d+) failed, max error (\\d\\.\\d\\de[-+]\\d\\d)");

    @Test
    void referencePassesAllBundledCasesInF64() throws IOException {
        checkLibrary(DType.F64, 1e-10);
    }

    @Test
    void referencePassesAllBundledCasesInF32() throws IOException {
        checkLibrary(DType.F32, 1e-4);
    }

    private static void checkLibrary(DType dtype, double threshold) throws IOException {
        try (BundledFixtures fx = BundledFixtures.open()) {
            List<CaseResult> results = Conformance.run(fx.dir(), Backends.get("reference"), dtype);
            assertEquals(13, results.size());
            for (CaseResult r : results) {
                assertTrue(r.passed(), r.line());
                assertTrue(r.maxError() <= threshold, r.line());
            }
            Conformance.Summary s = Conformance.summarize(results);
            assertEquals(13, s.passed());
            assertEquals(0, s.failed());
            assertTrue(s.maxError() <= threshold);
        }
    }

    @Test
    void commandF64() {
        checkCommand(1e-10, "conform");
    }

    @Test
    void commandF32() {
        checkCommand(1e-4, "conform", "--backend", "reference", "--dtype", "f32");
    }

    private static void checkCommand(double threshold, String... args) {
        ToolRun run = ToolRun.of(args);
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = SUMMARY.matcher(run.lastLine());
        assertTrue(m.matches(), "last line: " + run.lastLine());
        assertEquals("13", m.group(1));
        assertEquals("0", m.group(2));
        assertTrue(Double.parseDouble(m.group(3)) <= threshold, run.lastLine());
        assertEquals(13, run.lines().stream().filter(l -> l.contains(" PASS ")).count(), run.out());
        assertTrue(run.out().contains("lstm_peephole_T5_N3_I4_H6_L1_D1_seed6"), run.out());
    }

    @Test
    void explicitDirectoryWithAFailingCaseExitsOne(@TempDir Path dir) throws IOException {
        try (BundledFixtures fx = BundledFixtures.open()) {
            try (var files = Files.list(fx.dir())) {
                for (Path p : files.toList()) Files.copy(p, dir.resolve(p.getFileName().toString()));
            }
        }
        Files.delete(dir.resolve("gru_T5_N3_I4_H6_L1_D1_seed2.npz"));
        ToolRun run = ToolRun.of("conform", dir.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.lastLine().startsWith("conform: 12 passed, 1 failed, max error "), run.lastLine());
        assertTrue(run.out().lines().anyMatch(l -> l.contains("gru_T5_N3_I4_H6_L1_D1_seed2") && l.contains("FAIL")
                && l.contains("missing file")), run.out());
    }

    @Test
    void emptyDirectoryIsAnError(@TempDir Path dir) {
        ToolRun run = ToolRun.of("conform", dir.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("cases.json"), run.err());
    }

    @Test
    void unknownBackendIsAUsageError() {
        ToolRun run = ToolRun.of("conform", "--backend", "nope");
        assertEquals(2, run.exitCode(), run.toString());
        assertTrue(run.err().contains("--backend") && run.err().contains("'nope'"), run.err());
    }
}
