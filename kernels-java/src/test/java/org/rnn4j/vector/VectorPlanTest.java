package org.rnn4j.vector;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;

/** The vector backend's plans: heap scratch reported, capacities beyond one Java array refused up front. */
class VectorPlanTest {
    @Test
    void scratchIsReportedAndGrowsWithTraining() {
        RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 64, 128).layers(2).build();
        try (Arena a = Arena.ofConfined(); Rnn rnn = Rnn.create(cfg, RnnParameters.allocate(cfg, a), "vector");
             RnnWorkspace inf = rnn.newWorkspace(Mode.INFERENCE, 10, 8);
             RnnWorkspace tr = rnn.newWorkspace(Mode.TRAINING, 10, 8)) {
            // at least the gates of all rows: 10·8 rows × 4·128 floats
            assertTrue(inf.scratchBytes() >= 10L * 8 * 4 * 128 * 4, "inference scratch " + inf.scratchBytes());
            assertTrue(tr.scratchBytes() > inf.scratchBytes(), "training keeps more: " + tr.scratchBytes());
        }
    }

    @Test
    void tooManyRowsForOneArrayIsRefusedWithAClearMessage() {
        RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 8, 1024).build();
        try (Arena a = Arena.ofConfined(); Rnn rnn = Rnn.create(cfg, RnnParameters.allocate(cfg, a), "vector")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rnn.newWorkspace(Mode.INFERENCE, 100_000, 100));
            assertTrue(e.getMessage().startsWith("maxSeqLength*maxBatch: expected at most "), e.getMessage());
            assertTrue(e.getMessage().contains("but was 10000000"), e.getMessage());
        }
    }
}
