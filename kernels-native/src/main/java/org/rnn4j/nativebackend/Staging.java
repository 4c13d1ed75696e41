package org.rnn4j.nativebackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

/**
 * Native copies of the arguments the C++ code cannot address in place: segments on the Java heap (a heap array
 * has no stable address outside a JNI critical region) and segments not aligned to their element size. The
 * documented slower path (docs/usage.md): each such tensor is copied in before the native call and, when the
 * call writes it, back after it. Made only when a call has such an argument, closed right after the call, so
 * calls on native segments allocate nothing.
 */
final class Staging implements AutoCloseable {
    private final Arena arena = Arena.ofConfined();
    private MemorySegment[] sources = new MemorySegment[8];
    private MemorySegment[] copies = new MemorySegment[8];
    private int written;

    /** A native copy of the first {@code bytes} of {@code s}; copied back by {@link #copyBack()} when written. */
    MemorySegment copy(MemorySegment s, long bytes, boolean isWritten) {
        MemorySegment c = arena.allocate(Math.max(bytes, 8), 64);
        if (bytes > 0) MemorySegment.copy(s, 0, c, 0, bytes);
        if (isWritten && bytes > 0) {
            if (written == sources.length) {
                sources = java.util.Arrays.copyOf(sources, 2 * written);
                copies = java.util.Arrays.copyOf(copies, 2 * written);
            }
            sources[written] = s;
            copies[written] = c.asSlice(0, bytes);
            written++;
        }
        return c;
    }

    /** Copies every written argument back to the caller's memory. */
    void copyBack() {
        for (int i = 0; i < written; i++) MemorySegment.copy(copies[i], 0, sources[i], 0, copies[i].byteSize());
    }

    @Override
    public void close() {
        arena.close();
    }
}
