package org.rnn4j.bench.jmh;

import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.spi.RnnBackend;

/**
 * What the RNN benchmark classes share: resolving the parameters, building the {@link RnnFixture} once per trial
 * and closing it. A backend that is not available fails the trial with its reason ({@link Backends#get}): a
 * requested backend is never skipped or replaced.
 */
final class RnnBench implements AutoCloseable {
    private final RnnBackend backend;
    private final RnnFixture fixture;
    final Runnable call;

    RnnBench(String backendName, String cellName, String mode, String dtypeName, int threads, String shapeName) {
        Shapes.Shape shape = Shapes.parse(shapeName);
        Cell cell = Flops.cell(cellName, shape);
        DType dtype = DType.parse(dtypeName);
        RnnConfig cfg = RnnConfig.builder(cell, shape.I(), shape.H()).dtype(dtype).build();
        backend = Backends.get(backendName, BackendOptions.threads(threads)); // throws with the reason if unavailable
        RnnFixture f = null;
        try {
            f = RnnFixture.open(cfg, backend, mode, shape.T(), shape.N(), 42, null).prepare();
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
        fixture = f;
        call = f.call();
    }

    @Override
    public void close() {
        try {
            fixture.close();
        } finally {
            backend.close();
        }
    }
}
