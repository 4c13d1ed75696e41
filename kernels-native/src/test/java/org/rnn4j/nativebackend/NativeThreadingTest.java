package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.BackendOptions;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Rnn;

/**
 * Threads never change a result: every output and gradient of a training forward, its backward, an inference
 * forward and a training step with its backward are bitwise identical for 1, 2, 3 and 8 threads and from run to
 * run (the team runs every call here: rnn4j.native.teamMinFlops=0); and 8 Java threads sharing one Rnn, each with
 * its own workspaces, get exactly the serial results over 10^4 calls.
 */
class NativeThreadingTest {
    private static String saved;

    @BeforeAll
    static void teamForEveryCall() {
        saved = System.getProperty(NativeBackend.TEAM_MIN_FLOPS_PROPERTY);
        System.setProperty(NativeBackend.TEAM_MIN_FLOPS_PROPERTY, "0");
    }

    @AfterAll
    static void restore() {
        if (saved == null) System.clearProperty(NativeBackend.TEAM_MIN_FLOPS_PROPERTY);
        else System.setProperty(NativeBackend.TEAM_MIN_FLOPS_PROPERTY, saved);
    }

    @TestFactory
    Stream<DynamicTest> bitwiseIdenticalForEveryThreadCount() {
        return NativeRuns.everyCase(11, (c, dt, sd) -> {
            Map<String, double[]> first = NativeRuns.run("native", 1, c, dt, sd);
            for (int threads : new int[] {2, 3, 8, 1}) {
                Map<String, double[]> again = NativeRuns.run("native", threads, c, dt, sd);
                assertEquals(first.keySet(), again.keySet());
                for (var e : first.entrySet()) {
                    assertArrayEquals(e.getValue(), again.get(e.getKey()), e.getKey() + " with " + threads
                            + " threads");
                }
            }
        });
    }

    /** 8 Java threads share one Rnn (a 2-thread backend), each with its own workspaces: 10^4 calls, all serial. */
    @Test
    void concurrentCallersGetSerialResults() throws Exception {
        NativeRuns.Case shape = new NativeRuns.Case(Cell.lstm(), 5, 3, 24, 40, 2, true, Layout.TIME_MAJOR, false);
        int callers = 8, rounds = 250; // a round: forward, backward, inference forward, step, step backward
        NativeRuns.Data[] data = new NativeRuns.Data[callers];
        for (int i = 0; i < callers; i++) data[i] = NativeRuns.data(shape, DType.F32, 100 + i);
        // one set of weights for every caller
        NativeRuns.Data w = data[0];
        try (Arena arena = Arena.ofShared();
             Rnn rnn = Rnn.create(w.cfg(), NativeRuns.weights(w, arena, DType.F32), "native", BackendOptions.threads(2))) {
            List<Map<String, double[]>> serial = new ArrayList<>();
            for (int i = 0; i < callers; i++) serial.add(NativeRuns.run(rnn, shape, inputsOf(data[i], w), DType.F32));
            ExecutorService ex = Executors.newFixedThreadPool(callers);
            try {
                List<Future<Integer>> done = new ArrayList<>();
                for (int i = 0; i < callers; i++) {
                    int id = i;
                    done.add(ex.submit(() -> {
                        int calls = 0;
                        for (int k = 0; k < rounds; k++) {
                            int which = (id + k) % callers;
                            Map<String, double[]> got = NativeRuns.run(rnn, shape, inputsOf(data[which], w), DType.F32);
                            for (var e : serial.get(which).entrySet()) {
                                assertArrayEquals(e.getValue(), got.get(e.getKey()), e.getKey());
                            }
                            calls += 5;
                        }
                        return calls;
                    }));
                }
                int total = 0;
                for (Future<Integer> f : done) total += f.get();
                assertEquals(10_000, total); // 8 callers x 250 rounds x 5 calls
            } finally {
                ex.shutdownNow();
            }
        }
    }

    /** Caller i's inputs with the shared weights. */
    private static NativeRuns.Data inputsOf(NativeRuns.Data d, NativeRuns.Data weights) {
        return new NativeRuns.Data(d.cfg(), weights.weights(), d.x(), d.h0(), d.c0(), d.dy(), d.dhn(), d.dcn(), d.lengths());
    }
}
