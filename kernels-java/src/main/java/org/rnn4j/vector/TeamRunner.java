package org.rnn4j.vector;

/** Runs a task on a team of threads and returns when every member is done (rethrowing the first failure). */
public interface TeamRunner {
    void run(TeamTask task);

    /** Runs {@code task} on the calling thread alone (a team of one). */
    default void runAlone(TeamTask task) {
        task.run(Team.alone());
    }

    /**
     * Whether the team's other threads may touch {@code s} (null: nothing to touch). A segment of a confined arena
     * is the caller's thread's alone: a call reading or writing one runs {@link #runAlone alone}.
     */
    boolean canShare(java.lang.foreign.MemorySegment s);
}
