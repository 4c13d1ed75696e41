package org.rnn4j;

/**
 * Per-instance settings of a backend. Each backend instance owns its threads (no global state): two
 * instances with different settings can live in one JVM.
 *
 * @param threads worker threads the backend may use for one call; 0 means "the backend's default"
 *                (physical cores for the parallel backends). The reference backend is single-threaded
 *                and accepts only 0 or 1.
 */
public record BackendOptions(int threads) {
    public BackendOptions {
        if (threads < 0) throw new IllegalArgumentException("threads: expected >= 0 (0 = default) but was " + threads);
    }

    public static BackendOptions defaults() {
        return new BackendOptions(0);
    }

    public static BackendOptions threads(int threads) {
        return new BackendOptions(threads);
    }
}
