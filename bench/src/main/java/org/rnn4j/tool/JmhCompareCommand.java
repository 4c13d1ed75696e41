package org.rnn4j.tool;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/**
 * {@code jmh-compare}: two JMH result files (baseline and new; plain JMH JSON or {@code jmh-record} baselines),
 * benchmark by benchmark. When both record the same CPU model the absolute scores are compared (ms/op); otherwise
 * only each benchmark's GFLOP/s as a fraction of the OpenBLAS SGEMM roofline in the same file (same threads), since
 * absolute numbers of two CPUs say nothing about the code. A difference is "beyond the error bars" when the two
 * 99.9% confidence intervals JMH reports ({@code score ± scoreError}) do not overlap; for roofline ratios the
 * relative errors of the benchmark and of its roofline add up.
 */
@Command(name = "jmh-compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Compares two JMH result files (JMH's -rf json, or baselines written by jmh-record) benchmark by "
                + "benchmark: baseline, new, new/baseline, and whether the difference is beyond the error bars (the "
                + "two score +- scoreError intervals do not overlap).",
                "Absolute scores (ms/op) are compared only when both files record the same CPU model; otherwise each "
                        + "benchmark's GFLOP/s divided by the OpenBLAS SGEMM roofline (GemmBenchmark impl=openblas "
                        + "dtype=f32, same threads) of its own file."})
final class JmhCompareCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "BASELINE", description = "The baseline results.")
    Path baseline;

    @Parameters(index = "1", paramLabel = "NEW", description = "The new results.")
    Path current;

    @Option(names = "--ratios", description = "Compare roofline ratios even when the CPU models match.")
    boolean forceRatios;

    @Option(names = "--fail-slower", description = "Exit 1 when a benchmark is slower beyond the error bars.")
    boolean failSlower;

    /** One compared benchmark. */
    record Row(String key, double base, double baseErr, double now, double nowErr, String verdict) {
        double ratio() {
            return now / base;
        }
    }

    enum Basis { ABSOLUTE, ROOFLINE }

    @Override
    public Integer call() {
        JmhResults a = JmhResults.read(baseline), b = JmhResults.read(current);
        PrintWriter out = spec.commandLine().getOut();
        Basis basis = basis(a, b, forceRatios);
        out.println("jmh-compare: baseline " + baseline + " (CPU " + orUnknown(a.cpuModel()) + "), new " + current
                + " (CPU " + orUnknown(b.cpuModel()) + ")");
        out.println(basis == Basis.ABSOLUTE
                ? "  the same CPU model: absolute scores compared (ms/op; new/base > 1 is slower)"
                : "  " + (a.cpuModel() == null || b.cpuModel() == null ? "a CPU model is not recorded"
                        : forceRatios ? "--ratios" : "different CPU models")
                        + ": GFLOP/s / OpenBLAS SGEMM roofline of the same file compared (new/base < 1 is slower)");
        List<Row> rows = compare(a, b, basis);
        out.println(String.format(Locale.ROOT, "%-92s %21s %21s %9s  %s", "benchmark",
                basis == Basis.ABSOLUTE ? "baseline" : "baseline ratio", basis == Basis.ABSOLUTE ? "new" : "new ratio",
                "new/base", "difference"));
        int slower = 0, faster = 0, within = 0, unknown = 0;
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "%-92s %21s %21s %9s  %s", r.key(), pm(r.base(), r.baseErr()),
                    pm(r.now(), r.nowErr()), Double.isNaN(r.ratio()) ? "-" : String.format(Locale.ROOT, "%.3f", r.ratio()),
                    r.verdict()));
            switch (r.verdict().split(" ")[0]) {
                case "SLOWER" -> slower++;
                case "faster" -> faster++;
                case "within" -> within++;
                default -> unknown++;
            }
        }
        List<String> onlyA = only(a, b), onlyB = only(b, a);
        out.println(String.format(Locale.ROOT, "jmh-compare: %d compared: %d slower beyond the error bars, %d faster "
                        + "beyond them, %d within them, %d without error bars or roofline; %d only in the baseline, %d "
                        + "only in the new file", rows.size(), slower, faster, within, unknown, onlyA.size(),
                onlyB.size()));
        for (String k : onlyA) out.println("  only in the baseline: " + k);
        for (String k : onlyB) out.println("  only in the new file: " + k);
        out.flush();
        return failSlower && slower > 0 ? 1 : 0;
    }

    static Basis basis(JmhResults a, JmhResults b, boolean forceRatios) {
        boolean same = a.cpuModel() != null && a.cpuModel().equals(b.cpuModel());
        return same && !forceRatios ? Basis.ABSOLUTE : Basis.ROOFLINE;
    }

    /** The rows for the benchmarks both files have, in the baseline's order. */
    static List<Row> compare(JmhResults a, JmhResults b, Basis basis) {
        Map<String, JmhResults.Entry> nb = new LinkedHashMap<>();
        for (JmhResults.Entry e : b.entries()) nb.put(e.key(), e);
        List<Row> rows = new ArrayList<>();
        for (JmhResults.Entry ea : a.entries()) {
            JmhResults.Entry eb = nb.get(ea.key());
            if (eb == null) continue;
            if (basis == Basis.ABSOLUTE) {
                String v;
                if (!ea.unit().equals(eb.unit())) {
                    v = "units differ (" + ea.unit() + ", " + eb.unit() + ")";
                    rows.add(new Row(ea.key(), ea.score(), ea.error(), eb.score(), eb.error(), v));
                    continue;
                }
                boolean higherIsBetter = ea.unit().startsWith("ops/");
                v = verdict(ea.score(), ea.error(), eb.score(), eb.error(), higherIsBetter);
                rows.add(new Row(ea.key(), ea.score(), ea.error(), eb.score(), eb.error(), v));
            } else {
                double[] ra = rooflineRatio(a, ea), rb = rooflineRatio(b, eb);
                String v = ra == null || rb == null ? "no roofline (GemmBenchmark impl=openblas dtype=f32 threads="
                        + ea.threads() + ") in " + (ra == null ? "the baseline" : "the new file")
                        : verdict(ra[0], ra[1], rb[0], rb[1], true);
                rows.add(new Row(ea.key(), ra == null ? Double.NaN : ra[0], ra == null ? Double.NaN : ra[1],
                        rb == null ? Double.NaN : rb[0], rb == null ? Double.NaN : rb[1], v));
            }
        }
        return rows;
    }

    /**
     * {@code {ratio, error}}: the entry's GFLOP/s over its file's SGEMM roofline at the same threads; the error is
     * the ratio times the sum of both relative errors. Null without a roofline (or for the roofline itself).
     */
    static double[] rooflineRatio(JmhResults file, JmhResults.Entry e) {
        JmhResults.Entry roof = file.roofline(e.threads());
        if (roof == null || roof == e) return null;
        double ratio = e.gflops() / roof.gflops();
        double rel = e.gflopsError() / e.gflops() + roof.gflopsError() / roof.gflops();
        return new double[] {ratio, ratio * rel};
    }

    /**
     * "SLOWER beyond the error bars", "faster beyond the error bars", "within the error bars", or "no error bars"
     * when either error is unknown (a single iteration). The intervals are {@code score ± error}.
     */
    static String verdict(double base, double baseErr, double now, double nowErr, boolean higherIsBetter) {
        if (Double.isNaN(baseErr) || Double.isNaN(nowErr) || Double.isNaN(base) || Double.isNaN(now)) {
            return "no error bars (a single iteration?)";
        }
        boolean apart = now - nowErr > base + baseErr || now + nowErr < base - baseErr;
        if (!apart) return "within the error bars";
        boolean better = higherIsBetter ? now > base : now < base;
        return better ? "faster beyond the error bars" : "SLOWER beyond the error bars";
    }

    private static List<String> only(JmhResults x, JmhResults y) {
        List<String> keys = new ArrayList<>();
        java.util.Set<String> other = new java.util.HashSet<>();
        for (JmhResults.Entry e : y.entries()) other.add(e.key());
        for (JmhResults.Entry e : x.entries()) if (!other.contains(e.key())) keys.add(e.key());
        return keys;
    }

    private static String pm(double v, double e) {
        if (Double.isNaN(v)) return "-";
        return Double.isNaN(e) ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.4g ± %.2g", v, e);
    }

    private static String orUnknown(String s) {
        return s == null ? "not recorded" : s;
    }
}
