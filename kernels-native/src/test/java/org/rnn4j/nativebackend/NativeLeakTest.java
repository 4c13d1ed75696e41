package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.rnn4j.BackendOptions;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepWorkspace;

/**
 * Native memory and threads are owned by Java objects with a deterministic close: 10^5 cycles of creating an
 * Rnn (a native backend with its team of two threads, prepared weights), a training workspace and a step
 * workspace, calling forward, backward and a step, and closing everything, leave the process's resident memory
 * and thread count where they were after a warm-up.
 */
class NativeLeakTest {
    static final int WARMUP = 2_000, CYCLES = 100_000;

    @Test
    void createCallCloseCyclesLeakNothing() throws IOException {
        NativeRuns.Case c = new NativeRuns.Case(Cell.lstm(), 3, 2, 8, 16, 1, false, Layout.TIME_MAJOR, false);
        NativeRuns.Data d = NativeRuns.data(c, DType.F32, 5);
        try (Arena arena = Arena.ofShared()) {
            RnnParameters w = NativeRuns.weights(d, arena, DType.F32);
            MemorySegment x = NativeRuns.seg(arena, d.x(), DType.F32);
            MemorySegment y = arena.allocate((long) 3 * 2 * 16 * 4, 64);
            MemorySegment dx = arena.allocate(x.byteSize(), 64);
            MemorySegment h = arena.allocate(2 * 16 * 4, 64), sx = arena.allocate(2 * 8 * 4, 64);
            RnnParameters dw = NativeRuns.gradients(d.cfg(), b -> arena.allocate(b, 64));
            for (int i = 0; i < WARMUP; i++) cycle(d, w, x, y, dx, h, sx, dw);
            long rss0 = status("VmRSS:"), threads0 = status("Threads:");
            for (int i = 0; i < CYCLES; i++) cycle(d, w, x, y, dx, h, sx, dw);
            long rss1 = status("VmRSS:"), threads1 = status("Threads:");
            System.out.printf("leak test: RSS %d kB -> %d kB, threads %d -> %d over %d cycles%n", rss0, rss1, threads0,
                    threads1, CYCLES);
            assertTrue(rss1 - rss0 < 32 * 1024, "resident memory grew by " + (rss1 - rss0) + " kB over " + CYCLES
                    + " cycles");
            assertTrue(threads1 <= threads0, "threads " + threads0 + " -> " + threads1);
        }
    }

    private static void cycle(NativeRuns.Data d, RnnParameters w, MemorySegment x, MemorySegment y, MemorySegment dx,
                              MemorySegment h, MemorySegment sx, RnnParameters dw) {
        try (Rnn rnn = Rnn.create(d.cfg(), w, "native", BackendOptions.threads(2));
             RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, 3, 2);
             StepWorkspace sws = rnn.newStepWorkspace(Mode.INFERENCE, 2)) {
            SequenceArgs a = new SequenceArgs().shape(3, 2).input(x).output(y);
            rnn.forward(a, ws);
            rnn.backward(a, new GradientArgs().gradOutput(y).gradInput(dx).weightGrads(dw), ws);
            rnn.stepForward(0, 0, new StepArgs().batch(2).input(sx).hNext(h), sws);
        }
    }

    /** A number from /proc/self/status (kB for memory lines). */
    private static long status(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith(key)) return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
        throw new IllegalStateException("no " + key + " in /proc/self/status");
    }
}
