package org.rnn4j.tool;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The one machine-readable line that ends {@code bench} and every peer runner:
 *
 * <pre>
 * bench: backend=B cell=C mode=M dtype=D T=.. N=.. I=.. H=.. threads=K median_ms=X gflops=Y
 *        min_ms=.. q1_ms=.. q3_ms=.. max_ms=.. samples=S warmup_calls=W warmup_s=.. settled=yes|no
 * </pre>
 *
 * (one line). The first fields name what was timed, {@code median_ms} and {@code gflops} (at the median) come
 * next, then the spread of the samples and how the warm-up went; fields are only ever added at the end.
 * {@code bench/peers/torch_bench.py} prints the same format.
 */
final class BenchLine {
    /** Prefix of every bench line. */
    static final String PREFIX = "bench: ";
    private static final Pattern FIELD = Pattern.compile("(\\w+)=(\\S+)");

    private BenchLine() {}

    /** The identity fields of an RNN run, in their fixed order. */
    static Map<String, String> rnnIdentity(String backend, String cell, String mode, String dtype,
                                           Converters.Shape shape, int threads) {
        Map<String, String> id = new LinkedHashMap<>();
        id.put("backend", backend);
        id.put("cell", cell);
        id.put("mode", mode);
        id.put("dtype", dtype);
        id.put("T", Integer.toString(shape.seqLength()));
        id.put("N", Integer.toString(shape.batch()));
        id.put("I", Integer.toString(shape.inputSize()));
        id.put("H", Integer.toString(shape.hiddenSize()));
        id.put("threads", Integer.toString(threads));
        return id;
    }

    /**
     * {@code bench: <identity> median_ms=.. gflops=.. min_ms=.. q1_ms=.. q3_ms=.. max_ms=.. samples=..
     * warmup_calls=.. warmup_s=.. settled=..} followed by {@code extra} fields.
     */
    static String format(Map<String, String> identity, Sampler.Measurement m, double flops, Map<String, String> extra) {
        SampleStats s = m.stats();
        StringBuilder sb = new StringBuilder(PREFIX);
        identity.forEach((k, v) -> sb.append(k).append('=').append(v).append(' '));
        sb.append(String.format(Locale.ROOT, "median_ms=%.4f gflops=%.3f min_ms=%.4f q1_ms=%.4f q3_ms=%.4f "
                        + "max_ms=%.4f samples=%d warmup_calls=%d warmup_s=%.1f settled=%s",
                s.median(), gflops(flops, s.median()), s.min(), s.q1(), s.q3(), s.max(), s.count(), m.warmupCalls(),
                m.warmupSeconds(), m.settled() ? "yes" : "no"));
        extra.forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
        return sb.toString();
    }

    static double gflops(double flops, double ms) {
        return flops / (ms * 1e6);
    }

    /** The fields of a bench line ({@code key=value} pairs in order), or null when {@code line} is not one. */
    static Map<String, String> parse(String line) {
        if (line == null || !line.startsWith(PREFIX)) return null;
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line.substring(PREFIX.length()));
        while (m.find()) out.put(m.group(1), m.group(2));
        return out.containsKey("gflops") && out.containsKey("median_ms") ? out : null;
    }

    /** The {@code key=value} fields of any line, in order (no prefix or required field). */
    static Map<String, String> fields(String line) {
        Map<String, String> out = new LinkedHashMap<>();
        Matcher m = FIELD.matcher(line);
        while (m.find()) out.put(m.group(1), m.group(2));
        return out;
    }

    /** The human-readable lines every runner prints before its bench line. */
    static void describe(java.io.PrintWriter out, Sampler.Measurement m, double flops) {
        SampleStats s = m.stats();
        StringBuilder list = new StringBuilder();
        for (double v : m.samplesMs()) list.append(String.format(Locale.ROOT, " %.4f", v));
        out.println(String.format(Locale.ROOT, "  warm-up: %d calls in %.1f s, %s", m.warmupCalls(), m.warmupSeconds(),
                m.settled() ? "timings settled" : "timings had NOT settled when the warm-up time limit was reached "
                        + "(--warmup-max); the samples may still include JIT or cache warm-up"));
        if (!m.windowMediansMs().isEmpty()) {
            StringBuilder w = new StringBuilder();
            int from = Math.max(0, m.windowMediansMs().size() - 6);
            if (from > 0) w.append(" ...");
            for (int i = from; i < m.windowMediansMs().size(); i++) {
                w.append(String.format(Locale.ROOT, " %.4f", m.windowMediansMs().get(i)));
            }
            out.println("  warm-up window medians (ms):" + w);
        }
        if (m.jitMsWarmup() >= 0) {
            out.println(String.format(Locale.ROOT, "  JIT compile time: %d ms during the warm-up, %d ms during the samples%s",
                    m.jitMsWarmup(), m.jitMsSamples(), m.jitMsSamples() > 50
                            ? " (the JIT was still busy: consider a longer --warmup-time)" : ""));
        }
        out.println("  samples (ms):" + list);
        out.println(String.format(Locale.ROOT, "  median %.4f ms (%.3f GFLOP/s); min %.4f, quartiles %.4f .. %.4f "
                        + "(IQR %.1f%% of the median), max %.4f ms; best %.3f GFLOP/s",
                s.median(), gflops(flops, s.median()), s.min(), s.q1(), s.q3(), s.iqrPercent(), s.max(),
                gflops(flops, s.min())));
    }
}
