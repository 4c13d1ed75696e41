package org.rnn4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.GruVariant;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;

/** The checker is not a test that cannot fail: deliberately broken backends are caught, naming the tensor. */
class BrokenBackendTest {
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private static GradcheckCase standard(String name) {
        return GradcheckCase.standard().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    private static Set<String> failed(GradcheckReport r) {
        return r.tensors().stream().filter(t -> !t.passed()).map(TensorCheck::tensor).collect(Collectors.toSet());
    }

    private static void add(MemorySegment s, long i, double v) {
        s.setAtIndex(D, i, s.getAtIndex(D, i) + v);
    }

    @Test
    void oneWrongWeightGradientElementIsNamed() {
        RnnBackend b = afterBackward((p, g) -> add(g.weightGrads().get("bias_hh_l1_reverse"), 2, 1e-2));
        GradcheckReport r = GradientChecker.defaults().check(b, standard("lstm/varlen"));
        assertFalse(r.passed(), r::toTable);
        assertEquals(Set.of("bias_hh_l1_reverse"), failed(r), r::toTable);
        assertEquals("bias_hh_l1_reverse", r.worst().tensor());
        assertEquals(2, r.worst().worstIndex(), r::toTable);
        assertEquals(1e-2, r.worst().absError(), 1e-6, r::toTable);
        assertTrue(r.toTable().contains("FAIL"));
    }

    @Test
    void gradInputOffByOnePercentIsNamed() {
        RnnBackend b = afterBackward((p, g) -> scale(g.gradInput(), p.inputElements(), 1.01));
        GradcheckReport r = GradientChecker.defaults().check(b, standard("gru/batchfirst"));
        assertEquals(Set.of("input"), failed(r), r::toTable);
        assertEquals("input", r.worst().tensor());
    }

    @Test
    void ignoringAccumulateIsCaught() {
        GradcheckReport r = GradientChecker.defaults().check(backwardAccumulating(false), standard("rnn_tanh/layers2"));
        assertEquals(Set.of("weightGrads(accumulate)"), failed(r), r::toTable);
    }

    @Test
    void alwaysAccumulatingIsCaughtThroughTheNanPrefill() {
        GradcheckCase c = standard("gru_reset_before/uni");
        GradcheckReport r = GradientChecker.defaults().check(backwardAccumulating(true), c);
        Set<String> expected = c.config().parameterIds().stream().map(id -> id.name()).collect(Collectors.toSet());
        Set<String> f = failed(r);
        assertTrue(f.containsAll(expected), r::toTable);
        assertFalse(f.contains("input"), r::toTable);
        assertTrue(Double.isNaN(r.worst().analytic()), r::toTable);
    }

    @Test
    void stepGradHPrevOffByOnePercentIsNamed() {
        RnnBackend b = afterStepBackward(g -> scale(g.gradHPrev(), g.gradHPrev().byteSize() / Double.BYTES, 1.01));
        GradcheckCase c = twoLayerBidirStep("lstm_peephole/step", Cell.lstmWithPeepholes(), 5);
        GradcheckReport r = GradientChecker.defaults().checkStep(b, c, 1, 1);
        assertEquals(Set.of("hPrev"), failed(r), r::toTable);
    }

    @Test
    void stepWritingAnotherLayersGradientsIsCaught() {
        RnnBackend b = afterStepBackward(g -> g.weightGrads().get(ParamKind.BIAS_IH, 0, 0).setAtIndex(D, 1, 0.0));
        GradcheckCase c = twoLayerBidirStep("gru/step", Cell.gru(GruVariant.LINEAR_BEFORE_RESET), 6);
        GradcheckReport r = GradientChecker.defaults().checkStep(b, c, 1, 0);
        assertEquals(Set.of("weightGrads(other layers untouched)"), failed(r), r::toTable);
    }

    // ---------------------------------------------------------------- broken backends: the reference, then one edit

    /** The reference backend; {@code after} edits the results of every backward. */
    private static RnnBackend afterBackward(BiConsumer<RnnPlan, GradientArgs> after) {
        return new DelegatingBackend(new ReferenceBackend()) {
            @Override
            public void backward(PreparedWeights w, ExecutionPlan p, SequenceArgs a, GradientArgs g,
                                 MemorySegment ws) {
                super.backward(w, p, a, g, ws);
                after.accept(new RnnPlan(w.config(), a.seqLength(), a.batch()), g);
            }
        };
    }

    /** The reference backend; every backward runs with {@code accumulate}, whatever the caller asked for. */
    private static RnnBackend backwardAccumulating(boolean accumulate) {
        return new DelegatingBackend(new ReferenceBackend()) {
            @Override
            public void backward(PreparedWeights w, ExecutionPlan p, SequenceArgs a, GradientArgs g,
                                 MemorySegment ws) {
                super.backward(w, p, a, copy(g).accumulate(accumulate), ws);
            }
        };
    }

    /** The reference backend; {@code after} edits the gradients of every stepBackward. */
    private static RnnBackend afterStepBackward(Consumer<StepGradients> after) {
        return new DelegatingBackend(new ReferenceBackend()) {
            @Override
            public void stepBackward(PreparedWeights w, ExecutionPlan p, int layer, int dir, StepArgs s,
                                     StepGradients g, MemorySegment ws) {
                super.stepBackward(w, p, layer, dir, s, g, ws);
                after.accept(g);
            }
        };
    }

    /** Multiplies the first {@code n} elements of {@code s} by {@code factor}. */
    private static void scale(MemorySegment s, long n, double factor) {
        for (long i = 0; i < n; i++) s.setAtIndex(D, i, factor * s.getAtIndex(D, i));
    }

    private static GradientArgs copy(GradientArgs g) {
        return new GradientArgs().gradOutput(g.gradOutput()).gradHN(g.gradHN()).gradCN(g.gradCN())
                .gradInput(g.gradInput()).gradH0(g.gradH0()).gradC0(g.gradC0()).weightGrads(g.weightGrads())
                .accumulate(g.accumulate());
    }

    /** A step case on 2 samples of a 2-layer bidirectional float64 network (input 2, hidden 3). */
    static GradcheckCase twoLayerBidirStep(String name, Cell cell, long seed) {
        RnnConfig cfg = RnnConfig.builder(cell, 2, 3).layers(2).bidirectional(true).dtype(DType.F64).build();
        return new GradcheckCase(name, cfg, 1, 2, null, seed);
    }
}
