package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.knowm.xchart.BitmapEncoder;
import org.knowm.xchart.CategoryChart;
import org.knowm.xchart.CategoryChartBuilder;
import org.knowm.xchart.CategorySeries;
import org.knowm.xchart.style.Styler;
import org.rnn4j.bench.jmh.Shapes;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code charts}: the PNG charts of {@code docs/performance.md} (XChart), from a JMH result file (the suite's
 * benchmarks and its GEMM rooflines) and the peers' bench lines ({@code ./rnn4j peer torch|onnxruntime|openblas|peak}
 * output, one file; other lines are ignored):
 * <ul>
 *   <li>{@code gflops-by-shape.png}: LSTM float32, 1 thread, GFLOP/s per backend and mode for shapes A–E beside
 *       PyTorch and ONNX Runtime, with the OpenBLAS SGEMM roofline and the FMA peak as lines;</li>
 *   <li>{@code batch1-latency.png}: batch 1 (shape D), time per step: our forward / T and single steps, PyTorch's
 *       and ONNX Runtime's forward / T, at 1 and 2 threads;</li>
 *   <li>{@code threads.png}: 1 vs 2 threads on shape A (ours, the peers, the roofline, the peak);</li>
 *   <li>{@code dtype.png}: float32 vs float64 on shape A (ours, PyTorch, the GEMMs, the peak);</li>
 *   <li>{@code cells.png}: every cell on shape A, float32, 1 thread (ours and PyTorch where it has the cell).</li>
 * </ul>
 * A chart without any data is not written (and said so).
 */
@Command(name = "charts",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Draws the performance page's PNG charts (XChart) from a JMH result file (./rnn4j jmh -rf json, "
                + "or a jmh-record baseline) and the peers' bench lines (output of ./rnn4j peer torch|onnxruntime|"
                + "openblas|peak collected in one file): gflops-by-shape.png, batch1-latency.png, threads.png, "
                + "dtype.png, cells.png."})
final class ChartsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--jmh", paramLabel = "FILE", required = true, description = "JMH results (JSON).")
    Path jmh;

    @Option(names = "--peers", paramLabel = "FILE", description = "A file of the peers' output (bench lines).")
    Path peers;

    @Option(names = "--out", paramLabel = "DIR", required = true, description = "Directory for the PNG files.")
    Path outDir;

    @Option(names = "--width", defaultValue = "1100", description = "Width in pixels (default: ${DEFAULT-VALUE}).")
    int width;

    @Option(names = "--height", defaultValue = "560", description = "Height in pixels (default: ${DEFAULT-VALUE}).")
    int height;

    /** One figure: a backend or peer measured on one configuration. */
    record Point(String who, String cell, String mode, String dtype, String shape, int threads, double gflops,
                 double ms) {}

    @Override
    public Integer call() {
        System.setProperty("java.awt.headless", "true");
        JmhResults results = JmhResults.read(jmh);
        List<Point> points = new ArrayList<>(fromJmh(results));
        if (peers != null) points.addAll(fromPeers(read(peers)));
        PrintWriter out = spec.commandLine().getOut();
        try {
            Files.createDirectories(outDir);
        } catch (IOException e) {
            throw new ToolException("cannot create " + outDir + ": " + e.getMessage(), e);
        }
        String machine = results.cpuModel() != null ? results.cpuModel().replaceAll(", stepping \\d+", "") : "CPU not recorded";
        int written = 0;
        written += save(out, shapesChart(points, machine), "gflops-by-shape.png");
        written += save(out, latencyChart(points, machine), "batch1-latency.png");
        written += save(out, threadsChart(points, machine), "threads.png");
        written += save(out, dtypeChart(points, machine), "dtype.png");
        written += save(out, cellsChart(points, machine), "cells.png");
        out.println("charts: " + written + " chart(s) written to " + outDir);
        out.flush();
        return written > 0 ? 0 : 1;
    }

    private static String read(Path p) {
        try {
            return Files.readString(p, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolException("cannot read " + p + ": " + e.getMessage(), e);
        }
    }

    // ---------------------------------------------------------------- data

    /** The JMH results as points: RNN benchmarks by backend; GEMMs as "openblas"/"vector-gemm". */
    static List<Point> fromJmh(JmhResults r) {
        List<Point> out = new ArrayList<>();
        for (JmhResults.Entry e : r.entries()) {
            double ms = JmhResults.secondsPerOp(e.score(), e.unit()) * 1e3;
            if (e.benchmark().startsWith("GemmBenchmark")) {
                String who = "openblas".equals(e.param("impl")) ? "openblas" : "vector-gemm";
                out.add(new Point(who, "gemm", "gemm", e.param("dtype"), "gemm" + e.param("size"), e.threads(), e.gflops(),
                        ms));
            } else if (e.param("backend") != null && e.param("shape") != null) {
                Shapes.Shape s = Shapes.parse(e.param("shape"));
                String cell = "deepbench".equals(e.param("cell")) ? s.deepBenchCell() : e.param("cell");
                out.add(new Point(e.param("backend"), cell, e.param("mode"), e.param("dtype"), s.name(), e.threads(),
                        e.gflops(), ms));
            }
        }
        return out;
    }

    /** Bench lines of the peers (torch, onnxruntime, openblas, peak); the shape named when it is one of Shapes'. */
    static List<Point> fromPeers(String text) {
        List<Point> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            Map<String, String> f = BenchLine.parse(line.trim());
            if (f == null) continue;
            String who = f.get("backend");
            double g = Double.parseDouble(f.get("gflops")), ms = Double.parseDouble(f.get("median_ms"));
            int threads = Integer.parseInt(f.getOrDefault("threads", "1"));
            switch (who) {
                case "openblas" -> out.add(new Point("openblas", "gemm", "gemm", f.get("dtype"), "gemm" + f.get("M"), threads,
                        g, ms));
                case "peak" -> out.add(new Point("peak", "fma", "peak", f.get("dtype"), "-", threads, g, ms));
                default -> {
                    if (!f.containsKey("T")) continue;
                    String tnih = f.get("T") + "," + f.get("N") + "," + f.get("I") + "," + f.get("H");
                    String shape = tnih;
                    for (Shapes.Shape s : Shapes.named().values()) if (s.tnih().equals(tnih)) shape = s.name();
                    out.add(new Point(who, f.get("cell"), f.get("mode"), f.get("dtype"), shape, threads, g, ms));
                }
            }
        }
        return out;
    }

    private static Double find(List<Point> points, String who, String cell, String mode, String dtype, String shape,
                               int threads, boolean ms) {
        for (Point p : points) {
            if (p.who().equals(who) && (cell == null || cell.equals(p.cell())) && mode.equals(p.mode())
                    && dtype.equals(p.dtype()) && (shape == null || shape.equals(p.shape())) && p.threads() == threads) {
                return ms ? p.ms() : p.gflops();
            }
        }
        return null;
    }

    /** The backends (not peers, not GEMMs) in the points, in order. */
    private static List<String> backends(List<Point> points) {
        Set<String> b = new LinkedHashSet<>();
        for (Point p : points) {
            if (!Set.of("torch", "onnxruntime", "openblas", "peak", "vector-gemm").contains(p.who())) b.add(p.who());
        }
        return new ArrayList<>(b);
    }

    private static Double roofline(List<Point> points, String dtype, int threads) {
        Double best = null;
        for (Point p : points) {
            if (p.who().equals("openblas") && p.dtype().equals(dtype) && p.threads() == threads) {
                best = best == null ? p.gflops() : Math.max(best, p.gflops());
            }
        }
        return best;
    }

    private static Double peak(List<Point> points, String dtype, int threads) {
        return find(points, "peak", null, "peak", dtype, null, threads, false);
    }

    // ---------------------------------------------------------------- charts

    /** Bars (series × categories, null = no data) plus optional line series, as an XChart category chart. */
    private final class Figure {
        final String title;
        final String yTitle;
        String pattern = "#,##0";
        final List<String> categories = new ArrayList<>();
        final Map<String, Map<String, Double>> bars = new LinkedHashMap<>();
        final Map<String, Map<String, Double>> lines = new LinkedHashMap<>();

        Figure(String title, String yTitle) {
            this.title = title;
            this.yTitle = yTitle;
        }

        void bar(String series, String category, Double v) {
            put(bars, series, category, v);
        }

        void line(String series, String category, Double v) {
            put(lines, series, category, v);
        }

        private void put(Map<String, Map<String, Double>> m, String series, String category, Double v) {
            if (!categories.contains(category)) categories.add(category);
            m.computeIfAbsent(series, k -> new LinkedHashMap<>()).put(category, v);
        }

        /** The chart, or null when no bar has a value. */
        CategoryChart build() {
            List<String> cats = new ArrayList<>();
            for (String c : categories) {
                boolean any = false;
                for (Map<String, Double> s : bars.values()) if (s.get(c) != null) any = true;
                if (any) cats.add(c);
            }
            if (cats.isEmpty()) return null;
            CategoryChart chart = new CategoryChartBuilder().width(width).height(height).title(title)
                    .xAxisTitle("").yAxisTitle(yTitle).build();
            chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideS);
            chart.getStyler().setLegendLayout(Styler.LegendLayout.Horizontal);
            chart.getStyler().setAvailableSpaceFill(0.85);
            chart.getStyler().setLabelsVisible(true);
            chart.getStyler().setLabelsRotation(90);
            chart.getStyler().setLabelsFontColorAutomaticEnabled(false);
            chart.getStyler().setYAxisMin(0.0);
            chart.getStyler().setYAxisDecimalPattern(pattern);
            chart.getStyler().setChartTitleFont(chart.getStyler().getChartTitleFont().deriveFont(15f));
            // Many categories: slanted names, which would overlap side by side; many series: the legend in a column
            // on the right, since one row would run past the image's edge.
            if (cats.size() > 6) chart.getStyler().setXAxisLabelRotation(20);
            if (bars.size() + lines.size() > 6) {
                chart.getStyler().setLegendPosition(Styler.LegendPosition.OutsideE);
                chart.getStyler().setLegendLayout(Styler.LegendLayout.Vertical);
            }
            for (Map.Entry<String, Map<String, Double>> s : bars.entrySet()) add(chart, s.getKey(), s.getValue(), cats, false);
            for (Map.Entry<String, Map<String, Double>> s : lines.entrySet()) add(chart, s.getKey(), s.getValue(), cats, true);
            return chart;
        }

        private void add(CategoryChart chart, String name, Map<String, Double> values, List<String> cats, boolean line) {
            List<Double> y = new ArrayList<>();
            boolean any = false;
            for (String c : cats) {
                Double v = values.get(c);
                if (v != null && Double.isNaN(v)) v = null;
                any |= v != null;
                y.add(v);
            }
            if (!any) return;
            if (line) {
                // A reference level across the categories: the same value everywhere (the largest one seen).
                double level = y.stream().filter(java.util.Objects::nonNull).mapToDouble(Double::doubleValue).max()
                        .orElse(0);
                y.replaceAll(v -> level);
            }
            CategorySeries s = chart.addSeries(name, cats, y);
            if (line) {
                s.setChartCategorySeriesRenderStyle(CategorySeries.CategorySeriesRenderStyle.Line);
                s.setMarker(org.knowm.xchart.style.markers.SeriesMarkers.NONE);
            }
        }
    }

    private static String label(String who) {
        return switch (who) {
            case "torch" -> "PyTorch";
            case "onnxruntime" -> "ONNX Runtime";
            case "openblas" -> "OpenBLAS GEMM";
            case "vector-gemm" -> "vector GEMM";
            case "peak" -> "FMA peak";
            default -> who;
        };
    }

    private static String modeLabel(String mode) {
        return switch (mode) {
            case "fwd" -> "fwd";
            case "fwdbwd" -> "fwd+bwd";
            default -> mode;
        };
    }

    CategoryChart shapesChart(List<Point> points, String machine) {
        Figure f = new Figure("LSTM float32, 1 thread: GFLOP/s by shape — " + machine, "GFLOP/s");
        List<String> shapes = List.of("A", "B", "C", "D", "E");
        for (String b : backends(points)) {
            for (String mode : List.of("fwd", "fwdbwd")) {
                for (String s : shapes) f.bar(b + " " + modeLabel(mode), s, find(points, b, "lstm", mode, "f32", s, 1, false));
            }
        }
        for (String s : shapes) {
            f.bar("PyTorch fwd+bwd", s, find(points, "torch", "lstm", "fwdbwd", "f32", s, 1, false));
            f.bar("PyTorch fwd", s, find(points, "torch", "lstm", "fwd", "f32", s, 1, false));
            f.bar("ONNX Runtime fwd", s, find(points, "onnxruntime", "lstm", "fwd", "f32", s, 1, false));
            f.line("OpenBLAS SGEMM", s, roofline(points, "f32", 1));
            f.line("FMA peak", s, peak(points, "f32", 1));
        }
        return f.build();
    }

    CategoryChart latencyChart(List<Point> points, String machine) {
        Figure f = new Figure("Batch 1 (shape D), LSTM float32: ms per step, lower is better — " + machine,
                "ms per step");
        f.pattern = "0.###";
        Shapes.Shape d = Shapes.parse("D");
        for (int t : List.of(1, 2)) {
            String cat = t + " thread" + (t == 1 ? "" : "s");
            for (String b : backends(points)) {
                Double fwd = find(points, b, "lstm", "fwd", "f32", "D", t, true);
                f.bar(b + " fwd (per step)", cat, fwd == null ? null : fwd / d.T());
                f.bar(b + " single step", cat, find(points, b, "lstm", "step", "f32", "D", t, true));
            }
            Double torch = find(points, "torch", "lstm", "fwd", "f32", "D", t, true);
            f.bar("PyTorch fwd (per step)", cat, torch == null ? null : torch / d.T());
            Double ort = find(points, "onnxruntime", "lstm", "fwd", "f32", "D", t, true);
            f.bar("ONNX Runtime fwd (per step)", cat, ort == null ? null : ort / d.T());
        }
        return f.build();
    }

    CategoryChart threadsChart(List<Point> points, String machine) {
        Figure f = new Figure("1 vs 2 threads, LSTM float32, shape A — " + machine, "GFLOP/s");
        for (int t : List.of(1, 2)) {
            String series = t + " thread" + (t == 1 ? "" : "s");
            for (String b : backends(points)) {
                f.bar(series, b + " fwd", find(points, b, "lstm", "fwd", "f32", "A", t, false));
                f.bar(series, b + " fwd+bwd", find(points, b, "lstm", "fwdbwd", "f32", "A", t, false));
            }
            f.bar(series, "PyTorch fwd+bwd", find(points, "torch", "lstm", "fwdbwd", "f32", "A", t, false));
            f.bar(series, "ONNX Runtime fwd", find(points, "onnxruntime", "lstm", "fwd", "f32", "A", t, false));
            f.bar(series, "vector GEMM 2048³", find(points, "vector-gemm", "gemm", "gemm", "f32", null, t, false));
            f.bar(series, "OpenBLAS SGEMM 2048³", roofline(points, "f32", t));
            f.bar(series, "FMA peak", peak(points, "f32", t));
        }
        return f.build();
    }

    CategoryChart dtypeChart(List<Point> points, String machine) {
        Figure f = new Figure("float32 vs float64, LSTM shape A, 1 thread — " + machine, "GFLOP/s");
        for (String dt : List.of("f32", "f64")) {
            String series = dt.equals("f32") ? "float32" : "float64";
            for (String b : backends(points)) {
                f.bar(series, b + " fwd", find(points, b, "lstm", "fwd", dt, "A", 1, false));
                f.bar(series, b + " fwd+bwd", find(points, b, "lstm", "fwdbwd", dt, "A", 1, false));
            }
            f.bar(series, "PyTorch fwd+bwd", find(points, "torch", "lstm", "fwdbwd", dt, "A", 1, false));
            f.bar(series, "vector GEMM 2048³", find(points, "vector-gemm", "gemm", "gemm", dt, null, 1, false));
            f.bar(series, "OpenBLAS GEMM 2048³", roofline(points, dt, 1));
            f.bar(series, "FMA peak", peak(points, dt, 1));
        }
        return f.build();
    }

    CategoryChart cellsChart(List<Point> points, String machine) {
        Figure f = new Figure("Every cell, shape A, float32, 1 thread — " + machine, "GFLOP/s");
        List<String> cells = List.of("lstm", "lstm_peephole", "gru", "gru_reset_before", "rnn_tanh", "rnn_relu");
        for (String b : backends(points)) {
            for (String mode : List.of("fwd", "fwdbwd")) {
                for (String c : cells) f.bar(b + " " + modeLabel(mode), c, find(points, b, c, mode, "f32", "A", 1, false));
            }
        }
        for (String c : cells) {
            f.bar("PyTorch fwd+bwd", c, find(points, "torch", c, "fwdbwd", "f32", "A", 1, false));
            f.bar("ONNX Runtime fwd", c, find(points, "onnxruntime", c, "fwd", "f32", "A", 1, false));
        }
        // Only worth a chart when more than one cell was measured.
        long measuredCells = cells.stream().filter(c -> points.stream().anyMatch(p -> c.equals(p.cell())
                && backends(points).contains(p.who()) && "A".equals(p.shape()))).count();
        return measuredCells > 1 ? f.build() : null;
    }

    private int save(PrintWriter out, CategoryChart chart, String name) {
        if (chart == null) {
            out.println("  " + name + ": no data in the inputs, not written");
            return 0;
        }
        Path file = outDir.resolve(name);
        try {
            BitmapEncoder.saveBitmap(chart, file.toString(), BitmapEncoder.BitmapFormat.PNG);
        } catch (IOException e) {
            throw new ToolException("cannot write " + file + ": " + e.getMessage(), e);
        }
        out.println("  wrote " + file);
        return 1;
    }
}
