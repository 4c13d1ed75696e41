package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GruVariant;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * Contract (i) of docs/contract.md: eight threads sharing one Rnn, each with its own workspace and outputs, get
 * results bitwise equal to the serial ones (sequence and step calls).
 */
public abstract class ThreadsSuite extends BackendSuite {

    static final int THREADS = 8;
    static final int ROUNDS = 4;

    protected ThreadsSuite(BackendUnderTest backend) {
        super(backend);
    }

    @Test
    @Timeout(60)
    void eightThreadsShareOneRnn() throws Exception {
        for (RnnConfig cfg : List.of(
                Kit.config(Cell.lstmWithPeepholes(), 5, 6, 2, true, DType.F32, Layout.TIME_MAJOR),
                Kit.config(Cell.gru(GruVariant.RESET_BEFORE), 4, 5, 2, true, DType.F64, Layout.BATCH_FIRST))) {
            Kit.Net net = Kit.Net.random(cfg, 42);
            try (Rnn rnn = net.rnn(backend)) {
                List<Kit.Problem> problems = new ArrayList<>();
                List<Kit.Result> serial = new ArrayList<>();
                List<double[]> serialStep = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    int T = 3 + i % 4, N = 1 + i % 3;
                    int[] lengths = new int[N];
                    for (int n = 0; n < N; n++) lengths[n] = 1 + (n * 5 + i) % T;
                    Kit.Problem p = Kit.Problem.random(cfg, T, N, i % 2 == 0 ? lengths : null, 100 + i);
                    problems.add(p);
                    serial.add(Kit.run(rnn, p));
                    serialStep.add(stepOnce(rnn, i));
                }
                ExecutorService pool = Executors.newFixedThreadPool(THREADS);
                try {
                    CyclicBarrier start = new CyclicBarrier(THREADS);
                    Map<Integer, Throwable> failures = new ConcurrentHashMap<>();
                    List<Future<?>> fs = new ArrayList<>();
                    for (int i = 0; i < THREADS; i++) {
                        int id = i;
                        fs.add(pool.submit(() -> {
                            try {
                                Kit.Problem p = problems.get(id);
                                try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, p.T, p.N)) {
                                    start.await(30, TimeUnit.SECONDS);
                                    for (int round = 0; round < ROUNDS; round++) {
                                        Kit.Result r = Kit.run(rnn, p, Kit.Want.all(), ws);
                                        Kit.assertIdentical("thread " + id + " round " + round, serial.get(id), r);
                                        assertArrayEquals(serialStep.get(id), stepOnce(rnn, id), 0,
                                                "thread " + id + " step");
                                    }
                                }
                            } catch (Throwable t) {
                                failures.put(id, t);
                            }
                            return null;
                        }));
                    }
                    for (Future<?> f : fs) f.get(60, TimeUnit.SECONDS);
                    if (!failures.isEmpty()) {
                        AssertionError e = new AssertionError(cfg + ": " + failures.size() + " thread(s) failed");
                        failures.values().forEach(e::addSuppressed);
                        throw e;
                    }
                } finally {
                    pool.shutdownNow();
                }
            }
        }
    }

    /** A step forward + backward of layer 1, reverse direction; returns hNext, gradInput and gradHPrev. */
    static double[] stepOnce(Rnn rnn, int seed) {
        RnnConfig c = rnn.config();
        DType dt = c.dtype();
        int N = 1 + seed % 3, in = N * c.layerInputSize(1), nh = N * c.hiddenSize();
        boolean lstm = c.cell().hasCellState();
        Random r = new Random(seed);
        MemorySegment h = Kit.filled(nh, dt, Double.NaN);
        StepArgs s = new StepArgs().batch(N).input(Kit.seg(Kit.random(r, in, 1), dt))
                .hPrev(Kit.seg(Kit.random(r, nh, 1), dt)).cPrev(lstm ? Kit.seg(Kit.random(r, nh, 1), dt) : null)
                .hNext(h);
        MemorySegment gi = Kit.filled(in, dt, Double.NaN), gh = Kit.filled(nh, dt, Double.NaN);
        try (StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N)) {
            rnn.stepForward(1, 1, s, ws);
            rnn.stepBackward(1, 1, s, new StepGradients().gradHNext(Kit.seg(Kit.random(r, nh, 1), dt)).gradInput(gi)
                    .gradHPrev(gh), ws);
        }
        double[] a = Kit.read(h, dt), b = Kit.read(gi, dt), d = Kit.read(gh, dt);
        double[] out = new double[a.length + b.length + d.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(d, 0, out, a.length + b.length, d.length);
        return out;
    }
}
