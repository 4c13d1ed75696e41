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
    public RnnBackend create() {
        return new ReferenceBackend();
    }
}
