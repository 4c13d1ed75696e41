package org.rnn4j.bench.jmh;

import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The roofline next to the RNN benchmarks: a large square GEMM ({@code size}³, 2·size³ flops) at K threads,
 * through OpenBLAS ({@code impl=openblas}: {@link OpenblasGemm}, the project's JavaCPP OpenBLAS; its thread count is
 * the environment's {@code OPENBLAS_NUM_THREADS}, checked against {@code threads}) or the {@code vector} backend's
 * own packed GEMM ({@code impl=vector}: {@link OwnGemm}).
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
public class GemmBenchmark {
    /** openblas (NativeGemm) or vector (GemmF32/GemmF64.multiply). */
    @Param({"openblas", "vector"})
    public String impl;

    @Param({"f32", "f64"})
    public String dtype;

    @Param({"1"})
    public int threads;

    @Param({"2048"})
    public int size;

    private AutoCloseable gemm;
    private Runnable call;

    @Setup(Level.Trial)
    public void setup() {
        boolean f64 = switch (dtype) {
            case "f32" -> false;
            case "f64" -> true;
            default -> throw new IllegalArgumentException("dtype: expected f32 or f64 but was '" + dtype + "'");
        };
        switch (impl) {
            case "openblas" -> {
                OpenblasGemm g = new OpenblasGemm(f64, size, threads, 42);
                gemm = g;
                call = g::run;
            }
            case "vector" -> {
                if (ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) {
                    throw new IllegalStateException("impl=vector: the Vector API (jdk.incubator.vector) is not in this "
                            + "JVM; the benchmark's fork adds it with --add-modules");
                }
                OwnGemm g = new OwnGemm(f64, size, threads, 42);
                gemm = g;
                call = g::run;
            }
            default -> throw new IllegalArgumentException("impl: expected openblas or vector but was '" + impl + "'");
        }
    }

    @Benchmark
    public void gemm() {
        call.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (gemm != null) gemm.close();
    }
}
