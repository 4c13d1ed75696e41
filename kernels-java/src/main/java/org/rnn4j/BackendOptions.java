package org.rnn4j;

/**
 * Per-instance settings of a backend. Each backend instance owns its threads (no global state): two
 * instances with different settings can live in one JVM.
 *
 * <p>{@code threads}: worker threads the backend may use for one call; 0 means "the backend's default"
 * (physical cores for the parallel backends). The reference backend is single-threaded and accepts only 0
 * or 1. A final class with factories rather than a record, so settings can be added without breaking callers.
 */
public final class BackendOptions {
    private static final BackendOptions DEFAULTS = new BackendOptions(0);
    private final int threads;

    private BackendOptions(int threads) {
        if (threads < 0) throw new IllegalArgumentException("threads: expected >= 0 (0 = default) but was " + threads);
        this.threads = threads;
    }

    public static BackendOptions defaults() {
        return DEFAULTS;
    }

    /** Options with {@code threads} worker threads (0 = the backend's default). */
    public static BackendOptions threads(int threads) {
        return new BackendOptions(threads);
    }

    public int threads() {
        return threads;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BackendOptions b && b.threads == threads;
    }

    @Override
    public int hashCode() {
        return threads;
    }

    @Override
    public String toString() {
        return "BackendOptions[threads=" + threads + "]";
    }
}
