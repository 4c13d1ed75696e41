package org.rnn4j.vector;

/**
 * The members of a {@link TeamRunner} working on one task: its size, this member's index, the barrier they meet
 * at, and the one rule by which work is shared (contiguous chunks of whole grains, by index).
 */
public final class Team {
    /** What members meet at; a team of one never waits. */
    interface Meeting {
        void await(int parties);
    }

    public final int size;
    public final int index;
    private final Meeting meeting;

    Team(int size, int index, Meeting meeting) {
        this.size = size;
        this.index = index;
        this.meeting = meeting;
    }

    private static final Team ALONE = new Team(1, 0, null);

    /** A team of one: the caller alone. */
    public static Team alone() {
        return ALONE;
    }

    /** Waits until every member has arrived. */
    public void barrier() {
        if (size > 1) meeting.await(size);
    }

    /** Start of this member's share of {@code count} items in whole chunks of {@code grain}. */
    public int from(int count, int grain) {
        return split(count, grain, index);
    }

    /** End (exclusive) of this member's share. */
    public int to(int count, int grain) {
        return split(count, grain, index + 1);
    }

    private int split(int count, int grain, int k) {
        int chunks = (count + grain - 1) / grain;
        long c = (long) chunks * k / size;
        return (int) Math.min(count, c * grain);
    }
}
