package org.rnn4j.bench.jmh;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * K threads running one task together, allocation-free per run: the caller is member 0, K − 1 daemon workers park
 * between runs. {@link #run(IntConsumer)} returns when every member has finished its part. For the roofline GEMM
 * of the project's own kernel at K threads; the {@code vector} backend has its own pool.
 */
public final class Team implements AutoCloseable {
    private final Thread[] workers;
    private final AtomicInteger pending = new AtomicInteger();
    private volatile int generation;
    private volatile IntConsumer task;
    private volatile boolean closed;
    private volatile Throwable failure;

    public Team(int threads) {
        if (threads < 1) throw new IllegalArgumentException("threads: expected >= 1 but was " + threads);
        workers = new Thread[threads - 1];
        for (int i = 0; i < workers.length; i++) {
            int member = i + 1;
            workers[i] = Thread.ofPlatform().daemon().name("rnn4j-bench-team-" + member).start(() -> loop(member));
        }
    }

    public int size() {
        return workers.length + 1;
    }

    private void loop(int member) {
        int seen = 0;
        while (!closed) {
            int g = generation;
            if (g == seen) {
                LockSupport.park(this);
                continue;
            }
            seen = g;
            try {
                task.accept(member);
            } catch (Throwable t) {
                failure = t;
            } finally {
                pending.decrementAndGet();
            }
        }
    }

    /** Runs {@code part} on every member (its argument: the member index 0..K-1) and waits for all of them. */
    public void run(IntConsumer part) {
        task = part;
        pending.set(workers.length);
        generation++;
        for (Thread w : workers) LockSupport.unpark(w);
        part.accept(0);
        while (pending.get() != 0) Thread.onSpinWait();
        Throwable t = failure;
        if (t != null) {
            failure = null;
            throw new IllegalStateException("a team member failed: " + t, t);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread w : workers) LockSupport.unpark(w);
    }
}
