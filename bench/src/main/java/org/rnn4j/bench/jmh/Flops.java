package org.rnn4j.bench.jmh;

import java.util.Map;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;

/**
 * The flop counts of the suite, by the convention of {@code ./rnn4j bench} ({@link RnnPlan#forwardFlops()}):
 * a forward of one layer is {@code 2·T·N·(I + H)·G·H} (G = 4 LSTM, 3 GRU, 1 RNN; the matrix products only),
 * forward + backward counts 3× the forward, a step the forward with T = 1; a GEMM {@code 2·M·N·K}.
 */
public final class Flops {
    private Flops() {}

    /** Flops of one RNN call. {@code mode}: fwd, fwdbwd or step. */
    public static double rnn(Cell cell, String mode, int T, int N, int I, int H) {
        RnnConfig cfg = RnnConfig.builder(cell, I, H).dtype(DType.F32).build();
        return switch (mode) {
            case "fwd" -> new RnnPlan(cfg, T, N).forwardFlops();
            case "fwdbwd" -> 3 * new RnnPlan(cfg, T, N).forwardFlops();
            case "step" -> new RnnPlan(cfg, 1, N).forwardFlops();
            default -> throw new IllegalArgumentException("mode: expected fwd, fwdbwd or step but was '" + mode + "'");
        };
    }

    /** Flops of a square GEMM of {@code size}. */
    public static double gemm(int size) {
        return 2.0 * size * size * size;
    }

    /** The cell a benchmark runs: {@code cell}, or for "deepbench" the cell DeepBench names for the shape. */
    public static Cell cell(String cell, Shapes.Shape shape) {
        if ("deepbench".equals(cell)) {
            if (shape.deepBenchCell() == null) {
                throw new IllegalArgumentException("cell: 'deepbench' needs a DeepBench shape (DB1..DB4) but the shape "
                        + "was " + shape.name());
            }
            return Cell.parse(shape.deepBenchCell());
        }
        return Cell.parse(cell);
    }

    /**
     * Flops of one operation of the benchmark {@code benchmark} (JMH's full name, e.g.
     * {@code org.rnn4j.bench.jmh.RnnBenchmark.run}) with {@code params}, or NaN when it is not one of the suite's.
     */
    public static double of(String benchmark, Map<String, String> params) {
        try {
            if (benchmark.contains("GemmBenchmark")) return gemm(Integer.parseInt(params.get("size")));
            if (params.containsKey("cell") && params.containsKey("mode") && params.containsKey("shape")) {
                Shapes.Shape s = Shapes.parse(params.get("shape"));
                return rnn(cell(params.get("cell"), s), params.get("mode"), s.T(), s.N(), s.I(), s.H());
            }
        } catch (RuntimeException e) {
            return Double.NaN;
        }
        return Double.NaN;
    }
}
