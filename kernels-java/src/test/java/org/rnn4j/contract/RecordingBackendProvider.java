package org.rnn4j.contract;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.rnn4j.BackendOptions;
import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.RnnBackend;
import org.rnn4j.testkit.RecordingBackend;

/**
 * Registers {@code test-recording} (test class path only, through
 * {@code src/test/resources/META-INF/services}): a {@link RecordingBackend} over the reference backend, so that
 * tests can see what {@link org.rnn4j.Rnn#create(org.rnn4j.RnnConfig, org.rnn4j.RnnParameters, String)} does
 * with a backend it creates by name. Every instance created is kept in {@link #CREATED}.
 */
public final class RecordingBackendProvider implements BackendProvider {
    public static final String NAME = "test-recording";
    public static final List<RecordingBackend> CREATED = new CopyOnWriteArrayList<>();
    /** Thrown by the prepare of the next instance created, when set (consumed by it). */
    public static volatile RuntimeException failNextPrepare;

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String unavailableReason() {
        return null;
    }

    @Override
    public RnnBackend create(BackendOptions options) {
        RecordingBackend b = RecordingBackend.reference();
        b.failPrepare = failNextPrepare;
        failNextPrepare = null;
        CREATED.add(b);
        return b;
    }
}
