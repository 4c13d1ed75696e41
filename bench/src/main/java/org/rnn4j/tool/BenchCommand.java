package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rnn4j.BackendOptions;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepWorkspace;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: times one configuration (one unidirectional layer) on one backend.
 *
 * <p>Flop count: the shared convention of {@link RnnPlan#forwardFlops()} (multiply and add counted separately,
 * the matrix products only): a forward costs {@code 2·T·N·(I + H)·G·H}, G = 4 (LSTM), 3 (GRU), 1 (RNN).
 * Forward+backward counts 3× the forward (backward ≈ two products per forward product). {@code step} times one
 * cell step (the single-step API, an inference step workspace) and counts the forward with T = 1.
 *
 * <p>The last line names backend, cell, mode, dtype, shape and threads, and nothing else, so the command has no
 * options (layers, directions) that line could not tell apart; stacks are for the JMH suite.
 *
 * <p>Everything (data, weights, outputs, gradients, workspace) is allocated and filled before timing and reused
 * by every call; the data are uniform random numbers from {@code --seed}.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Times forward (fwd), forward+backward (fwdbwd) or one single step (step) of one "
                + "unidirectional layer: warm-up calls, then timed samples (System.nanoTime); prints every sample, "
                + "the median and minimum in milliseconds and GFLOP/s.",
                "Flops: a forward is 2*T*N*(I+H)*G*H (G = 4 LSTM, 3 GRU, 1 RNN), forward+backward 3x that, step "
                        + "the forward with T=1.",
                "The last line is: bench: backend=B cell=C mode=M dtype=D T=.. N=.. I=.. H=.. threads=K "
                        + "median_ms=X gflops=Y (gflops at the median)."})
final class BenchCommand implements Callable<Integer> {
    /** What one timed sample does. */
    enum BenchMode { fwd, fwdbwd, step }

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "B", required = true, description = "Backend to time.")
    String backend;

    @Option(names = "--cell", paramLabel = "C", required = true, converter = Converters.Cells.class,
            description = "lstm, lstm_peephole, gru, gru_reset_before, rnn_tanh or rnn_relu.")
    Cell cell;

    @Option(names = "--mode", paramLabel = "M", required = true,
            description = "fwd (inference forward), fwdbwd (training forward + backward) or step (one inference cell "
                    + "step). Valid values: ${COMPLETION-CANDIDATES}.")
    BenchMode mode;

    @Option(names = "--shape", paramLabel = "T,N,I,H", required = true, converter = Converters.Shapes.class,
            description = "Sequence length, batch, input size, hidden size, e.g. 50,32,256,256.")
    Converters.Shape shape;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32", converter = Converters.DTypes.class,
            description = "Data type (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "1",
            description = "Threads the backend may use (default: ${DEFAULT-VALUE}). A backend that cannot use K "
                    + "threads is an error (the reference backend is single-threaded).")
    int threads;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
            description = "Untimed calls first, at least 1 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--samples", paramLabel = "S", defaultValue = "10",
            description = "Timed calls, at least 5 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    /** The measurements. */
    record Result(String backend, Cell cell, BenchMode mode, DType dtype, Converters.Shape shape, int threads,
                  int warmup, double[] samplesMs, double flops) {
        double medianMs() {
            double[] s = samplesMs.clone();
            Arrays.sort(s);
            int n = s.length;
            return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
        }

        double minMs() {
            return Arrays.stream(samplesMs).min().orElse(Double.NaN);
        }

        double gflops(double ms) {
            return flops / (ms * 1e6);
        }

        /** The one machine-readable line that ends the output. */
        String line() {
            return String.format(Locale.ROOT,
                    "bench: backend=%s cell=%s mode=%s dtype=%s T=%d N=%d I=%d H=%d threads=%d median_ms=%.4f gflops=%.3f",
                    backend, cell.id(), mode, Converters.shortName(dtype), shape.seqLength(), shape.batch(),
                    shape.inputSize(), shape.hiddenSize(), threads, medianMs(), gflops(medianMs()));
        }
    }

    @Override
    public Integer call() {
        if (samples < 5) throw usage("--samples", "expected at least 5 but was " + samples);
        if (warmup < 1) throw usage("--warmup", "expected at least 1 but was " + warmup);
        if (threads < 1) throw usage("--threads", "expected >= 1 but was " + threads);
        PrintWriter out = spec.commandLine().getOut();

        // No fallback: a backend that cannot use K threads is an error, so a bench line never claims a
        // configuration that did not run.
        RnnBackend b;
        try {
            b = BackendChoice.resolve(spec, backend, BackendOptions.threads(threads));
        } catch (IllegalArgumentException e) {
            throw new ToolException("backend " + backend + ": " + e.getMessage(), e);
        }

        RnnConfig cfg;
        double flops;
        try {
            cfg = RnnConfig.builder(cell, shape.inputSize(), shape.hiddenSize()).dtype(dtype).build();
            flops = flops(cfg, mode, shape.seqLength(), shape.batch()); // the plan checks T·N too
        } catch (IllegalArgumentException e) {
            throw new ToolException(e.getMessage(), e);
        }

        out.println(String.format(Locale.ROOT, "benchmark: %s on backend %s, mode %s, %s, T=%d N=%d, %d warm-up + %d "
                        + "timed calls, threads=%d", cfg, b.name(), mode, dtype.numpyName(), shape.seqLength(),
                shape.batch(), warmup, samples, threads));
        out.println(String.format(Locale.ROOT, "  flops per call: %.4g (%s)", flops, switch (mode) {
            case fwd -> "forward";
            case fwdbwd -> "3x forward";
            case step -> "forward with T=1";
        }));
        out.flush();

        double[] ms = measure(b, cfg);
        Result r = new Result(b.name(), cell, mode, dtype, shape, threads, warmup, ms, flops);
        StringBuilder list = new StringBuilder();
        for (double s : ms) list.append(String.format(Locale.ROOT, " %.4f", s));
        out.println("  samples (ms):" + list);
        out.println(String.format(Locale.ROOT, "  median %.4f ms, min %.4f ms; %.3f GFLOP/s at the median, %.3f at the min",
                r.medianMs(), r.minMs(), r.gflops(r.medianMs()), r.gflops(r.minMs())));
        if (json != null) {
            try {
                writeJson(json, r);
            } catch (IOException e) {
                throw new ToolException("cannot write " + json + ": " + e.getMessage(), e);
            }
            out.println("  wrote " + json);
        }
        out.println(r.line());
        out.flush();
        return 0;
    }

    private ParameterException usage(String option, String message) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + message);
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

    // ---------------------------------------------------------------- timing

    /** The call to time, and how to free what it uses (its workspace) afterwards. */
    private record Timed(Runnable op, Runnable release) implements AutoCloseable {
        @Override
        public void close() {
            release.run();
        }
    }

    private double[] measure(RnnBackend b, RnnConfig cfg) {
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Arena arena = Arena.ofShared()) {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            for (ParamId id : cfg.parameterIds()) fill(w.get(id), rnd, 1 / Math.sqrt(cfg.hiddenSize()));
            try (Rnn rnn = Rnn.create(cfg, w, b); Timed timed = prepare(rnn, cfg, arena, rnd)) {
                for (int i = 0; i < warmup; i++) timed.op().run();
                double[] ms = new double[samples];
                for (int i = 0; i < samples; i++) {
                    long t0 = System.nanoTime();
                    timed.op().run();
                    long t1 = System.nanoTime();
                    ms[i] = (t1 - t0) / 1e6;
                }
                return ms;
            }
        }
    }

    /** Allocates and fills everything the call of {@link #mode} needs, before any timing. */
    private Timed prepare(Rnn rnn, RnnConfig cfg, Arena arena, SplittableRandom rnd) {
        int T = shape.seqLength(), N = shape.batch();
        boolean lstm = cell.hasCellState();
        long stateElems = (long) cfg.stateRows() * N * cfg.hiddenSize();
        return switch (mode) {
            case fwd, fwdbwd -> {
                SequenceArgs a = new SequenceArgs().shape(T, N)
                        .input(random(arena, (long) T * N * cfg.inputSize(), rnd))
                        .h0(random(arena, stateElems, rnd)).c0(lstm ? random(arena, stateElems, rnd) : null)
                        .output(zeros(arena, (long) T * N * cfg.outputSize()))
                        .hN(zeros(arena, stateElems)).cN(lstm ? zeros(arena, stateElems) : null);
                if (mode == BenchMode.fwd) {
                    RnnWorkspace inf = rnn.newWorkspace(Mode.INFERENCE, T, N);
                    yield new Timed(() -> rnn.forward(a, inf), inf::close);
                }
                GradientArgs g = new GradientArgs()
                        .gradOutput(random(arena, (long) T * N * cfg.outputSize(), rnd))
                        .gradHN(random(arena, stateElems, rnd)).gradCN(lstm ? random(arena, stateElems, rnd) : null)
                        .gradInput(zeros(arena, (long) T * N * cfg.inputSize()))
                        .gradH0(zeros(arena, stateElems)).gradC0(lstm ? zeros(arena, stateElems) : null)
                        .weightGrads(RnnParameters.allocate(cfg, arena));
                RnnWorkspace train = rnn.newWorkspace(Mode.TRAINING, T, N);
                yield new Timed(() -> {
                    rnn.forward(a, train);
                    rnn.backward(a, g, train);
                }, train::close);
            }
            case step -> {
                StepArgs step = new StepArgs().batch(N).input(random(arena, (long) N * cfg.inputSize(), rnd))
                        .hPrev(random(arena, stateElems, rnd)).cPrev(lstm ? random(arena, stateElems, rnd) : null)
                        .hNext(zeros(arena, stateElems)).cNext(lstm ? zeros(arena, stateElems) : null);
                StepWorkspace inf = rnn.newStepWorkspace(Mode.INFERENCE, N);
                yield new Timed(() -> rnn.stepForward(0, 0, step, inf), inf::close);
            }
        };
    }

    private MemorySegment zeros(Arena arena, long elements) {
        return arena.allocate(Math.max(1, elements) * dtype.bytes(), 64);
    }

    private MemorySegment random(Arena arena, long elements, SplittableRandom rnd) {
        MemorySegment s = zeros(arena, elements);
        fill(s, rnd, 1);
        return s;
    }

    private void fill(MemorySegment s, SplittableRandom rnd, double scale) {
        long n = s.byteSize() / dtype.bytes();
        for (long i = 0; i < n; i++) {
            dtype.set(s, i, scale * (2 * rnd.nextDouble() - 1));
        }
    }

    // ---------------------------------------------------------------- JSON

    private static void writeJson(Path file, Result r) throws IOException {
        CpuInfo cpu = CpuInfo.read();
        StringBuilder sb = new StringBuilder("{\n");
        field(sb, "backend", str(r.backend()));
        field(sb, "cell", str(r.cell().id()));
        field(sb, "mode", str(r.mode().name()));
        field(sb, "dtype", str(Converters.shortName(r.dtype())));
        field(sb, "T", Integer.toString(r.shape().seqLength()));
        field(sb, "N", Integer.toString(r.shape().batch()));
        field(sb, "I", Integer.toString(r.shape().inputSize()));
        field(sb, "H", Integer.toString(r.shape().hiddenSize()));
        field(sb, "threads", Integer.toString(r.threads()));
        field(sb, "warmup", Integer.toString(r.warmup()));
        StringBuilder s = new StringBuilder("[");
        for (int i = 0; i < r.samplesMs().length; i++) s.append(i == 0 ? "" : ", ").append(num(r.samplesMs()[i]));
        field(sb, "samples_ms", s.append(']').toString());
        field(sb, "median_ms", num(r.medianMs()));
        field(sb, "min_ms", num(r.minMs()));
        field(sb, "flops", num(r.flops()));
        field(sb, "gflops", num(r.gflops(r.medianMs())));
        field(sb, "gflops_best", num(r.gflops(r.minMs())));
        field(sb, "cpu_model", str(cpu.model()));
        field(sb, "jdk", str(Runtime.version() + " (" + System.getProperty("java.vendor") + ")"));
        sb.append("  \"date\": ").append(str(Instant.now().toString())).append("\n}\n");
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, sb, StandardCharsets.UTF_8);
    }

    private static void field(StringBuilder sb, String name, String value) {
        sb.append("  ").append(str(name)).append(": ").append(value).append(",\n");
    }

    private static String num(double v) {
        return Double.isFinite(v) ? Double.toString(v) : "null";
    }

    private static String str(String s) {
        StringBuilder sb = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> sb.append("\\\"");
                case '\\' -> sb.append("\\\\");
                case '\n' -> sb.append("\\n");
                case '\r' -> sb.append("\\r");
                case '\t' -> sb.append("\\t");
                default -> {
                    if (c < 0x20) sb.append(String.format(Locale.ROOT, "\\u%04x", (int) c));
                    else sb.append(c);
                }
            }
        }
        return sb.append('"').toString();
    }
}
