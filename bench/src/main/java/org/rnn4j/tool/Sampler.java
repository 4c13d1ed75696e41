package org.rnn4j.tool;

import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Warm-up by time until the timings settle, then timed samples: the one timing loop of {@code bench} and of every
 * peer that runs in this JVM ({@code bench/peers/torch_bench.py} implements the same rules in Python).
 *
 * <p>Warm-up calls are grouped in windows of at least {@value #WINDOW_CALLS} calls and
 * {@value #WINDOW_SECONDS} s. A window is <em>flat</em> when its median is no more than {@code settlePercent}
 * below the best median of the windows before it (it did not improve on them by more than that); the timings
 * have <em>settled</em> when the last two windows are flat (so at least three windows ran). Warm-up ends when
 * at least {@code minWarmupCalls} calls and {@code minWarmupSeconds} have passed and the timings have settled,
 * or, settled or not, when {@code maxWarmupSeconds} have passed (and the minimum calls ran). Then
 * {@code samples} calls are timed one by one with {@link System#nanoTime()}.
 */
final class Sampler {
    /** Fewest calls in a warm-up window. */
    static final int WINDOW_CALLS = 5;
    /** Shortest warm-up window, in seconds. */
    static final double WINDOW_SECONDS = 0.2;

    private Sampler() {}

    /** How long to warm up and how many samples to take. */
    record Settings(int minWarmupCalls, double minWarmupSeconds, double maxWarmupSeconds, double settlePercent,
                    int samples) {
        /** The options a child process (the PyTorch runner, a child JVM) is given to time the same way. */
        List<String> asOptions() {
            return List.of("--warmup", Integer.toString(minWarmupCalls),
                    "--warmup-time", Double.toString(minWarmupSeconds),
                    "--warmup-max", Double.toString(maxWarmupSeconds),
                    "--settle", Double.toString(settlePercent),
                    "--samples", Integer.toString(samples));
        }
    }

    /**
     * The timed samples (ms, in call order) and how the warm-up went. {@code jitMsWarmup}/{@code jitMsSamples}:
     * milliseconds the JIT compilers spent during each phase (-1 when the JVM does not say).
     */
    record Measurement(double[] samplesMs, int warmupCalls, double warmupSeconds, boolean settled,
                       List<Double> windowMediansMs, long jitMsWarmup, long jitMsSamples) {
        SampleStats stats() {
            return SampleStats.of(samplesMs);
        }
    }

    /** One timed call; may throw (e.g. ONNX Runtime's checked exception). */
    @FunctionalInterface
    interface Call {
        void run() throws Exception;
    }

    static Measurement measure(Settings s, Call call) throws Exception {
        CompilationMXBean jit = ManagementFactory.getCompilationMXBean();
        boolean jitTimed = jit != null && jit.isCompilationTimeMonitoringSupported();
        long jit0 = jitTimed ? jit.getTotalCompilationTime() : 0;

        long start = System.nanoTime();
        long windowStart = start;
        double[] window = new double[64];
        int inWindow = 0;
        List<Double> medians = new ArrayList<>();
        int calls = 0;
        boolean settled = false;
        long now = start;
        while (true) {
            long t0 = System.nanoTime();
            call.run();
            now = System.nanoTime();
            calls++;
            if (inWindow == window.length) window = Arrays.copyOf(window, 2 * window.length);
            window[inWindow++] = (now - t0) / 1e6;
            if (inWindow >= WINDOW_CALLS && (now - windowStart) / 1e9 >= WINDOW_SECONDS) {
                medians.add(SampleStats.quantile(sorted(window, inWindow), 0.5));
                inWindow = 0;
                windowStart = now;
                settled = isSettled(medians, s.settlePercent());
            }
            double elapsed = (now - start) / 1e9;
            if (calls >= s.minWarmupCalls()) {
                if (settled && elapsed >= s.minWarmupSeconds()) break;
                if (elapsed >= s.maxWarmupSeconds()) break;
            }
        }
        double warmupSeconds = (now - start) / 1e9;
        long jit1 = jitTimed ? jit.getTotalCompilationTime() : 0;

        double[] ms = new double[s.samples()];
        for (int i = 0; i < ms.length; i++) {
            long t0 = System.nanoTime();
            call.run();
            long t1 = System.nanoTime();
            ms[i] = (t1 - t0) / 1e6;
        }
        long jit2 = jitTimed ? jit.getTotalCompilationTime() : 0;
        return new Measurement(ms, calls, warmupSeconds, settled, List.copyOf(medians),
                jitTimed ? jit1 - jit0 : -1, jitTimed ? jit2 - jit1 : -1);
    }

    /**
     * Whether a sequence of window medians has settled: at least three windows, and each of the last two is no
     * more than {@code settlePercent}% below the best median of the windows before it.
     */
    static boolean isSettled(List<Double> windowMedians, double settlePercent) {
        int n = windowMedians.size();
        if (n < 3) return false;
        return flat(windowMedians, n - 1, settlePercent) && flat(windowMedians, n - 2, settlePercent);
    }

    private static boolean flat(List<Double> m, int j, double settlePercent) {
        double best = Double.POSITIVE_INFINITY;
        for (int i = 0; i < j; i++) best = Math.min(best, m.get(i));
        return m.get(j) >= best * (1 - settlePercent / 100);
    }

    private static double[] sorted(double[] a, int n) {
        double[] s = Arrays.copyOf(a, n);
        Arrays.sort(s);
        return s;
    }
}
