package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.rnn4j.nativebackend.NativeLibraryInfo;

/** The peers and compare: argument validation (no peer needs to be installed for it) and short real runs. */
class PeerCommandTest {
    private static final String[] QUICK = BenchCommandTest.QUICK;
    private static final Pattern GEMM = Pattern.compile("bench: backend=openblas op=(sgemm|dgemm) dtype=(f32|f64) "
            + "M=(\\d+) N=(\\d+) K=(\\d+) threads=(\\d+) median_ms=\\d+\\.\\d+ gflops=(\\d+\\.\\d+) min_ms=\\S+ q1_ms=\\S+ "
            + "q3_ms=\\S+ max_ms=\\S+ samples=\\d+ warmup_calls=\\d+ warmup_s=\\S+ settled=(yes|no) core=(\\S+)");
    private static final Pattern PEAK = Pattern.compile("bench: backend=peak op=fma dtype=(f32|f64) threads=(\\d+) "
            + "median_ms=\\S+ gflops=(\\d+\\.\\d+) min_ms=\\S+ q1_ms=\\S+ q3_ms=\\S+ max_ms=\\S+ samples=\\d+ "
            + "warmup_calls=\\d+ warmup_s=\\S+ settled=(yes|no) bits=(\\d+)");
    private static final Pattern COMPARE = Pattern.compile("compare: backend=(\\w+) peer=(\\w+) cell=(\\w+) mode=(\\w+) "
            + "dtype=(f32|f64) T=(\\d+) N=(\\d+) I=(\\d+) H=(\\d+) threads=(\\d+) ratio=(\\d+\\.\\d+)");

    private static void usageError(String expectInErr, String usage, String... args) {
        ToolRun run = ToolRun.of(args);
        assertEquals(2, run.exitCode(), String.join(" ", args) + "\n" + run);
        assertTrue(run.err().contains(expectInErr), String.join(" ", args) + "\n" + run.err());
        assertTrue(run.err().contains("Usage: rnn4j " + usage), run.err());
        assertTrue(run.out().isEmpty(), "nothing ran:\n" + run.out());
    }

    @Test
    void torchRefusesCellsPyTorchCannotExpress() {
        usageError("PyTorch has no peephole LSTM", "peer torch",
                "peer", "torch", "--cell", "lstm_peephole", "--mode", "fwd", "--shape", "2,2,2,2");
        usageError("gru_reset_before is not expressible in PyTorch; use --cell gru", "peer torch",
                "peer", "torch", "--cell", "gru_reset_before", "--mode", "fwdbwd", "--shape", "2,2,2,2");
        usageError("--threads", "peer torch",
                "peer", "torch", "--cell", "lstm", "--mode", "fwd", "--shape", "2,2,2,2", "--threads", "0");
        usageError("--shape", "peer torch", "peer", "torch", "--cell", "lstm", "--mode", "fwd", "--shape", "2,2,2");
    }

    @Test
    void onnxRuntimeRunsInferenceInFloat32Only() {
        usageError("inference only", "peer onnxruntime",
                "peer", "onnxruntime", "--cell", "lstm", "--mode", "fwdbwd", "--shape", "2,2,2,2");
        usageError("no float64 kernel for LSTM", "peer onnxruntime",
                "peer", "onnxruntime", "--cell", "lstm", "--mode", "fwd", "--shape", "2,2,2,2", "--dtype", "f64");
        usageError("--samples", "peer onnxruntime",
                "peer", "onnxruntime", "--cell", "gru", "--mode", "fwd", "--shape", "2,2,2,2", "--samples", "2");
    }

    @Test
    void openblasAndPeakOptions() {
        usageError("--size", "peer openblas", "peer", "openblas", "--size", "0");
        usageError("--threads", "peer openblas", "peer", "openblas", "--threads", "0");
        usageError("--dtype", "peer openblas", "peer", "openblas", "--dtype", "f16");
        usageError("--threads", "peer peak", "peer", "peak", "--threads", "-1");
        usageError("--iterations", "peer peak", "peer", "peak", "--iterations", "0");
    }

    @Test
    void peerNeedsAKnownPeer() {
        ToolRun none = ToolRun.of("peer");
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("Missing required peer (one of torch, onnxruntime, openblas, peak)"), none.err());
        ToolRun unknown = ToolRun.of("peer", "mkl");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("mkl"), unknown.err());
    }

    @Test
    void compareChecksThePeerAndTheBackendBeforeRunningAnything() {
        String[] base = {"compare", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "2,2,2,2"};
        usageError("--peer", "compare", base);
        usageError("expected one of [torch, onnxruntime, openblas, peak]", "compare",
                BenchCommandTest.args(base, "--peer", "mkl"));
        usageError("PyTorch has no peephole LSTM", "compare", "compare", "--backend", "reference", "--peer", "torch",
                "--cell", "lstm_peephole", "--mode", "fwd", "--shape", "2,2,2,2");
        usageError("inference only", "compare", "compare", "--backend", "reference", "--peer", "onnxruntime",
                "--cell", "lstm", "--mode", "fwdbwd", "--shape", "2,2,2,2");
        usageError("Invalid value for option '--backend'", "compare", "compare", "--backend", "nope", "--peer",
                "onnxruntime", "--cell", "lstm", "--mode", "fwd", "--shape", "2,2,2,2");
        usageError("--gemm-size", "compare", BenchCommandTest.args(base, "--peer", "openblas", "--gemm-size", "0"));
    }

    @Test
    void torchSaysWhatToInstallWhenItIsMissing() {
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "torch", "--cell", "lstm", "--mode", "fwd",
                "--shape", "2,2,2,2", "--python", "/nonexistent/python3"}, QUICK));
        assertEquals(1, run.exitCode(), run.toString());
        String err = run.err().strip();
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.contains("no Python with PyTorch found (tried /nonexistent/python3 (not found))")
                && err.contains("apt-get install -y python3-torch libopenblas0-openmp"), err);
    }

    @Test
    void onnxRuntimePrintsTheBenchLine() {
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "onnxruntime", "--cell", "lstm_peephole",
                "--mode", "fwd", "--shape", "4,3,5,6", "--threads", "2"}, QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = BenchCommandTest.LINE.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        assertEquals(List.of("onnxruntime", "lstm_peephole", "fwd", "f32", "4", "3", "5", "6", "2"),
                List.of(m.group(1), m.group(2), m.group(3), m.group(4), m.group(5), m.group(6), m.group(7), m.group(8),
                        m.group(9)));
        assertTrue(run.out().contains("intra_op_num_threads=2, inter_op_num_threads=1, sequential execution"), run.out());
        ToolRun step = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "onnxruntime", "--cell", "rnn_relu",
                "--mode", "step", "--shape", "4,1,5,6"}, QUICK));
        assertEquals(0, step.exitCode(), step.toString());
        Map<String, String> f = BenchLine.parse(step.lastLine());
        assertEquals("step", f.get("mode"));
        // A step counts the forward with T = 1: 2·N·(I+H)·G·H = 2·1·11·1·6.
        double gflops = Double.parseDouble(f.get("gflops")), ms = Double.parseDouble(f.get("median_ms"));
        assertEquals(132 / (ms * 1e6), gflops, 0.0015 + 0.01 * gflops);
    }

    @Test
    void compareRunsBothAndPrintsTheRatio() {
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"compare", "--backend", "reference", "--peer",
                "onnxruntime", "--cell", "gru", "--mode", "fwd", "--shape", "3,2,4,5"}, QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> l = run.lines();
        int n = l.size();
        Matcher c = COMPARE.matcher(l.get(n - 1));
        assertTrue(c.matches(), l.get(n - 1));
        Map<String, String> ours = BenchLine.parse(l.get(n - 3)), theirs = BenchLine.parse(l.get(n - 2));
        assertEquals("reference", ours.get("backend"));
        assertEquals("onnxruntime", theirs.get("backend"));
        for (String k : List.of("cell", "mode", "dtype", "T", "N", "I", "H", "threads", "samples")) {
            assertEquals(ours.get(k), theirs.get(k), k);
        }
        double ratio = Double.parseDouble(ours.get("gflops")) / Double.parseDouble(theirs.get("gflops"));
        assertEquals(ratio, Double.parseDouble(c.group(11)), 0.0006 + 1e-3 * ratio);
        assertEquals(List.of("reference", "onnxruntime", "gru", "fwd", "f32", "3", "2", "4", "5", "1"),
                List.of(c.group(1), c.group(2), c.group(3), c.group(4), c.group(5), c.group(6), c.group(7), c.group(8),
                        c.group(9), c.group(10)));
    }

    @Test
    void openblasInProcessReportsItsCore() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        Assumptions.assumeTrue(info.isLoaded(), "native library not loaded: " + info.failureReason());
        int k = info.openblasThreads();
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "openblas", "--in-process", "--size", "64",
                "--threads", Integer.toString(k)}, QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = GEMM.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        assertEquals(info.openblasCoreName(), m.group(9));
        assertTrue(run.out().contains("OpenBLAS core: " + info.openblasCoreName()), run.out());
        ToolRun wrong = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "openblas", "--in-process", "--size", "8",
                "--threads", Integer.toString(k + 1)}, QUICK));
        assertEquals(1, wrong.exitCode(), wrong.toString());
        assertTrue(wrong.err().contains("OpenBLAS runs " + k + " threads in this process"), wrong.err());
    }

    @Test
    void openblasRunsInAChildJvmWithItsEnvironment() {
        Assumptions.assumeTrue(NativeLibraryInfo.load().isLoaded());
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "openblas", "--size", "32", "--dtype", "f64",
                "--threads", "1", "--openblas-coretype", "env"}, QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = GEMM.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        assertEquals("dgemm", m.group(1));
        assertEquals("1", m.group(6));
        assertTrue(run.out().contains("a child JVM with OPENBLAS_NUM_THREADS=1"), run.out());
        assertTrue(run.out().contains("threads 1 (OPENBLAS_NUM_THREADS=1)"), "the child's own report\n" + run.out());
    }

    @Test
    void coreTypePolicy() {
        CpuInfo avx512 = new CpuInfo("x", java.util.Set.of("avx2", "fma", "avx512f", "avx512dq", "avx512bw", "avx512vl"), null);
        CpuInfo avx2 = new CpuInfo("x", java.util.Set.of("avx2", "fma"), null);
        Map<String, String> a = OpenblasEnv.changes("auto", avx512, 2);
        assertEquals("SkylakeX", a.get("OPENBLAS_CORETYPE"));
        assertTrue(a.containsKey("OPENBLAS_L2_SIZE") && a.get("OPENBLAS_L2_SIZE") == null, a.toString());
        assertEquals("2", a.get("OPENBLAS_NUM_THREADS"));
        Map<String, String> b = OpenblasEnv.changes("auto", avx2, 1);
        assertTrue(b.containsKey("OPENBLAS_CORETYPE") && b.get("OPENBLAS_CORETYPE") == null, "removed: " + b);
        assertFalse(OpenblasEnv.changes("env", avx512, 1).containsKey("OPENBLAS_CORETYPE"));
        assertEquals("Zen", OpenblasEnv.changes("Zen", avx2, 1).get("OPENBLAS_CORETYPE"));
    }

    @Test
    void peakPrintsALinePerThreadCount() {
        Assumptions.assumeTrue(VectorSupport.available());
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "peak", "--threads", "2", "--dtype", "f64",
                "--iterations", "1000"},
                QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        List<String> l = run.lines();
        Matcher one = PEAK.matcher(l.get(l.size() - 2)), two = PEAK.matcher(l.get(l.size() - 1));
        assertTrue(one.matches() && two.matches(), run.out());
        assertEquals("1", one.group(2));
        assertEquals("2", two.group(2));
        assertTrue(Double.parseDouble(one.group(3)) > 0);
    }

    @Test
    void torchRunsWhenInstalled() {
        TorchPeer.Python python;
        try {
            python = TorchPeer.findPython(null);
        } catch (ToolException e) {
            Assumptions.abort("PyTorch is not installed (optional): " + e.getMessage());
            return;
        }
        Assumptions.assumeTrue(!python.debianTorch() || java.nio.file.Files.isDirectory(TorchPeer.DEBIAN_OPENBLAS),
                "Debian's OpenBLAS is not installed");
        ToolRun run = ToolRun.of(BenchCommandTest.args(new String[] {"peer", "torch", "--cell", "rnn_tanh", "--mode",
                "fwdbwd", "--shape", "3,2,4,5", "--dtype", "f64"}, QUICK));
        assertEquals(0, run.exitCode(), run.toString());
        Matcher m = BenchCommandTest.LINE.matcher(run.lastLine());
        assertTrue(m.matches(), run.lastLine());
        assertEquals(List.of("torch", "rnn_tanh", "fwdbwd", "f64"), List.of(m.group(1), m.group(2), m.group(3), m.group(4)));
    }
}
