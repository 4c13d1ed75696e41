package org.rnn4j.vector;

/** Work that every member of a team runs (each on its share, meeting at barriers). */
@FunctionalInterface
public interface TeamTask {
    void run(Team team);
}
