package org.rnn4j.tool;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.rnn4j.bench.jmh.Flops;
import org.rnn4j.util.MiniJson;

/**
 * A JMH result file of the suite: JMH's own JSON ({@code -rf json}: an array of benchmark results), or the baseline
 * form {@code {"machine": {...}, "jmh": [...]}} that {@code ./rnn4j jmh-record} writes (the machine: CPU model,
 * family, processors, JDK, OpenBLAS version and core, OS, date, load, command).
 */
record JmhResults(Map<String, Object> machine, List<Entry> entries, String source) {

    /** One benchmark result: its short name ("RnnBenchmark.run"), parameters, primary score and GFLOP/s. */
    record Entry(String benchmark, Map<String, String> params, double score, double error, String unit, double gflops,
                 double gflopsError, double allocNorm, int threads) {
        /** "RnnBenchmark.run backend=vector cell=lstm ..." (parameters sorted by name): the key two files share. */
        String key() {
            StringBuilder sb = new StringBuilder(benchmark);
            new TreeMap<>(params).forEach((k, v) -> sb.append(' ').append(k).append('=').append(v));
            return sb.toString();
        }

        String param(String name) {
            return params.get(name);
        }

        /** Relative half-width of the score's confidence interval (NaN when JMH gave none). */
        double relError() {
            return error / score;
        }
    }

    /** The CPU model recorded in the file, or null (a plain JMH file records none). */
    String cpuModel() {
        Object m = machine == null ? null : machine.get("cpu_model");
        return m == null ? null : m.toString();
    }

    static JmhResults read(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolException("cannot read " + file + ": " + e.getMessage(), e);
        }
        try {
            return parse(text, file.toString());
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ToolException(file + ": not a JMH JSON result file (" + e.getMessage() + ")", e);
        }
    }

    @SuppressWarnings("unchecked")
    static JmhResults parse(String text, String source) {
        Object root = MiniJson.parse(text);
        Map<String, Object> machine = null;
        List<Object> list;
        if (root instanceof Map<?, ?> m) {
            machine = (Map<String, Object>) m.get("machine");
            Object j = m.get("jmh");
            if (!(j instanceof List<?>)) throw new IllegalArgumentException("expected a \"jmh\" array");
            list = (List<Object>) j;
        } else if (root instanceof List<?> l) {
            list = (List<Object>) l;
        } else {
            throw new IllegalArgumentException("expected a JSON array or an object with \"jmh\"");
        }
        List<Entry> entries = new ArrayList<>();
        for (Object o : list) {
            Map<String, Object> e = (Map<String, Object>) o;
            String full = (String) e.get("benchmark");
            Map<String, String> params = new LinkedHashMap<>();
            if (e.get("params") instanceof Map<?, ?> p) p.forEach((k, v) -> params.put(k.toString(), v.toString()));
            Map<String, Object> primary = (Map<String, Object>) e.get("primaryMetric");
            double score = num(primary.get("score"));
            double error = num(primary.get("scoreError"));
            String unit = (String) primary.get("scoreUnit");
            double gflops = Double.NaN, gflopsError = Double.NaN, alloc = Double.NaN;
            if (e.get("secondaryMetrics") instanceof Map<?, ?> sec) {
                // JMH's JSON names profiler results by their labels (its text output prefixes them with "·").
                Object g = sec.containsKey("gflops") ? sec.get("gflops") : sec.get("·gflops");
                if (g instanceof Map<?, ?> gm) {
                    gflops = num(gm.get("score"));
                    gflopsError = num(gm.get("scoreError"));
                }
                Object a = sec.containsKey("gc.alloc.rate.norm") ? sec.get("gc.alloc.rate.norm")
                        : sec.get("·gc.alloc.rate.norm");
                if (a instanceof Map<?, ?> am) alloc = num(am.get("score"));
            }
            if (Double.isNaN(gflops)) {
                // A file written without the profiler: the same figure from the time per operation.
                double flops = Flops.of(full, params);
                double secondsPerOp = secondsPerOp(score, unit);
                gflops = flops / secondsPerOp / 1e9;
                gflopsError = gflops * error / score;
            }
            int dot = full.lastIndexOf('.', full.lastIndexOf('.') - 1);
            String shortName = dot >= 0 ? full.substring(dot + 1) : full;
            int threads = params.containsKey("threads") ? Integer.parseInt(params.get("threads")) : 1;
            entries.add(new Entry(shortName, params, score, error, unit, gflops, gflopsError, alloc, threads));
        }
        return new JmhResults(machine, entries, source);
    }

    /** Seconds per operation of a score in JMH's unit ("ms/op", "us/op", "s/op", "ns/op", "ops/s", ...). */
    static double secondsPerOp(double score, String unit) {
        if (unit == null) return Double.NaN;
        String u = unit.toLowerCase(Locale.ROOT);
        if (u.endsWith("/op")) return score * seconds(u.substring(0, u.length() - 3));
        if (u.startsWith("ops/")) return seconds(u.substring(4)) / score;
        return Double.NaN;
    }

    private static double seconds(String u) {
        return switch (u) {
            case "s" -> 1;
            case "ms" -> 1e-3;
            case "us" -> 1e-6;
            case "ns" -> 1e-9;
            case "min" -> 60;
            default -> Double.NaN;
        };
    }

    static double num(Object o) {
        if (o instanceof Number n) return n.doubleValue();
        if (o instanceof String s) {
            try {
                return Double.parseDouble(s);
            } catch (NumberFormatException e) {
                return Double.NaN;
            }
        }
        return Double.NaN;
    }

    /** The OpenBLAS SGEMM roofline of the file at {@code threads} (the largest size), or null. */
    Entry roofline(int threads) {
        Entry best = null;
        for (Entry e : entries) {
            if (!e.benchmark().startsWith("GemmBenchmark") || !"openblas".equals(e.param("impl"))
                    || !"f32".equals(e.param("dtype")) || e.threads() != threads) continue;
            if (best == null || Integer.parseInt(e.param("size")) > Integer.parseInt(best.param("size"))) best = e;
        }
        return best;
    }
}
