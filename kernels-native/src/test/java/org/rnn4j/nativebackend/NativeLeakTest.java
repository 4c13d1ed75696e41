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
 * workspace, calling forward, backward and a step, and closing everything, leave the bytes malloc has handed out
 * (glibc's mallinfo2: the arenas' memory and the C++ objects both come from malloc) and the thread count where
 * they were after a warm-up. (Resident memory is printed, not checked: it includes the Java heap, which the
 * collector may grow during the cycles.)
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
            System.gc();
            long rss0 = status("VmRSS:"), threads0 = status("Threads:"), malloc0 = mallocInUse();
            for (int i = 0; i < CYCLES; i++) cycle(d, w, x, y, dx, h, sx, dw);
            System.gc();
            long rss1 = status("VmRSS:"), threads1 = status("Threads:"), malloc1 = mallocInUse();
            System.out.printf("leak test: malloc in use %d kB -> %d kB, RSS %d kB -> %d kB, threads %d -> %d over %d "
                    + "cycles%n", malloc0 / 1024, malloc1 / 1024, rss0, rss1, threads0, threads1, CYCLES);
            // a leak of a workspace, a weight block or a team per cycle would be gigabytes; 8 MB is the JVM's noise
            assertTrue(malloc1 - malloc0 < 8L << 20, "malloc'd memory grew by " + (malloc1 - malloc0) / 1024
                    + " kB over " + CYCLES + " cycles");
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

    /** Bytes malloc has handed out and not taken back: mallinfo2's uordblks + hblkhd, over all arenas (glibc). */
    private static long mallocInUse() {
        try {
            java.lang.foreign.Linker linker = java.lang.foreign.Linker.nativeLinker();
            java.lang.foreign.StructLayout info = java.lang.foreign.MemoryLayout.structLayout(
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("arena"), java.lang.foreign.ValueLayout.JAVA_LONG.withName("ordblks"),
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("smblks"), java.lang.foreign.ValueLayout.JAVA_LONG.withName("hblks"),
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("hblkhd"), java.lang.foreign.ValueLayout.JAVA_LONG.withName("usmblks"),
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("fsmblks"), java.lang.foreign.ValueLayout.JAVA_LONG.withName("uordblks"),
                    java.lang.foreign.ValueLayout.JAVA_LONG.withName("fordblks"), java.lang.foreign.ValueLayout.JAVA_LONG.withName("keepcost"));
            java.lang.invoke.MethodHandle mallinfo2 = linker.downcallHandle(
                    linker.defaultLookup().find("mallinfo2").orElseThrow(), java.lang.foreign.FunctionDescriptor.of(info));
            try (Arena a = Arena.ofConfined()) {
                MemorySegment m = (MemorySegment) mallinfo2.invokeExact((java.lang.foreign.SegmentAllocator) a);
                return m.get(java.lang.foreign.ValueLayout.JAVA_LONG, info.byteOffset(
                        java.lang.foreign.MemoryLayout.PathElement.groupElement("uordblks")))
                        + m.get(java.lang.foreign.ValueLayout.JAVA_LONG, info.byteOffset(
                        java.lang.foreign.MemoryLayout.PathElement.groupElement("hblkhd")));
            }
        } catch (Throwable t) {
            throw new IllegalStateException("mallinfo2 (glibc) not callable: " + t, t);
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
