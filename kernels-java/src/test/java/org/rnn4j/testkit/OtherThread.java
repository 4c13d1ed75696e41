package org.rnn4j.testkit;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A thread that owns confined arenas: segments it allocates are confined to it, so the test thread cannot
 * access them (the FFM runtime would throw {@link WrongThreadException}); only this thread can fill, read and
 * finally free them. Used to check that calls reject memory confined to another thread before touching it.
 */
final class OtherThread implements AutoCloseable {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "rnn4j-test-owner");
        t.setDaemon(true);
        return t;
    });
    private final List<Arena> arenas = new ArrayList<>(); // touched only by the owner thread

    <T> T run(Callable<T> task) {
        Future<T> f = thread.submit(task);
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) throw r;
            if (e.getCause() instanceof Error r) throw r;
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * A segment of {@code bytes} bytes confined to this thread, holding a copy of {@code content} (which must
     * be at least as large; null: zeros).
     */
    MemorySegment allocate(long bytes, MemorySegment content) {
        byte[] data = content == null ? null : content.asSlice(0, bytes).toArray(ValueLayout.JAVA_BYTE);
        return run(() -> {
            Arena a = Arena.ofConfined();
            arenas.add(a);
            MemorySegment s = a.allocate(Math.max(bytes, 1), 64).asSlice(0, bytes);
            if (data != null) MemorySegment.copy(data, 0, s, ValueLayout.JAVA_BYTE, 0, data.length);
            return s;
        });
    }

    /** The bytes of a segment confined to this thread. */
    byte[] read(MemorySegment s) {
        return run(() -> s.toArray(ValueLayout.JAVA_BYTE));
    }

    @Override
    public void close() {
        run(() -> {
            for (Arena a : arenas) a.close();
            arenas.clear();
            return null;
        });
        thread.shutdown();
    }
}
