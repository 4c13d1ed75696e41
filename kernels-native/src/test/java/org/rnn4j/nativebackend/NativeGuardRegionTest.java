package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.BackendOptions;
import org.rnn4j.Rnn;

/**
 * The native side never reads or writes outside the buffers it was given: every tensor, weight, weight gradient
 * and workspace of a full round of calls (training forward, backward, inference forward, training step and its
 * backward) sits between guard regions of sentinel bytes, which must be intact afterwards; and the results equal
 * those of the same round in unguarded memory (so nothing was read from the guards either).
 */
class NativeGuardRegionTest {
    static final long GUARD = 4096;
    static final byte SENTINEL = (byte) 0xA7;

    /** Allocations with guard regions on both sides. */
    static final class Guarded implements NativeRuns.Memory {
        final Arena arena;
        final List<MemorySegment> whole = new ArrayList<>();
        final List<Long> sizes = new ArrayList<>();

        Guarded(Arena arena) {
            this.arena = arena;
        }

        @Override
        public MemorySegment allocate(long bytes) {
            MemorySegment w = arena.allocate(bytes + 2 * GUARD, 64);
            w.fill(SENTINEL);
            whole.add(w);
            sizes.add(bytes);
            MemorySegment inner = w.asSlice(GUARD, bytes);
            inner.fill((byte) 0);
            return inner;
        }

        /** Index of a buffer whose guards were touched, or -1. */
        int touched() {
            for (int i = 0; i < whole.size(); i++) {
                MemorySegment w = whole.get(i);
                long n = sizes.get(i);
                for (long b = 0; b < GUARD; b++) {
                    if (w.get(ValueLayout.JAVA_BYTE, b) != SENTINEL || w.get(ValueLayout.JAVA_BYTE, GUARD + n + b) != SENTINEL) {
                        return i;
                    }
                }
            }
            return -1;
        }
    }

    @TestFactory
    Stream<DynamicTest> nothingOutsideTheBuffers() {
        return NativeRuns.everyCase(51, (c, dt, sd) -> {
            NativeRuns.Data d = NativeRuns.data(c, dt, sd);
            Map<String, double[]> plain = NativeRuns.run("native", 2, c, dt, sd);
            try (Arena arena = Arena.ofShared()) {
                Guarded g = new Guarded(arena);
                Map<String, double[]> guarded;
                try (Rnn rnn = Rnn.create(d.cfg(), NativeRuns.weights(d, g, dt), "native", BackendOptions.threads(2))) {
                    guarded = NativeRuns.run(rnn, c, d, dt, g);
                }
                assertEquals(-1, g.touched(), "guard region of buffer #" + g.touched() + " changed");
                for (var e : plain.entrySet()) assertArrayEquals(e.getValue(), guarded.get(e.getKey()), e.getKey());
            }
        });
    }
}
