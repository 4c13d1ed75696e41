package org.rnn4j.reference;

import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.RnnBackend;

/** Registers the float64 reference backend; it runs everywhere. */
public final class ReferenceProvider implements BackendProvider {
    @Override
    public String name() {
        return "reference";
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public RnnBackend create(org.rnn4j.BackendOptions options) {
        if (options.threads() > 1) {
            throw new IllegalArgumentException("threads: expected 0 or 1 for the single-threaded reference backend but was "
                    + options.threads());
        }
        return new ReferenceBackend();
    }
}
