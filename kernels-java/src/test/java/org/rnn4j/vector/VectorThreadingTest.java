package org.rnn4j.vector;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.BackendOptions;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;

/**
 * Threads never change a result: forward and backward are bitwise identical for 1, 2, 3 and 8 threads and from
 * run to run; and many Java threads sharing one Rnn (each with its own workspace) get what a serial run gets.
 */
class VectorThreadingTest {

    @TestFactory
    Stream<DynamicTest> bitwiseIdenticalForEveryThreadCount() {
        List<DynamicTest> tests = new ArrayList<>();
        List<VectorMatchesReferenceTest.Case> cases = List.of(
                new VectorMatchesReferenceTest.Case(Cell.lstm(), 7, 13, 33, 70, 2, true, Layout.TIME_MAJOR, true),
                new VectorMatchesReferenceTest.Case(Cell.lstmWithPeepholes(), 5, 9, 17, 40, 1, true, Layout.BATCH_FIRST, true),
                new VectorMatchesReferenceTest.Case(Cell.all().get(2), 6, 11, 20, 129, 2, false, Layout.TIME_MAJOR, true),
                new VectorMatchesReferenceTest.Case(Cell.all().get(3), 4, 8, 9, 65, 1, true, Layout.TIME_MAJOR, false),
                new VectorMatchesReferenceTest.Case(Cell.all().get(5), 6, 1, 31, 100, 2, true, Layout.TIME_MAJOR, false));
        long seed = 7;
        for (var c : cases) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(c + " " + dt, () -> {
                    Map<String, double[]> first = runOnce(c, dt, 1, sd);
                    for (int threads : new int[] {1, 2, 3, 8}) {
                        Map<String, double[]> again = runOnce(c, dt, threads, sd);
                        for (var e : first.entrySet()) {
                            assertArrayEquals(e.getValue(), again.get(e.getKey()),
                                    e.getKey() + " with " + threads + " threads");
                        }
                    }
                }));
            }
        }
        return tests.stream();
    }

    /** The data of {@link VectorMatchesReferenceTest#check}, run through the vector backend only. */
    static Map<String, double[]> runOnce(VectorMatchesReferenceTest.Case c, DType dt, int threads, long seed) {
        RnnConfig cfg = RnnConfig.builder(c.cell(), c.I(), c.H()).layers(c.layers()).bidirectional(c.bidir())
                .dtype(dt).layout(c.layout()).build();
        Random r = new Random(seed);
        RnnParameters w = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) {
            w.set(id, VectorMatchesReferenceTest.seg(VectorMatchesReferenceTest.random(r, cfg.parameterSize(id), 0.3), dt));
        }
        int T = c.T(), N = c.N();
        long st = (long) cfg.stateRows() * N * c.H();
        double[] x = VectorMatchesReferenceTest.random(r, (long) T * N * c.I(), 1);
        double[] h0 = VectorMatchesReferenceTest.random(r, st, 0.5), c0 = VectorMatchesReferenceTest.random(r, st, 0.5);
        double[] dy = VectorMatchesReferenceTest.random(r, (long) T * N * cfg.outputSize(), 1);
        double[] dhn = VectorMatchesReferenceTest.random(r, st, 1), dcn = VectorMatchesReferenceTest.random(r, st, 1);
        int[] lengths = null;
        if (c.lengths()) {
            lengths = new int[N];
            for (int n = 0; n < N; n++) lengths[n] = 1 + r.nextInt(T);
        }
        return VectorMatchesReferenceTest.run(cfg, w, "vector", threads, x, h0, c0, dy, dhn, dcn, lengths, T, N);
    }

    /** 8 Java threads share one Rnn (a 2-thread backend), each with its own workspace: 10^4 calls, all equal to serial. */
    @Test
    void concurrentCallersGetSerialResults() throws Exception {
        RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 24, 40).layers(2).bidirectional(true).build();
        Random r = new Random(3);
        RnnParameters w = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) {
            w.set(id, VectorMatchesReferenceTest.seg(VectorMatchesReferenceTest.random(r, cfg.parameterSize(id), 0.3), DType.F32));
        }
        int T = 5, N = 3, callers = 8, callsEach = 1250;
        float[][] inputs = new float[callers][];
        for (int i = 0; i < callers; i++) {
            inputs[i] = new float[T * N * 24];
            for (int k = 0; k < inputs[i].length; k++) inputs[i][k] = (float) (r.nextDouble() * 2 - 1);
        }
        try (Rnn rnn = Rnn.create(cfg, w, "vector", BackendOptions.threads(2))) {
            float[][] serial = new float[callers][];
            try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
                for (int i = 0; i < callers; i++) serial[i] = call(rnn, ws, inputs[i], T, N, cfg);
            }
            ExecutorService ex = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    int id = i;
                    done.add(ex.submit(() -> {
                        int ok = 0;
                        try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
                            for (int k = 0; k < callsEach; k++) {
                                int which = (id + k) % callers;
                                assertArrayEquals(serial[which], call(rnn, ws, inputs[which], T, N, cfg));
                                ok++;
                            }
                        }
                        return ok;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : done) total += f.get();
                assertEquals(callers * callsEach, total);
            } finally {
                ex.shutdownNow();
            }
        }
    }

    /** Forward + backward; returns output, gradInput and one weight gradient, concatenated. */
    private static float[] call(Rnn rnn, RnnWorkspace ws, float[] x, int T, int N, RnnConfig cfg) {
        float[] y = new float[T * N * cfg.outputSize()];
        float[] dx = new float[x.length];
        RnnParameters dw = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) dw.set(id.name(), new float[(int) cfg.parameterSize(id)]);
        SequenceArgs a = new SequenceArgs().shape(T, N).input(x).output(y);
        rnn.forward(a, ws);
        rnn.backward(a, new GradientArgs().gradOutput(y.clone()).gradInput(dx).weightGrads(dw), ws);
        MemorySegment g = dw.get("weight_hh_l0_reverse");
        float[] out = new float[y.length + dx.length + 16];
        System.arraycopy(y, 0, out, 0, y.length);
        System.arraycopy(dx, 0, out, y.length, dx.length);
        for (int i = 0; i < 16; i++) out[y.length + dx.length + i] = g.getAtIndex(java.lang.foreign.ValueLayout.JAVA_FLOAT, i);
        return out;
    }
}
