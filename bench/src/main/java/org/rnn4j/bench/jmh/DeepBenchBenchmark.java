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
 * Four of Baidu DeepBench's RNN training problems ({@code code/kernels/rnn_problems.h}, {@code training_set}; see
 * {@link Shapes}): DB1 LSTM H=512 N=64 T=25, DB2 LSTM H=1024 N=32 T=25, DB3 LSTM H=256 N=64 T=150, DB4 vanilla
 * (tanh) RNN H=1760 N=16 T=50, input size = hidden size as in DeepBench, forward + backward by default. {@code
 * cell=deepbench} runs the cell DeepBench names for the shape; any cell name runs that cell instead.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class DeepBenchBenchmark {
    @Param({"vector", "native"})
    public String backend;

    @Param({"deepbench"})
    public String cell;

    @Param({"fwdbwd"})
    public String mode;

    @Param({"f32"})
    public String dtype;

    @Param({"1"})
    public int threads;

    @Param({"DB1", "DB2", "DB3", "DB4"})
    public String shape;

    private RnnBench bench;
    private Runnable call;

    @Setup(Level.Trial)
    public void setup() {
        bench = new RnnBench(backend, cell, mode, dtype, threads, shape);
        call = bench.call;
    }

    @Benchmark
    public void run() {
        call.run();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (bench != null) bench.close();
    }
}
