package org.rnn4j.vector;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The threads of one backend instance: {@code size - 1} daemon workers plus the calling thread, which runs a
 * {@link Task} together as a team that meets at {@link Team#barrier()}s (one per time step, say). No global
 * state: each backend instance owns its pool and stops it in {@link #close()}.
 *
 * <p>One team at a time: a call that finds the workers busy (another Java thread's call) runs its task alone
 * on its own thread. Results do not change (every kernel computes each output element in one fixed order,
 * whoever computes it), only the speed.
 */
final class WorkerPool implements TeamRunner, AutoCloseable {

    /** A spinning barrier that yields when the cores are oversubscribed and unwinds every member on failure. */
    static final class Barrier implements Team.Meeting {
        private final AtomicInteger arrived = new AtomicInteger();
        private volatile int phase;
        volatile Throwable failure;

        @Override
        public void await(int parties) {
            int p = phase;
            if (arrived.incrementAndGet() == parties) {
                arrived.set(0);
                phase = p + 1;
                return;
            }
            int spins = 0;
            while (phase == p) {
                if (failure != null) throw new TeamAborted();
                if (++spins < 2000) Thread.onSpinWait();
                else Thread.yield();
            }
        }
    }

    /** Thrown into the other members when one member failed, so that nobody waits forever. */
    static final class TeamAborted extends RuntimeException {
        TeamAborted() {
            super("another member of the team failed", null, false, false);
        }
    }

    private final int size;
    private final Thread[] workers;
    private final ReentrantLock running = new ReentrantLock();
    private final Team[] members;
    private final Barrier barrier = new Barrier();
    private final AtomicInteger done = new AtomicInteger();
    private volatile TeamTask current;
    private volatile int round;
    private volatile boolean closed;
    private volatile Thread caller;

    WorkerPool(int size, String name) {
        this.size = size;
        this.members = new Team[size];
        for (int i = 0; i < size; i++) members[i] = new Team(size, i, barrier);
        this.workers = new Thread[size - 1];
        for (int i = 1; i < size; i++) {
            int index = i;
            Thread t = new Thread(() -> workLoop(index), name + "-" + i);
            t.setDaemon(true);
            workers[i - 1] = t;
            t.start();
        }
    }

    int size() {
        return size;
    }

    @Override
    public boolean canShare(java.lang.foreign.MemorySegment s) {
        return s == null || workers.length == 0 || s.isAccessibleBy(workers[0]);
    }

    /** Runs {@code task} on a team of every thread (or alone, when another call holds the workers). */
    @Override
    public void run(TeamTask task) {
        if (size == 1 || !running.tryLock()) {
            task.run(Team.alone());
            return;
        }
        try {
            barrier.failure = null;
            done.set(0);
            caller = Thread.currentThread();
            current = task;
            round++;
            for (Thread t : workers) LockSupport.unpark(t);
            Throwable mine = null;
            try {
                task.run(members[0]);
            } catch (Throwable e) {
                mine = e;
                if (barrier.failure == null) barrier.failure = e;
            }
            while (done.get() < size - 1) LockSupport.parkNanos(this, 20_000);
            current = null;
            Throwable f = barrier.failure;
            if (f != null) {
                if (mine != null && !(mine instanceof TeamAborted)) f = mine;
                if (f instanceof RuntimeException r) throw r;
                if (f instanceof Error e) throw e;
                throw new IllegalStateException(f);
            }
        } finally {
            running.unlock();
        }
    }

    private void workLoop(int index) {
        int seen = 0;
        while (!closed) {
            int r = round;
            TeamTask t = current;
            if (r == seen || t == null) {
                LockSupport.park(this);
                continue;
            }
            seen = r;
            try {
                t.run(members[index]);
            } catch (TeamAborted e) {
                // another member failed; its failure is reported by the caller
            } catch (Throwable e) {
                if (barrier.failure == null) barrier.failure = e;
            }
            done.incrementAndGet();
            Thread c = caller;
            if (c != null) LockSupport.unpark(c);
        }
    }

    @Override
    public void close() {
        closed = true;
        for (Thread t : workers) LockSupport.unpark(t);
    }
}
