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
 * One RNN call per operation, over backend, cell, mode, dtype, threads and the named shapes A–E ({@link Shapes}):
 * {@code fwd} an inference forward, {@code fwdbwd} a training forward and its backward, {@code step} one inference
 * cell step (the shape's N, I, H). One unidirectional layer, as {@code ./rnn4j bench} (the same data for the same
 * seed, {@link RnnFixture}). Score: ms/op; with {@code -prof org.rnn4j.bench.jmh.GflopsProfiler} (which
 * {@code ./rnn4j jmh} adds) also GFLOP/s by the {@code bench} flop convention.
 *
 * <p>The defaults measure LSTM f32 on one thread; choose others with {@code -p}, e.g.
 * {@code -p cell=lstm,gru,rnn_tanh -p dtype=f32,f64 -p threads=1,2 -p shape=A,D}. {@code backend} defaults to
 * both fast backends; {@code ./rnn4j jmh} replaces that with the ones available, and a backend named with
 * {@code -p backend=...} that is not available fails the run with its reason.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 5, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(value = 3, jvmArgsAppend = {"--add-modules=jdk.incubator.vector", "--enable-native-access=ALL-UNNAMED",
        "-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
public class RnnBenchmark {
    @Param({"vector", "native"})
    public String backend;

    /** lstm, lstm_peephole, gru, gru_reset_before, rnn_tanh, rnn_relu. */
    @Param({"lstm"})
    public String cell;

    /** fwd, fwdbwd or step. */
    @Param({"fwd", "fwdbwd", "step"})
    public String mode;

    @Param({"f32"})
    public String dtype;

    @Param({"1"})
    public int threads;

    /** A..E, DB1..DB4, or TxNxIxH. */
    @Param({"A", "B", "C", "D", "E"})
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
