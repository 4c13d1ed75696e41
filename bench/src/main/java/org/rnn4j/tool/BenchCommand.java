package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.atomic.AtomicLong;
import org.rnn4j.BackendOptions;
import org.rnn4j.bench.jmh.RnnFixture;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;
import org.rnn4j.spi.RnnBackend;
import org.rnn4j.util.MiniJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: times one configuration (one unidirectional layer) on one backend.
 *
 * <p>Flop count: the shared convention of {@link RnnPlan#forwardFlops()} (multiply and add counted separately,
 * the matrix products only): a forward costs {@code 2·T·N·(I + H)·G·H}, G = 4 (LSTM), 3 (GRU), 1 (RNN).
 * Forward+backward counts 3× the forward (backward ≈ two products per forward product). {@code step} times one
 * cell step (the single-step API, an inference step workspace) and counts the forward with T = 1.
 *
 * <p>The bench line names backend, cell, mode, dtype, shape and threads, so the command has no options (layers,
 * directions) that line could not tell apart; stacks are for the JMH suite.
 *
 * <p>Timing: {@link Sampler} (warm-up by time until the timings settle, then the samples). Memory: everything
 * (data, weights, outputs, gradients, workspace) is allocated off-heap and filled before timing and reused by
 * every call; what that needs is checked against the machine's memory first ({@link MemoryBudget}), so a shape
 * that cannot fit is refused before anything is allocated. The data are uniform random numbers from
 * {@code --seed}.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Times forward (fwd), forward+backward (fwdbwd) or one single step (step) of one "
                + "unidirectional layer: a warm-up by time until the timings settle, then timed samples "
                + "(System.nanoTime); prints the samples, their median, quartiles and extremes, and GFLOP/s.",
                "Flops: a forward is 2*T*N*(I+H)*G*H (G = 4 LSTM, 3 GRU, 1 RNN), forward+backward 3x that, step "
                        + "the forward with T=1.",
                "The last line is: bench: backend=B cell=C mode=M dtype=D T=.. N=.. I=.. H=.. threads=K "
                        + "median_ms=X gflops=Y min_ms=.. q1_ms=.. q3_ms=.. max_ms=.. samples=S warmup_calls=W "
                        + "warmup_s=.. settled=yes|no (gflops at the median)."})
final class BenchCommand implements Callable<Integer> {
    /** What one timed sample does. */
    enum BenchMode { fwd, fwdbwd, step }

    /**
     * Overrides the memory available to a run, in bytes (tests use it to check the refusal on a small shape).
     */
    static final String AVAILABLE_MEMORY_PROPERTY = "rnn4j.tool.availableMemory";

    /** Bytes the command has allocated for runs in this JVM (tests check that a refused run allocated none). */
    static final AtomicLong ALLOCATED_BYTES = new AtomicLong();

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "B", required = true, description = "Backend to time.")
    String backend;

    @Mixin
    RnnRunOptions run;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    @Override
    public Integer call() {
        BenchSpec s = run.spec();
        PrintWriter out = spec.commandLine().getOut();
        String line = run(spec, backend, s, out, json);
        out.println(line);
        out.flush();
        return 0;
    }

    /**
     * Times {@code s} on {@code backendName}, printing the description and the human-readable results to
     * {@code out}, and returns the bench line (not printed). Shared with {@code compare}.
     */
    static String run(CommandSpec spec, String backendName, BenchSpec s, PrintWriter out, Path json) {
        RnnConfig cfg;
        double flops;
        try {
            cfg = RnnConfig.builder(s.cell(), s.shape().inputSize(), s.shape().hiddenSize()).dtype(s.dtype()).build();
            flops = flops(cfg, s.mode(), s.shape().seqLength(), s.shape().batch()); // the plan checks T·N too
        } catch (IllegalArgumentException e) {
            throw new ToolException(s.describe() + ": " + e.getMessage(), e);
        }
        // Before the backend exists (a native backend may start threads): the tool's own memory must fit.
        MemoryBudget budget = toolMemory(cfg, s);
        MemoryBudget.Available available = availableMemory();
        budget.require("bench " + s.describe(), available, "the backend's workspace");

        // No fallback: a backend that cannot use K threads is an error, so a bench line never claims a
        // configuration that did not run.
        Sampler.Measurement m;
        String name;
        try (RnnBackend b = resolve(spec, backendName, s.threads())) {
            name = b.name();
            out.println(String.format(Locale.ROOT, "benchmark: %s on backend %s, mode %s, %s, T=%d N=%d, threads=%d",
                    cfg, b.name(), s.mode(), s.dtype().numpyName(), s.shape().seqLength(), s.shape().batch(),
                    s.threads()));
            out.println(String.format(Locale.ROOT, "  flops per call: %.4g (%s)", flops, switch (s.mode()) {
                case fwd -> "forward";
                case fwdbwd -> "3x forward";
                case step -> "forward with T=1";
            }));
            out.println(timingSummary(s.timing()));
            String blasEnv = openblasEnvironmentNote();
            if (blasEnv != null) out.println(blasEnv);
            out.flush();
            m = measure(b, cfg, s, budget, available, out);
        } catch (OutOfMemoryError e) {
            throw outOfMemory("bench " + s.describe(), e);
        }
        BenchLine.describe(out, m, flops);
        if (s.mode() == BenchMode.fwd && s.shape().seqLength() > 1) {
            out.println(String.format(Locale.ROOT, "  per step: %.4f ms (median / T)",
                    m.stats().median() / s.shape().seqLength()));
        }
        if (json != null) {
            try {
                writeJson(json, name, s, m, flops);
            } catch (IOException e) {
                throw new ToolException("cannot write " + json + ": " + e.getMessage(), e);
            }
            out.println("  wrote " + json);
        }
        out.flush();
        return BenchLine.format(BenchLine.rnnIdentity(name, s.cell().id(), s.mode().name(), s.dtypeName(), s.shape(),
                s.threads()), m, flops, Map.of());
    }

    private static RnnBackend resolve(CommandSpec spec, String name, int threads) {
        try {
            return BackendChoice.resolve(spec, name, BackendOptions.threads(threads));
        } catch (IllegalArgumentException e) {
            throw new ToolException("backend " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * An {@link OutOfMemoryError} as a one-line error: a backend's own allocations (on the Java heap, or native)
     * are not known before the run.
     */
    static ToolException outOfMemory(String subject, OutOfMemoryError e) {
        return new ToolException(subject + " ran out of memory (" + e.getMessage() + "); the Java heap is limited to "
                + MemoryBudget.human(Runtime.getRuntime().maxMemory()) + " and " + MemoryBudget.human(
                MemoryBudget.available().bytes()) + " of memory are available: give the JVM more heap with "
                + "RNN4J_JAVA_OPTS=-Xmx<size>, or choose a smaller shape", e);
    }

    /**
     * A note when the environment pins OpenBLAS's kernels: a backend that uses OpenBLAS in this process (the
     * native one) runs with them, which may not be its best configuration (see {@link OpenblasEnv}).
     */
    static String openblasEnvironmentNote() {
        String core = System.getenv("OPENBLAS_CORETYPE"), l2 = System.getenv("OPENBLAS_L2_SIZE");
        if (core == null && l2 == null) return null;
        return "  note: the environment sets " + (core != null ? "OPENBLAS_CORETYPE=" + core : "")
                + (core != null && l2 != null ? " and " : "") + (l2 != null ? "OPENBLAS_L2_SIZE=" + l2 : "")
                + ": an OpenBLAS loaded by this process uses them (./rnn4j info shows the core it chose)";
    }

    static String timingSummary(Sampler.Settings t) {
        return String.format(Locale.ROOT, "  timing: warm-up >= %d calls and >= %s s until settled (last two windows "
                        + "within %s%% of the best earlier one; at most %s s), then %d timed calls",
                t.minWarmupCalls(), num(t.minWarmupSeconds()), num(t.settlePercent()), num(t.maxWarmupSeconds()),
                t.samples());
    }

    private static String num(double v) {
        return v == Math.rint(v) ? Long.toString((long) v) : Double.toString(v);
    }

    /**
     * Flops of one timed call of {@code mode} on {@code cfg} with {@code T} steps and {@code N} samples, by the
     * shared convention {@link RnnPlan#forwardFlops()}: the forward, 3× it for forward+backward, T = 1 for a step.
     */
    static double flops(RnnConfig cfg, BenchMode mode, int T, int N) {
        return switch (mode) {
            case fwd -> new RnnPlan(cfg, T, N).forwardFlops();
            case fwdbwd -> 3 * new RnnPlan(cfg, T, N).forwardFlops();
            case step -> new RnnPlan(cfg, 1, N).forwardFlops();
        };
    }

    // ---------------------------------------------------------------- memory

    /** What the tool itself allocates for {@code s} (everything but the backend's workspace). */
    static MemoryBudget toolMemory(RnnConfig cfg, BenchSpec s) {
        long T = s.shape().seqLength(), N = s.shape().batch(), I = cfg.inputSize(), H = cfg.hiddenSize();
        int e = s.dtype().bytes();
        boolean lstm = cfg.cell().hasCellState();
        long state = (long) cfg.stateRows() * N * H;
        long stateTensors = lstm ? 2 : 1;
        MemoryBudget b = new MemoryBudget().add("weights", cfg.parameterCount(), e);
        switch (s.mode()) {
            case fwd -> b.add("input", T * N * I, e).add("output", T * N * cfg.outputSize(), e)
                    .add("initial and final states", 2 * stateTensors * state, e);
            case fwdbwd -> b.add("input", T * N * I, e).add("output", T * N * cfg.outputSize(), e)
                    .add("initial and final states", 2 * stateTensors * state, e)
                    .add("output gradient", T * N * cfg.outputSize(), e)
                    .add("input gradient", T * N * I, e)
                    .add("state gradients", 2 * stateTensors * state, e)
                    .add("weight gradients", cfg.parameterCount(), e);
            case step -> b.add("input", N * I, e).add("states", 2 * stateTensors * state, e);
        }
        return b;
    }

    static MemoryBudget.Available availableMemory() {
        String forced = System.getProperty(AVAILABLE_MEMORY_PROPERTY);
        if (forced != null) {
            return new MemoryBudget.Available(Long.parseLong(forced.trim()), "set by -D" + AVAILABLE_MEMORY_PROPERTY);
        }
        return MemoryBudget.available();
    }

    // ---------------------------------------------------------------- timing

    private static Sampler.Measurement measure(RnnBackend b, RnnConfig cfg, BenchSpec s, MemoryBudget budget,
                                               MemoryBudget.Available available, PrintWriter out) {
        int T = s.shape().seqLength(), N = s.shape().batch();
        try (RnnFixture f = RnnFixture.open(cfg, b, s.mode().name(), T, N, s.seed(), ALLOCATED_BYTES::addAndGet)) {
            budget.addBytes("workspace", f.workspaceBytes());
            budget.require("bench " + s.describe(), available, null);
            out.println("  memory: " + MemoryBudget.human(budget.total()) + " allocated off-heap (of "
                    + MemoryBudget.human(available.bytes()) + " available)");
            f.prepare();
            Runnable call = f.call();
            return Sampler.measure(s.timing(), call::run);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- JSON

    private static void writeJson(Path file, String backendName, BenchSpec s, Sampler.Measurement m, double flops)
            throws IOException {
        CpuInfo cpu = CpuInfo.read();
        SampleStats st = m.stats();
        Sampler.Settings t = s.timing();
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "backend", MiniJson.quote(backendName));
        field(sb, "cell", MiniJson.quote(s.cell().id()));
        field(sb, "mode", MiniJson.quote(s.mode().name()));
        field(sb, "dtype", MiniJson.quote(s.dtypeName()));
        field(sb, "T", Integer.toString(s.shape().seqLength()));
        field(sb, "N", Integer.toString(s.shape().batch()));
        field(sb, "I", Integer.toString(s.shape().inputSize()));
        field(sb, "H", Integer.toString(s.shape().hiddenSize()));
        field(sb, "threads", Integer.toString(s.threads()));
        field(sb, "warmup_min_calls", Integer.toString(t.minWarmupCalls()));
        field(sb, "warmup_min_s", num2(t.minWarmupSeconds()));
        field(sb, "warmup_max_s", num2(t.maxWarmupSeconds()));
        field(sb, "settle_pct", num2(t.settlePercent()));
        field(sb, "warmup_calls", Integer.toString(m.warmupCalls()));
        field(sb, "warmup_s", num2(m.warmupSeconds()));
        field(sb, "settled", Boolean.toString(m.settled()));
        StringBuilder w = new StringBuilder("[");
        for (int i = 0; i < m.windowMediansMs().size(); i++) w.append(i == 0 ? "" : ", ").append(num2(m.windowMediansMs().get(i)));
        field(sb, "warmup_window_medians_ms", w.append(']').toString());
        StringBuilder a = new StringBuilder("[");
        for (int i = 0; i < m.samplesMs().length; i++) a.append(i == 0 ? "" : ", ").append(num2(m.samplesMs()[i]));
        field(sb, "samples_ms", a.append(']').toString());
        field(sb, "median_ms", num2(st.median()));
        field(sb, "min_ms", num2(st.min()));
        field(sb, "q1_ms", num2(st.q1()));
        field(sb, "q3_ms", num2(st.q3()));
        field(sb, "max_ms", num2(st.max()));
        field(sb, "flops", num2(flops));
        field(sb, "gflops", num2(BenchLine.gflops(flops, st.median())));
        field(sb, "gflops_best", num2(BenchLine.gflops(flops, st.min())));
        field(sb, "jit_ms_warmup", Long.toString(m.jitMsWarmup()));
        field(sb, "jit_ms_samples", Long.toString(m.jitMsSamples()));
        field(sb, "cpu_model", MiniJson.quote(cpu.model()));
        field(sb, "jdk", MiniJson.quote(Runtime.version() + " (" + System.getProperty("java.vendor") + ")"));
        sb.append("  \"date\": ").append(MiniJson.quote(Instant.now().toString())).append("\n}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append("  ").append(MiniJson.quote(name)).append(": ").append(value).append(",\n");
    }

    private static String num2(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }
}
