package org.rnn4j.tool;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rnn4j.DType;
import org.rnn4j.nativebackend.NativeGemm;
import org.rnn4j.nativebackend.NativeLibraryInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peer openblas}: the roofline — a large square GEMM through the project's JavaCPP OpenBLAS
 * ({@link NativeGemm}, off-heap segments) at K threads.
 *
 * <p>OpenBLAS takes its kernels ({@code OPENBLAS_CORETYPE}) and its thread count ({@code OPENBLAS_NUM_THREADS})
 * from the environment when it loads, and this JVM may have loaded it already with other values; the count cannot
 * be changed from outside {@code kernels-native} either (it is process-global state the native backend owns). So
 * the GEMM runs in a child JVM started with the environment of {@link OpenblasEnv}; {@code --in-process} runs it
 * here with whatever this process has (and fails if OpenBLAS's thread count is not K).
 */
@Command(name = "openblas",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"OpenBLAS roofline: times C = A*B (sgemm for f32, dgemm for f64), square of --size (default "
                + "2048), through the project's JavaCPP OpenBLAS on off-heap memory with K threads; prints the core "
                + "type OpenBLAS chose and a bench-style line:",
                "bench: backend=openblas op=sgemm dtype=f32 M=.. N=.. K=.. threads=K median_ms=.. gflops=.. min_ms=.. "
                        + "q1_ms=.. q3_ms=.. max_ms=.. samples=.. warmup_calls=.. warmup_s=.. settled=.. core=NAME",
                "Runs in a child JVM with OPENBLAS_NUM_THREADS=K and the core type of --openblas-coretype."})
final class OpenblasPeer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32", converter = Converters.DTypes.class,
            description = "sgemm (f32) or dgemm (f64) (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "1",
            description = "OpenBLAS threads (default: ${DEFAULT-VALUE}).")
    int threads;

    @Option(names = "--size", paramLabel = "S", defaultValue = "2048",
            description = "M = N = K of the GEMM (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random matrices (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TimingOptions timing;

    @Mixin
    PeerOptions peer;

    @Option(names = "--in-process", description = "Run in this JVM with its OpenBLAS as loaded (no child JVM).")
    boolean inProcess;

    @Override
    public Integer call() {
        Sampler.Settings t = timing.settings();
        validate(spec, threads, size);
        PrintWriter out = spec.commandLine().getOut();
        String line = inProcess ? runHere(dtype, threads, size, seed, t, out)
                : runChild(dtype, threads, size, seed, t, peer.openblasCoretype, out, spec.commandLine().getErr());
        out.println(line);
        out.flush();
        return 0;
    }

    static void validate(CommandSpec spec, int threads, int size) {
        if (threads < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--threads': expected >= 1 but "
                    + "was " + threads);
        }
        if (size < 1 || size > 65536) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--size': expected 1..65536 but "
                    + "was " + size);
        }
    }

    /** Runs the GEMM in a child JVM with the OpenBLAS environment of {@code coretype}; returns its bench line. */
    static String runChild(DType dtype, int threads, int size, long seed, Sampler.Settings t, String coretype,
                           PrintWriter out, PrintWriter err) {
        CpuInfo cpu = CpuInfo.read();
        Map<String, String> env = new LinkedHashMap<>(OpenblasEnv.changes(coretype, cpu, threads));
        out.println("peer openblas: a child JVM with " + OpenblasEnv.describe(env));
        out.println("  " + OpenblasEnv.reason(coretype, cpu) + "; OpenBLAS reads these when it loads");
        out.flush();
        List<String> args = new ArrayList<>(List.of("peer", "openblas", "--in-process", "--dtype",
                Converters.shortName(dtype), "--threads", Integer.toString(threads), "--size", Integer.toString(size),
                "--seed", Long.toString(seed)));
        args.addAll(t.asOptions());
        return ChildProcess.run("peer openblas (child JVM)", ChildProcess.toolCommand(args), env, out, err);
    }

    /** Runs the GEMM in this JVM; returns the bench line. */
    static String runHere(DType dtype, int threads, int size, long seed, Sampler.Settings t, PrintWriter out) {
        NativeLibraryInfo info;
        try {
            info = NativeLibraryInfo.load();
        } catch (LinkageError | RuntimeException e) {
            throw new ToolException("peer openblas: the native library is not on the class path (" + e + ")", e);
        }
        if (!info.isLoaded()) throw new ToolException("peer openblas: the native library did not load: " + info.failureReason());
        if (info.openblasThreads() != threads) {
            throw new ToolException("peer openblas: OpenBLAS runs " + info.openblasThreads() + " threads in this process "
                    + "but --threads is " + threads + "; run without --in-process (the child JVM gets "
                    + "OPENBLAS_NUM_THREADS=" + threads + ") or set OPENBLAS_NUM_THREADS=" + threads);
        }
        long n = size;
        int e = dtype.bytes();
        String subject = "peer openblas " + (dtype == DType.F64 ? "dgemm" : "sgemm") + " " + size + "^3";
        MemoryBudget budget = new MemoryBudget().add("A, B and C", 3 * n * n, e);
        budget.require(subject, BenchCommand.availableMemory(), null);
        double flops = 2.0 * n * n * n;
        String op = dtype == DType.F64 ? "dgemm" : "sgemm";
        String core = info.openblasCoreName();
        out.println(String.format(Locale.ROOT, "benchmark: OpenBLAS %s %s, M=N=K=%d, threads=%d", info.openblasVersion(),
                op, size, threads));
        out.println("  OpenBLAS core: " + core + " (OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE")
                + ", OPENBLAS_L2_SIZE=" + env("OPENBLAS_L2_SIZE") + "); threads " + info.openblasThreads()
                + " (OPENBLAS_NUM_THREADS=" + env("OPENBLAS_NUM_THREADS") + "); " + info.openblasConfig());
        out.println("  library: " + info.openblasFile());
        out.println(String.format(Locale.ROOT, "  flops per call: %.4g (2*M*N*K)", flops));
        out.println(BenchCommand.timingSummary(t));
        out.flush();
        Sampler.Measurement m;
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = random(arena, dtype, n * n, rnd), b = random(arena, dtype, n * n, rnd);
            MemorySegment c = arena.allocate(n * n * e, 64);
            m = Sampler.measure(t, dtype == DType.F64
                    ? () -> NativeGemm.dgemm(false, false, size, size, size, 1, a, size, b, size, 0, c, size)
                    : () -> NativeGemm.sgemm(false, false, size, size, size, 1, a, size, b, size, 0, c, size));
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new ToolException(subject + ": " + ex, ex);
        }
        BenchLine.describe(out, m, flops);
        out.flush();
        Map<String, String> id = new LinkedHashMap<>();
        id.put("backend", "openblas");
        id.put("op", op);
        id.put("dtype", Converters.shortName(dtype));
        id.put("M", Integer.toString(size));
        id.put("N", Integer.toString(size));
        id.put("K", Integer.toString(size));
        id.put("threads", Integer.toString(threads));
        return BenchLine.format(id, m, flops, Map.of("core", core == null || core.isBlank() ? "unknown" : core));
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "(unset)" : v;
    }

    private static MemorySegment random(Arena arena, DType dt, long n, SplittableRandom rnd) {
        MemorySegment s = arena.allocate(n * dt.bytes(), 64);
        for (long i = 0; i < n; i++) dt.set(s, i, 2 * rnd.nextDouble() - 1);
        return s;
    }
}
