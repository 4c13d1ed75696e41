package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
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
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code bench}: times one configuration on one backend.
 *
 * <p>Flop count (multiply and add counted separately, the matrix products only): one direction of one layer
 * costs {@code 2·T·N·(I_l + H)·G·H} for a forward pass, where {@code I_l} is I for the first layer and D·H above
 * it, G = 4 (LSTM), 3 (GRU), 1 (RNN); a forward is the sum over layers and directions. Forward+backward counts
 * 3× the forward (backward ≈ two products per forward product). {@code step} times one cell step of every
 * layer and direction (the single-step API, no cache) and counts the forward with T = 1.
 *
 * <p>Everything (data, weights, outputs, gradients, workspace) is allocated and filled before timing and reused
 * by every call; the data are uniform random numbers from {@code --seed}.
 */
@Command(name = "bench",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Times forward (fwd), forward+backward (fwdbwd) or one single step (step) of one configuration: "
                + "warm-up calls, then timed samples (System.nanoTime); prints every sample, the median and minimum "
                + "in milliseconds and GFLOP/s.",
                "Flops: a forward is 2*T*N*(I_l+H)*G*H per layer and direction (I_l = I for layer 0, D*H above; "
                        + "G = 4 LSTM, 3 GRU, 1 RNN), forward+backward 3x that, step the forward with T=1.",
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
            description = "fwd (inference forward), fwdbwd (training forward + backward) or step (one cell step of "
                    + "each layer/direction). Valid values: ${COMPLETION-CANDIDATES}.")
    BenchMode mode;

    @Option(names = "--shape", paramLabel = "T,N,I,H", required = true, converter = Converters.Shapes.class,
            description = "Sequence length, batch, input size, hidden size, e.g. 50,32,256,256.")
    Converters.Shape shape;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32", converter = Converters.DTypes.class,
            description = "Data type (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "1",
            description = "Threads the backend may use (default: ${DEFAULT-VALUE}). A backend that cannot use K "
                    + "threads runs single-threaded, says so on stderr and reports threads=1.")
    int threads;

    @Option(names = "--layers", paramLabel = "L", defaultValue = "1", description = "Stacked layers (default: ${DEFAULT-VALUE}).")
    int layers;

    @Option(names = "--bidirectional", description = "Run each layer in both directions.")
    boolean bidirectional;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
            description = "Untimed calls first (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--samples", paramLabel = "S", defaultValue = "10",
            description = "Timed calls, at least 5 (default: ${DEFAULT-VALUE}).")
    int samples;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--json", paramLabel = "FILE", description = "Also write the result as JSON to FILE.")
    Path json;

    /** The measurements. */
    record Result(String backend, Cell cell, BenchMode mode, DType dtype, Converters.Shape shape, int layers,
                  boolean bidirectional, int threads, int warmup, double[] samplesMs, double flops) {
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
        if (warmup < 0) throw usage("--warmup", "expected >= 0 but was " + warmup);
        if (threads < 1) throw usage("--threads", "expected >= 1 but was " + threads);
        if (layers < 1) throw usage("--layers", "expected >= 1 but was " + layers);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        int used = threads;
        RnnBackend b;
        try {
            b = BackendChoice.resolve(spec, backend, BackendOptions.threads(threads));
        } catch (IllegalArgumentException e) {
            if (threads == 1 || e.getMessage() == null || !e.getMessage().startsWith("threads")) {
                throw new ToolException("backend " + backend + ": " + e.getMessage(), e);
            }
            err.println("bench: backend " + backend + " cannot use " + threads + " threads (" + e.getMessage()
                    + "); running it single-threaded and reporting threads=1");
            err.flush();
            used = 1;
            b = BackendChoice.resolve(spec, backend, BackendOptions.threads(1));
        }

        RnnConfig cfg;
        try {
            cfg = RnnConfig.builder(cell, shape.inputSize(), shape.hiddenSize()).layers(layers)
                    .bidirectional(bidirectional).dtype(dtype).build();
        } catch (IllegalArgumentException e) {
            throw new ToolException(e.getMessage(), e);
        }
        double flops = forwardFlops(cfg, mode == BenchMode.step ? 1 : shape.seqLength(), shape.batch());
        if (mode == BenchMode.fwdbwd) flops *= 3;

        out.println(String.format(Locale.ROOT, "benchmark: %s on backend %s, mode %s, %s, T=%d N=%d, %d warm-up + %d "
                        + "timed calls, threads=%d", cfg, b.name(), mode, dtype.numpyName(), shape.seqLength(),
                shape.batch(), warmup, samples, used));
        out.println(String.format(Locale.ROOT, "  flops per call: %.4g (%s)", flops, switch (mode) {
            case fwd -> "forward";
            case fwdbwd -> "3x forward";
            case step -> "forward with T=1";
        }));
        out.flush();

        double[] ms = measure(b, cfg);
        Result r = new Result(b.name(), cell, mode, dtype, shape, layers, bidirectional, used, warmup, ms, flops);
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

    /** Forward flops of {@code cfg} over {@code T} steps and {@code N} samples (see the class comment). */
    static double forwardFlops(RnnConfig cfg, int T, int N) {
        double total = 0;
        int H = cfg.hiddenSize(), G = cfg.gates();
        for (int l = 0; l < cfg.layers(); l++) {
            total += cfg.directions() * 2.0 * T * N * (cfg.layerInputSize(l) + H) * G * H;
        }
        return total;
    }

    // ---------------------------------------------------------------- timing

    private double[] measure(RnnBackend b, RnnConfig cfg) {
        int T = shape.seqLength(), N = shape.batch(), H = cfg.hiddenSize(), rows = cfg.stateRows();
        boolean lstm = cell.hasCellState();
        SplittableRandom rnd = new SplittableRandom(seed);
        try (Arena arena = Arena.ofShared()) {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            for (ParamId id : cfg.parameterIds()) fill(w.get(id), rnd, 1 / Math.sqrt(H));
            long stateElems = (long) rows * N * H;
            try (Rnn rnn = Rnn.create(cfg, w, b)) {
                Runnable op;
                RnnWorkspace ws = null;
                switch (mode) {
                    case fwd, fwdbwd -> {
                        SequenceArgs a = new SequenceArgs().shape(T, N)
                                .input(random(arena, (long) T * N * cfg.inputSize(), rnd))
                                .h0(random(arena, stateElems, rnd)).c0(lstm ? random(arena, stateElems, rnd) : null)
                                .output(zeros(arena, (long) T * N * cfg.outputSize()))
                                .hN(zeros(arena, stateElems)).cN(lstm ? zeros(arena, stateElems) : null);
                        if (mode == BenchMode.fwd) {
                            RnnWorkspace inf = rnn.newWorkspace(Mode.INFERENCE, T, N);
                            ws = inf;
                            op = () -> rnn.forward(a, inf);
                        } else {
                            RnnWorkspace train = rnn.newWorkspace(Mode.TRAINING, T, N);
                            ws = train;
                            GradientArgs g = new GradientArgs()
                                    .gradOutput(random(arena, (long) T * N * cfg.outputSize(), rnd))
                                    .gradHN(random(arena, stateElems, rnd))
                                    .gradCN(lstm ? random(arena, stateElems, rnd) : null)
                                    .gradInput(zeros(arena, (long) T * N * cfg.inputSize()))
                                    .gradH0(zeros(arena, stateElems)).gradC0(lstm ? zeros(arena, stateElems) : null)
                                    .weightGrads(RnnParameters.allocate(cfg, arena));
                            op = () -> {
                                rnn.forward(a, train);
                                rnn.backward(a, g, train);
                            };
                        }
                    }
                    case step -> {
                        int D = cfg.directions();
                        StepArgs[][] steps = new StepArgs[cfg.layers()][D];
                        long nh = (long) N * H;
                        for (int l = 0; l < cfg.layers(); l++) {
                            for (int d = 0; d < D; d++) {
                                steps[l][d] = new StepArgs().batch(N)
                                        .input(random(arena, (long) N * cfg.layerInputSize(l), rnd))
                                        .hPrev(random(arena, nh, rnd)).cPrev(lstm ? random(arena, nh, rnd) : null)
                                        .hNext(zeros(arena, nh)).cNext(lstm ? zeros(arena, nh) : null);
                            }
                        }
                        op = () -> {
                            for (int l = 0; l < steps.length; l++) {
                                for (int d = 0; d < steps[l].length; d++) rnn.stepForward(l, d, steps[l][d]);
                            }
                        };
                    }
                    default -> throw new AssertionError(mode);
                }
                try {
                    for (int i = 0; i < warmup; i++) op.run();
                    double[] ms = new double[samples];
                    for (int i = 0; i < samples; i++) {
                        long t0 = System.nanoTime();
                        op.run();
                        long t1 = System.nanoTime();
                        ms[i] = (t1 - t0) / 1e6;
                    }
                    return ms;
                } finally {
                    if (ws != null) ws.close();
                }
            }
        }
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
            double v = scale * (2 * rnd.nextDouble() - 1);
            if (dtype == DType.F64) s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, v);
            else s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) v);
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
        field(sb, "layers", Integer.toString(r.layers()));
        field(sb, "bidirectional", Boolean.toString(r.bidirectional()));
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
