package org.rnn4j.bench.jmh;

import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.openjdk.jmh.infra.BenchmarkParams;
import org.openjdk.jmh.infra.IterationParams;
import org.openjdk.jmh.profile.InternalProfiler;
import org.openjdk.jmh.results.AggregationPolicy;
import org.openjdk.jmh.results.IterationResult;
import org.openjdk.jmh.results.Result;
import org.openjdk.jmh.results.ScalarResult;

/**
 * GFLOP/s of every iteration, from its primary score (time per operation) and the flops of one operation by the
 * {@code ./rnn4j bench} convention ({@link Flops}): JMH prints it as the secondary result {@code :gflops} (mean over
 * the iterations with its confidence interval), and the JSON has it under {@code secondaryMetrics}.
 *
 * <p>Why a profiler and not {@code @AuxCounters}: the primary score stays ms/op (average-time mode), and in that mode
 * JMH turns an OPERATIONS counter into time per counted unit (ms/flop, not flops/s) and sums EVENTS counters over
 * the iterations, so neither can carry a rate. {@code ./rnn4j jmh} adds
 * {@code -prof org.rnn4j.bench.jmh.GflopsProfiler}; with {@code java -jar benchmarks.jar} add it yourself.
 */
public final class GflopsProfiler implements InternalProfiler {
    @Override
    public String getDescription() {
        return "GFLOP/s per iteration by rnn4j's flop convention (RnnPlan.forwardFlops; fwdbwd 3x; step T=1; GEMM 2*M*N*K)";
    }

    @Override
    public void beforeIteration(BenchmarkParams benchmarkParams, IterationParams iterationParams) {}

    @Override
    public Collection<? extends Result> afterIteration(BenchmarkParams bp, IterationParams ip, IterationResult ir) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String k : bp.getParamsKeys()) params.put(k, bp.getParam(k));
        double flops = Flops.of(bp.getBenchmark(), params);
        if (ir.getRawPrimaryResults().isEmpty()) return List.of(); // the iteration failed: JMH reports why
        double score = ir.getPrimaryResult().getScore();
        double unitSeconds = bp.getTimeUnit().toNanos(1) / 1e9;
        double secondsPerOp = switch (bp.getMode()) {
            case Throughput -> unitSeconds / score;
            default -> score * unitSeconds; // AverageTime, SampleTime, SingleShotTime: time per operation
        };
        if (!(flops > 0) || !(secondsPerOp > 0)) return List.of();
        return List.of(new ScalarResult("gflops", flops / secondsPerOp / 1e9, "GFLOP/s", AggregationPolicy.AVG));
    }
}
