package org.rnn4j.tool;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.rnn4j.DType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peer peak}: the FMA peak the Java Vector API reaches on this machine ({@link PeakProbe}), per thread count.
 */
@Command(name = "peak",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Machine-peak probe: register-resident FMA loops (12 independent accumulators) on the preferred "
                + "Vector API species, in 1..K threads at once (one loop per thread); prints a bench-style line per "
                + "thread count:",
                "bench: backend=peak op=fma dtype=f32 threads=K median_ms=.. gflops=.. min_ms=.. q1_ms=.. q3_ms=.. "
                        + "max_ms=.. samples=.. warmup_calls=.. warmup_s=.. settled=.. bits=512",
                "gflops is the total of all threads, at the median call."})
final class PeakPeer implements Callable<Integer> {
    /** FMA-loop iterations per thread and call by default: a few milliseconds. */
    static final long ITERATIONS = 1L << 21;

    @Spec
    CommandSpec spec;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32", converter = Converters.DTypes.class,
            description = "Data type (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--threads", paramLabel = "K",
            description = "Largest thread count; every count 1..K is measured (default: the processors available, "
                    + "to the JVM).", defaultValue = "0")
    int threads;

    @Option(names = "--only", description = "Measure K threads only, not 1..K.")
    boolean only;

    @Option(names = "--iterations", paramLabel = "I", defaultValue = "2097152",
            description = "Iterations of the loop per thread and call (default: ${DEFAULT-VALUE}, a few milliseconds).")
    long iterations;

    @Mixin
    TimingOptions timing;

    @Override
    public Integer call() {
        Sampler.Settings t = timing.settings();
        int k = threads == 0 ? Runtime.getRuntime().availableProcessors() : threads;
        validate(spec, k);
        PrintWriter out = spec.commandLine().getOut();
        List<String> lines = new ArrayList<>();
        if (iterations < 1) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--iterations': expected >= 1 "
                    + "but was " + iterations);
        }
        for (int n = only ? k : 1; n <= k; n++) lines.add(run(dtype, n, iterations, t, out));
        for (String l : lines) out.println(l);
        out.flush();
        return 0;
    }

    static void validate(CommandSpec spec, int threads) {
        if (threads < 1 || threads > 4096) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--threads': expected 1..4096 "
                    + "but was " + threads);
        }
        if (!VectorSupport.available()) {
            throw new ToolException("peer peak: " + VectorSupport.describe());
        }
    }

    /** Measures {@code threads} concurrent FMA loops; returns the bench line. */
    static String run(DType dtype, int threads, long iterations, Sampler.Settings t, PrintWriter out) {
        if (!VectorSupport.available()) throw new ToolException("peer peak: " + VectorSupport.describe());
        boolean f64 = dtype == DType.F64;
        double flops = threads * PeakProbe.flops(f64, iterations);
        int bits = PeakProbe.bits(f64);
        out.println(String.format(Locale.ROOT, "benchmark: FMA peak, %s, %d-bit Vector API species, %d accumulators, "
                        + "%d thread%s", dtype.numpyName(), bits, PeakProbe.ACCUMULATORS, threads, threads == 1 ? "" : "s"));
        out.println(BenchCommand.timingSummary(t));
        out.flush();
        Sampler.Measurement m;
        ExecutorService pool = Executors.newFixedThreadPool(threads, r -> {
            Thread th = new Thread(r, "rnn4j-peak");
            th.setDaemon(true);
            return th;
        });
        try {
            List<Callable<Double>> tasks = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                double seed = i;
                tasks.add(() -> PeakProbe.run(f64, iterations, seed));
            }
            double[] sink = {0};
            m = Sampler.measure(t, () -> {
                for (Future<Double> f : pool.invokeAll(tasks)) sink[0] += f.get();
            });
            if (Double.isNaN(sink[0])) out.println("  (checksum NaN)");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ToolException("peer peak: interrupted", e);
        } catch (ExecutionException e) {
            throw new ToolException("peer peak: " + e.getCause(), e);
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new ToolException("peer peak: " + e, e);
        } finally {
            pool.shutdownNow();
        }
        BenchLine.describe(out, m, flops);
        out.flush();
        Map<String, String> id = new LinkedHashMap<>();
        id.put("backend", "peak");
        id.put("op", "fma");
        id.put("dtype", Converters.shortName(dtype));
        id.put("threads", Integer.toString(threads));
        return BenchLine.format(id, m, flops, Map.of("bits", Integer.toString(bits)));
    }
}
