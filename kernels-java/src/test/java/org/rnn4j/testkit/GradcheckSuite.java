package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.gradcheck.GradcheckCase;
import org.rnn4j.gradcheck.GradcheckReport;
import org.rnn4j.gradcheck.GradientChecker;
import org.rnn4j.spi.RnnBackend;

/**
 * Contract (p) of docs/contract.md: the backend passes the gradient checker's whole standard suite (sequence
 * API) and the single-step check of every cell, on layer 0 of a one-layer network and on layer 1, reverse
 * direction, of a two-layer bidirectional one.
 */
public abstract class GradcheckSuite extends BackendSuite {

    protected GradcheckSuite(BackendUnderTest backend) {
        super(backend);
    }

    @TestFactory
    Stream<DynamicTest> standardCases() {
        return GradcheckCase.standard().stream().map(c -> dynamicTest(c.name(), () -> {
            GradcheckReport r;
            try (RnnBackend b = backend.newBackend()) {
                r = GradientChecker.defaults().check(b, c);
            }
            assertTrue(r.passed(), r::toTable);
        }));
    }

    /** Per cell: a one-layer step case (layer 0, forward) and a two-layer bidirectional one (layer 1, reverse). */
    @TestFactory
    Stream<DynamicTest> stepChecks() {
        List<DynamicTest> tests = new ArrayList<>();
        for (Cell cell : Cell.all()) {
            tests.add(stepTest(new GradcheckCase(cell.id() + "/step", config(cell, 3, 4, 1, false), 1, 3, null, 11),
                    0, 0));
            tests.add(stepTest(new GradcheckCase(cell.id() + "/step-l1-bidir", config(cell, 2, 3, 2, true), 1, 2,
                    null, 12), 1, 1));
        }
        return tests.stream();
    }

    private DynamicTest stepTest(GradcheckCase c, int layer, int direction) {
        return dynamicTest(c.name() + " layer " + layer + " direction " + direction, () -> {
            GradcheckReport r;
            try (RnnBackend b = backend.newBackend()) {
                r = GradientChecker.defaults().checkStep(b, c, layer, direction);
            }
            assertTrue(r.passed(), r::toTable);
            assertTrue(r.tensors().stream().anyMatch(t -> t.tensor().equals("weight_hh_l" + layer
                    + (direction == 1 ? "_reverse" : ""))), r::toTable);
        });
    }

    static RnnConfig config(Cell cell, int inputSize, int hidden, int layers, boolean bidir) {
        return RnnConfig.builder(cell, inputSize, hidden).layers(layers).bidirectional(bidir).dtype(DType.F64).build();
    }
}
