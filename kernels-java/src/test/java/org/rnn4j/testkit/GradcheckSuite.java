package org.rnn4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.reference.ReferenceBackend;

/** The reference backend passes the whole standard suite and the single-step check of every cell. */
class StandardSuiteTest {

    static List<GradcheckCase> standard() {
        return GradcheckCase.standard();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("standard")
    void referencePassesStandardCase(GradcheckCase c) {
        GradcheckReport r = GradientChecker.defaults().check(new ReferenceBackend(), c);
        assertTrue(r.passed(), r::toTable);
    }

    static Stream<Arguments> steps() {
        return Cell.all().stream().flatMap(cell -> Stream.of(
                Arguments.of(new GradcheckCase(cell.id() + "/step", config(cell, 3, 4, 1, false), 1, 3, null, 11), 0, 0),
                Arguments.of(twoLayerBidirStep(cell.id() + "/step-l1-bidir", cell, 12), 1, 1)));
    }

    @ParameterizedTest(name = "{0} layer {1} direction {2}")
    @MethodSource("steps")
    void referencePassesStepCheck(GradcheckCase c, int layer, int direction) {
        GradcheckReport r = GradientChecker.defaults().checkStep(new ReferenceBackend(), c, layer, direction);
        assertTrue(r.passed(), r::toTable);
        assertTrue(r.tensors().stream().anyMatch(t -> t.tensor().equals("weight_hh_l" + layer
                + (direction == 1 ? "_reverse" : ""))), r::toTable);
    }

    /** A step case on 2 samples of a 2-layer bidirectional float64 network (input 2, hidden 3). */
    static GradcheckCase twoLayerBidirStep(String name, Cell cell, long seed) {
        return new GradcheckCase(name, config(cell, 2, 3, 2, true), 1, 2, null, seed);
    }

    static RnnConfig config(Cell cell, int inputSize, int hidden, int layers, boolean bidir) {
        return RnnConfig.builder(cell, inputSize, hidden).layers(layers).bidirectional(bidir).dtype(DType.F64).build();
    }
}
