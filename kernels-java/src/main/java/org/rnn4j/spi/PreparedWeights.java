package org.rnn4j.spi;

import org.rnn4j.RnnConfig;

/**
 * A backend's ready-to-run form of a network's weights (packed, transposed or just referenced). Shared by
 * every thread that calls the network; rebuilt by {@link #refresh()} when the caller changed the weights.
 */
public interface PreparedWeights extends AutoCloseable {
    /** The configuration of the network these weights serve (the one given to {@link RnnBackend#prepare}). */
    RnnConfig config();

    /** Re-reads the caller's weight segments (after an optimizer step, say). */
    void refresh();

    /** Frees whatever the backend allocated; the caller's weight memory is not touched. */
    @Override
    void close();
}
