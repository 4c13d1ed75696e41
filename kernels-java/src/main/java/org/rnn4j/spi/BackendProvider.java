package org.rnn4j.spi;

/**
 * Registers a backend with {@link org.rnn4j.Backends} through {@link java.util.ServiceLoader}
 * ({@code META-INF/services/org.rnn4j.spi.BackendProvider}). A provider must be cheap to construct: the
 * probe that decides availability runs in {@link #unavailableReason()}, never in a static initializer, so
 * that listing backends never fails.
 */
public interface BackendProvider {
    /** The name users select it by: reference, vector, native. */
    String name();

    /** Null when the backend can run here; otherwise why not, and what to do about it. */
    String unavailableReason();

    /**
     * What runs when this backend is available, for {@code info} and bug reports: vector widths, kernel paths,
     * libraries and their versions, default threads. Called only when available; may load what the backend needs.
     */
    default String details() {
        return "";
    }

    /**
     * A new backend instance; only called when available. Throws IllegalArgumentException naming the option
     * when the backend cannot honour {@code options}.
     */
    RnnBackend create(org.rnn4j.BackendOptions options);
}
