package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.rnn4j.Backends;
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
import org.rnn4j.reference.ReferenceBackend;

/**
 * (i) Eight threads sharing one Rnn, each with its own workspace and outputs, get results bitwise equal to the
 * serial ones (sequence and step calls). (j) Backends: the list names reference (available), vector and native
 * (with the reason when unavailable); every unavailable backend fails with exactly that reason.
 */
class ThreadsAndBackendsContractTest {

    static final int THREADS = 8;
    static final int ROUNDS = 4;

    @Test
    @Timeout(60)
    void eightThreadsShareOneRnn() throws Exception {
        for (RnnConfig cfg : List.of(
                Ref.config(Cell.lstmWithPeepholes(), 5, 6, 2, true, DType.F32, Layout.TIME_MAJOR),
                Ref.config(Cell.gru(GruVariant.RESET_BEFORE), 4, 5, 2, true, DType.F64, Layout.BATCH_FIRST))) {
            Ref.Net net = Ref.Net.random(cfg, 42);
            try (Rnn rnn = net.rnn()) {
                List<Ref.Problem> problems = new ArrayList<>();
                List<Ref.Result> serial = new ArrayList<>();
                List<double[]> serialStep = new ArrayList<>();
                for (int i = 0; i < THREADS; i++) {
                    int T = 3 + i % 4, N = 1 + i % 3;
                    int[] lengths = new int[N];
                    for (int n = 0; n < N; n++) lengths[n] = 1 + (n * 5 + i) % T;
                    Ref.Problem p = Ref.Problem.random(cfg, T, N, i % 2 == 0 ? lengths : null, 100 + i);
                    problems.add(p);
                    serial.add(Ref.run(rnn, p));
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
                                Ref.Problem p = problems.get(id);
                                try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, p.T, p.N)) {
                                    start.await(30, TimeUnit.SECONDS);
                                    for (int round = 0; round < ROUNDS; round++) {
                                        Ref.Result r = Ref.run(rnn, p, Ref.Want.all(), ws);
                                        Ref.assertIdentical("thread " + id + " round " + round, serial.get(id), r);
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
        MemorySegment h = Ref.filled(nh, dt, Double.NaN);
        StepArgs s = new StepArgs().batch(N).input(Ref.seg(Ref.random(r, in, 1), dt))
                .hPrev(Ref.seg(Ref.random(r, nh, 1), dt)).cPrev(lstm ? Ref.seg(Ref.random(r, nh, 1), dt) : null)
                .hNext(h);
        MemorySegment gi = Ref.filled(in, dt, Double.NaN), gh = Ref.filled(nh, dt, Double.NaN);
        try (StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N)) {
            rnn.stepForward(1, 1, s, ws);
            rnn.stepBackward(1, 1, s, new StepGradients().gradHNext(Ref.seg(Ref.random(r, nh, 1), dt)).gradInput(gi)
                    .gradHPrev(gh), ws);
        }
        double[] a = Ref.read(h, dt), b = Ref.read(gi, dt), d = Ref.read(gh, dt);
        double[] out = new double[a.length + b.length + d.length];
        System.arraycopy(a, 0, out, 0, a.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        System.arraycopy(d, 0, out, a.length + b.length, d.length);
        return out;
    }

    @Test
    void backendListNamesEveryBackendAndWhyNot() {
        List<Backends.Info> list = Backends.list();
        List<String> names = list.stream().map(Backends.Info::name).toList();
        assertTrue(names.containsAll(List.of("reference", "vector", "native")), names.toString());
        assertEquals(List.of("reference", "vector", "native"), names.subList(0, 3), "fixed order");
        for (Backends.Info info : list) {
            if (info.available()) {
                assertNull(info.reason(), info.name());
                assertEquals(info.name() + ": available", info.toString());
                assertEquals(info.name(), Backends.get(info.name()).name());
            } else {
                assertNotNull(info.reason(), info.name());
                assertFalse(info.reason().isBlank(), info.name());
                assertEquals(info.name() + ": not available: " + info.reason(), info.toString());
                IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get(info.name()));
                assertEquals("backend '" + info.name() + "' is not available: " + info.reason(), e.getMessage());
            }
        }
        Backends.Info ref = list.get(0);
        assertTrue(ref.available(), "reference runs everywhere");
        assertFalse(list.get(1).available(), "the vector backend is not part of this build yet");
        assertTrue(list.get(1).reason().contains("no provider"), list.get(1).reason());
        // kernels-java alone does not have the native backend on its class path
        Backends.Info nat = list.get(2);
        if (!nat.available()) assertFalse(nat.reason().isBlank());
        assertTrue(Backends.available().contains("reference"));
        assertFalse(Backends.available().contains("vector"));
        // no silent fallback: each get is a new instance of exactly the backend asked for
        assertTrue(Backends.get("reference") instanceof ReferenceBackend);
        assertFalse(Backends.get("reference") == Backends.get("reference"));
    }
}
