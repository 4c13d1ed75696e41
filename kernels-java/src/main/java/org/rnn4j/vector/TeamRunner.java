package org.rnn4j.vector;

/** Runs a task on a team of threads and returns when every member is done (rethrowing the first failure). */
public interface TeamRunner {
    void run(TeamTask task);
}
