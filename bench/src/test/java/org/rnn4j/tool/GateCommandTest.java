package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.junit.jupiter.api.parallel.ResourceLock;
import org.rnn4j.nativebackend.NativeLibraryInfo;

/**
 * The CI gate: the floors file, the CPU family, the verdicts (ratio below its floor, a required backend missing,
 * floors to be measured), and real runs on a doctored floors file (tiny shapes, a small roofline) — among them the
 * deliberately slowed kernel that must fail the gate. No quiet machine needed: the floors of the real runs are far
 * from the measured ratios.
 */
class GateCommandTest {
    private static final String[] TIMING = {"--warmup", "3", "--warmup-time", "0.3", "--warmup-max", "1",
            "--samples", "5"};
    private static final Pattern RESULT = Pattern.compile("gate-result: family=(\\w+) backend=(\\w+) cell=(\\w+) "
            + "mode=(\\w+) dtype=(f32|f64) shape=(\\S+) threads=(\\d+) gflops=(\\S+) roofline=(\\S+) ratio=(\\S+) "
            + "floor=(\\S+) status=(\\w+)");

    @TempDir
    Path dir;

    private static GateFloors.Row row(GateFloors floors, int i) {
        return floors.rows().get(i);
    }

    @Test
    void floorsFileParses() {
        GateFloors f = GateFloors.parse("""
                # comment
                threads 2
                gemm 512   # trailing comment

                avx512 vector lstm fwdbwd f32 A 1.05  # min 1.31
                avx512 native gru  fwd    f64 7x3x5x9 tbd
                avx2   vector rnn_tanh step f32 DB4 0.4
                """, "test");
        assertEquals(2, f.threads());
        assertEquals(512, f.gemmSize());
        assertEquals(3, f.rows().size());
        GateFloors.Row a = row(f, 0);
        assertEquals("avx512", a.family());
        assertEquals("lstm fwdbwd f32 A", a.check());
        assertEquals(100, a.shape().T());
        assertEquals(1.05, a.floor());
        GateFloors.Row b = row(f, 1);
        assertEquals(null, b.floor());
        assertEquals(7, b.shape().T());
        assertEquals(9, b.shape().H());
        assertEquals("gru fwd f64 7x3x5x9", b.check());
        assertEquals(1, f.rowsOf("avx2").size());
        assertEquals(0, f.rowsOf("other").size());
    }

    @Test
    void floorsFileErrorsNameTheLine() {
        ToolException e = assertThrows(ToolException.class,
                () -> GateFloors.parse("threads 1\navx512 vector lstm fwd f32 A 0\n", "f.txt"));
        assertTrue(e.getMessage().startsWith("f.txt:2: "), e.getMessage());
        e = assertThrows(ToolException.class, () -> GateFloors.parse("sse vector lstm fwd f32 A 1\n", "f.txt"));
        assertTrue(e.getMessage().contains("f.txt:1: family: expected avx512, avx2 or other"), e.getMessage());
        e = assertThrows(ToolException.class, () -> GateFloors.parse("avx2 vector lstm back f32 A 1\n", "f.txt"));
        assertTrue(e.getMessage().contains("mode: expected fwd, fwdbwd or step"), e.getMessage());
        e = assertThrows(ToolException.class, () -> GateFloors.parse("avx2 vector lstm fwd f32 Z 1\n", "f.txt"));
        assertTrue(e.getMessage().contains("shape: expected one of"), e.getMessage());
    }

    @Test
    void theCommittedFloorsParseAndGateVectorInBothFamilies() {
        GateFloors f = GateFloors.committed();
        for (String family : List.of(GateFloors.AVX512, GateFloors.AVX2)) {
            List<GateFloors.Row> rows = f.rowsOf(family);
            assertTrue(rows.stream().anyMatch(r -> r.backend().equals("vector") && r.floor() != null), family);
            assertTrue(rows.stream().anyMatch(r -> r.backend().equals("native")), family + ": native is listed");
        }
    }

    @Test
    void familyFromCpuinfo() throws IOException {
        assertEquals("avx512", family("fpu sse avx avx2 fma avx512f avx512dq avx512bw avx512vl avx512_vnni"));
        assertEquals("avx2", family("fpu sse avx avx2 fma"));
        assertEquals("avx2", family("fpu avx avx2 fma avx512f"), "AVX-512 F alone is not the avx512 family");
        assertEquals("other", family("fpu sse sse2 avx"));
    }

    @Test
    void cpuIdentityHasTheFamilyAndModelNumbers() throws IOException {
        Path p = dir.resolve("cpuinfo-id");
        Files.writeString(p, "processor\t: 0\nvendor_id\t: AuthenticAMD\ncpu family\t: 26\nmodel\t\t: 2\n"
                + "model name\t: AMD EPYC\nstepping\t: 1\nflags\t\t: fpu avx2 fma\n");
        assertEquals("AMD EPYC (family 26, model 2, stepping 1)", CpuInfo.identity(p),
                "a bare model name (Zen 3 and Zen 5 VMs both say AMD EPYC) needs the numbers");
    }

    private String family(String flags) throws IOException {
        Path p = dir.resolve("cpuinfo");
        Files.writeString(p, "processor\t: 0\nmodel name\t: Test CPU\nflags\t\t: " + flags + "\n");
        return GateFloors.family(CpuInfo.read(p));
    }

    @Test
    void whichBackendsMustBeAvailable() {
        assertTrue(GateCommand.required("vector", false), "vector: everywhere, floors or not");
        assertTrue(GateCommand.required("vector", true));
        assertFalse(GateCommand.required("native", false), "no floors yet (tbd): not required");
        assertEquals(GateCommand.platform().equals("linux-x86_64"), GateCommand.required("native", true),
                "with floors: where its jar has the library");
        assertTrue(GateCommand.required("other", true));
        assertEquals("linux-x86_64", NativeLibraryInfo.BUILT_PLATFORM);
    }

    @Test
    void verdicts() {
        GateFloors f = GateFloors.parse("""
                avx512 vector lstm fwdbwd f32 A 1.00
                avx512 vector lstm fwdbwd f32 C 1.00
                avx512 vector lstm fwd    f32 D tbd
                avx512 native lstm fwdbwd f32 A tbd
                avx512 fast2  lstm fwdbwd f32 A 0.5
                avx512 vector lstm fwdbwd f64 A 0.5
                """, "t");
        List<GateFloors.Row> rows = f.rowsOf("avx512");
        Map<String, GateCommand.Availability> avail = Map.of(
                "vector", new GateCommand.Availability(true, true, null),
                "native", new GateCommand.Availability(false, false, "not built"),
                "fast2", new GateCommand.Availability(false, true, "library missing"));
        Map<GateFloors.Row, GateCommand.Measured> measured = Map.of(
                rows.get(0), new GateCommand.Measured(150, 100),   // 1.5 >= 1.0
                rows.get(1), new GateCommand.Measured(99, 100),    // 0.99 < 1.0
                rows.get(2), new GateCommand.Measured(10, 100));   // tbd
        Map<GateFloors.Row, String> errors = Map.of(rows.get(5), "boom");
        List<GateCommand.Verdict> v = GateCommand.evaluate(rows, avail, measured, errors);
        assertEquals(List.of(GateCommand.Status.PASS, GateCommand.Status.FAIL, GateCommand.Status.TBD,
                GateCommand.Status.NOT_AVAILABLE, GateCommand.Status.MISSING, GateCommand.Status.ERROR),
                v.stream().map(GateCommand.Verdict::status).toList());
        assertTrue(v.get(1).note().contains("ratio 0.990 below the floor 1.000"), v.get(1).note());
        String s = GateCommand.summary("avx512", rows, v);
        assertTrue(s.startsWith("gate: FAIL: 1 ratio below its floor; required backend not available: fast2; "
                + "1 check could not be measured (1 at or above); 2 not gated (vector, native)"), s);

        // Only what passes and what is not gated: PASS.
        List<GateFloors.Row> ok = List.of(rows.get(0), rows.get(2), rows.get(3));
        String pass = GateCommand.summary("avx512", ok, GateCommand.evaluate(ok, avail, measured, Map.of()));
        assertEquals("gate: PASS: 1 of 1 gated ratios at or above their floors; 2 not gated (vector, native)", pass);

        // A ratio exactly at its floor passes.
        GateFloors.Row at = rows.get(0);
        assertEquals(GateCommand.Status.PASS, GateCommand.evaluate(List.of(at), avail,
                Map.of(at, new GateCommand.Measured(100, 100)), Map.of()).get(0).status());

        // vector unavailable: it is always required.
        Map<String, GateCommand.Availability> noVector = Map.of("vector",
                new GateCommand.Availability(false, true, "module jdk.incubator.vector is not in the boot layer"));
        List<GateFloors.Row> vec = List.of(rows.get(0));
        String missing = GateCommand.summary("avx512", vec, GateCommand.evaluate(vec, noVector, Map.of(), Map.of()));
        assertTrue(missing.startsWith("gate: FAIL: required backend not available: vector"), missing);

        // No floors for the family, or none for vector: FAIL.
        assertTrue(GateCommand.summary("avx2", List.of(), List.of()).startsWith("gate: FAIL: the floors file has no "
                + "checks for CPU family avx2"));
        List<GateFloors.Row> nativeOnly = List.of(rows.get(3));
        assertTrue(GateCommand.summary("avx512", nativeOnly, GateCommand.evaluate(nativeOnly, avail, measured, Map.of()))
                .startsWith("gate: FAIL: the floors file has no check of the vector backend"));
    }

    @Test
    void slowdownProperty() {
        assertEquals(1, GateCommand.slowdownFactor(null, "vector"));
        assertEquals(3, GateCommand.slowdownFactor("vector:3", "vector"));
        assertEquals(1, GateCommand.slowdownFactor("native:3", "vector"));
        assertThrows(ToolException.class, () -> GateCommand.slowdownFactor("vector", "vector"));
        assertThrows(ToolException.class, () -> GateCommand.slowdownFactor("vector:0.5", "vector"));
    }

    /** A floors file for the detected family: one tiny vector check, an unavailable backend's tbd, a small roofline. */
    private Path floors(int threads, String floor, String extra) throws IOException {
        String family = GateFloors.family(CpuInfo.read());
        Path p = dir.resolve("floors-" + System.nanoTime() + ".txt");
        Files.writeString(p, "threads " + threads + "\ngemm 96\n"
                + family + " vector lstm fwd f32 8x4x32x32 " + floor + "\n"
                + family + " native lstm fwd f32 8x4x32x32 tbd\n" + extra);
        return p;
    }

    private static double ratio(ToolRun run) {
        Matcher m = RESULT.matcher(run.out());
        assertTrue(m.find(), run.toString());
        assertEquals("vector", m.group(2));
        return Double.parseDouble(m.group(10));
    }

    @Test
    void passesInAChildJvmAndPrintsItsTable() throws IOException {
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"gate", "--floors", floors(1, "0.0001", "").toString()},
                TIMING));
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.out().contains("gate: measuring in a child JVM with "), run.out());
        assertTrue(run.out().contains("OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1"), run.out());
        if (OpenblasEnv.hasAvx512(CpuInfo.read())) {
            assertTrue(run.out().contains("OPENBLAS_CORETYPE=SkylakeX"), "auto: AVX-512 kernels\n" + run.out());
        }
        assertTrue(run.out().contains("backend   check"), run.out());
        assertTrue(run.out().matches("(?s).*\nvector +lstm fwd f32 8x4x32x32 .* pass\n.*"), run.out());
        assertTrue(run.out().contains("native    lstm fwd f32 8x4x32x32"), run.out());
        assertTrue(ratio(run) > 0.0001, run.out());
        assertTrue(run.lastLine().startsWith("gate: PASS: 1 of 1 gated ratios at or above their floors; 1 not gated"),
                run.lastLine());
    }

    @Test
    void aRequiredBackendThatIsMissingFailsTheGate() throws IOException {
        String family = GateFloors.family(CpuInfo.read());
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"gate", "--floors",
                floors(1, "0.0001", family + " nosuch lstm fwd f32 8x4x32x32 0.5\n").toString()}, TIMING));
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.out().contains("nosuch: not available (REQUIRED)"), run.out());
        assertTrue(run.lastLine().startsWith("gate: FAIL: required backend not available: nosuch"), run.lastLine());
    }

    /**
     * The demonstration the issue asks for: the same check passes, then fails once the kernel is made 50x slower
     * ({@code -Drnn4j.gate.slowdown=vector:50}, handed on to the measuring JVM). The floor is 0.3x the ratio measured
     * first (the larger of two runs), so only the slowdown, not a shared machine's noise, takes the ratio below it.
     */
    @Test
    @ResourceLock("system property rnn4j.gate.slowdown")
    void aDeliberatelySlowedKernelFailsTheGate() throws IOException {
        double measured = 0;
        for (int i = 0; i < 2; i++) {
            ToolRun first = ToolRun.of(BenchCommandTest.args(new String[] {"gate", "--floors",
                    floors(1, "0.0001", "").toString()}, TIMING));
            assertEquals(0, first.exitCode(), first.toString());
            measured = Math.max(measured, ratio(first));
        }
        String floor = String.format(java.util.Locale.ROOT, "%.6f", measured * 0.3);
        Path file = floors(1, floor, "");
        String old = System.setProperty(GateCommand.SLOWDOWN_PROPERTY, "vector:50");
        ToolRun slowed;
        try {
            slowed = ToolRun.of(BenchCommandTest.args(new String[] {"gate", "--floors", file.toString()}, TIMING));
        } finally {
            if (old == null) System.clearProperty(GateCommand.SLOWDOWN_PROPERTY);
            else System.setProperty(GateCommand.SLOWDOWN_PROPERTY, old);
        }
        assertEquals(1, slowed.exitCode(), slowed.toString());
        assertTrue(slowed.out().contains("TEST SLOWDOWN ACTIVE"), slowed.out());
        assertTrue(ratio(slowed) < measured * 0.3, slowed.out());
        assertTrue(slowed.out().contains("FAIL: ratio "), slowed.out());
        assertTrue(slowed.lastLine().startsWith("gate: FAIL: 1 ratio below its floor"), slowed.lastLine());
    }

    /** {@code --in-process} measures in this JVM, whose OpenBLAS must then run the file's threads. */
    @Test
    void inProcessNeedsOpenblasToRunTheFilesThreads() throws IOException {
        int threads = NativeLibraryInfo.load().openblasThreads();
        ToolRun wrong = ToolRun.of(BenchCommandTest.args(new String[] {"gate", "--in-process", "--floors",
                floors(threads + 7, "0.0001", "").toString()}, TIMING));
        assertEquals(1, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains("the OpenBLAS roofline cannot run: OpenBLAS runs "), wrong.err());
    }

    @Test
    void usageErrors() {
        ToolRun r = ToolRun.of("gate", "--family", "sse");
        assertEquals(2, r.exitCode(), r.toString());
        assertTrue(r.err().contains("--family"), r.err());
        r = ToolRun.of("gate", "--runs", "0");
        assertEquals(2, r.exitCode(), r.toString());
        r = ToolRun.of("gate", "--margin", "1.5");
        assertEquals(2, r.exitCode(), r.toString());
    }
}
