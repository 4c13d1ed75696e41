package org.rnn4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.GradientArgs;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.reference.ReferenceBackend;

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
        RnnBackendStub b = new RnnBackendStub() {
            @Override
            public void backward(PreparedWeights w, RnnPlan p, SequenceArgs a, GradientArgs g, MemorySegment ws) {
                super.backward(w, p, a, g, ws);
                add(g.weightGrads().get("bias_hh_l1_reverse"), 2, 1e-2);
            }
        };
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
        RnnBackendStub b = new RnnBackendStub() {
            @Override
            public void backward(PreparedWeights w, RnnPlan p, SequenceArgs a, GradientArgs g, MemorySegment ws) {
                super.backward(w, p, a, g, ws);
                long n = p.inputElements();
                for (long i = 0; i < n; i++) g.gradInput().setAtIndex(D, i, 1.01 * g.gradInput().getAtIndex(D, i));
            }
        };
        GradcheckReport r = GradientChecker.defaults().check(b, standard("gru/batchfirst"));
        assertEquals(Set.of("input"), failed(r), r::toTable);
        assertEquals("input", r.worst().tensor());
    }

    @Test
    void ignoringAccumulateIsCaught() {
        RnnBackendStub b = new RnnBackendStub() {
            @Override
            public void backward(PreparedWeights w, RnnPlan p, SequenceArgs a, GradientArgs g, MemorySegment ws) {
                super.backward(w, p, a, copy(g).accumulate(false), ws);
            }
        };
        GradcheckReport r = GradientChecker.defaults().check(b, standard("rnn_tanh/layers2"));
        assertEquals(Set.of("weightGrads(accumulate)"), failed(r), r::toTable);
    }

    @Test
    void alwaysAccumulatingIsCaughtThroughTheNanPrefill() {
        RnnBackendStub b = new RnnBackendStub() {
            @Override
            public void backward(PreparedWeights w, RnnPlan p, SequenceArgs a, GradientArgs g, MemorySegment ws) {
                super.backward(w, p, a, copy(g).accumulate(true), ws);
            }
        };
        GradcheckCase c = standard("gru_reset_before/uni");
        GradcheckReport r = GradientChecker.defaults().check(b, c);
        Set<String> expected = c.config().parameterIds().stream().map(id -> id.name()).collect(Collectors.toSet());
        Set<String> f = failed(r);
        assertTrue(f.containsAll(expected), r::toTable);
        assertFalse(f.contains("input"), r::toTable);
        assertTrue(Double.isNaN(r.worst().analytic()), r::toTable);
    }

    @Test
    void stepGradHPrevOffByOnePercentIsNamed() {
        RnnBackendStub b = new RnnBackendStub() {
            @Override
            public void stepBackward(PreparedWeights w, int layer, int dir, StepArgs s, StepGradients g,
                                     MemorySegment ws) {
                super.stepBackward(w, layer, dir, s, g, ws);
                MemorySegment d = g.gradHPrev();
                long n = d.byteSize() / Double.BYTES;
                for (long i = 0; i < n; i++) d.setAtIndex(D, i, 1.01 * d.getAtIndex(D, i));
            }
        };
        GradcheckCase c = new GradcheckCase("lstm_peephole/step", StandardSuiteTest.config(Cell.lstmWithPeepholes(),
                2, 3, 2, true), 1, 2, null, 5);
        GradcheckReport r = GradientChecker.defaults().checkStep(b, c, 1, 1);
        assertEquals(Set.of("hPrev"), failed(r), r::toTable);
    }

    @Test
    void stepWritingAnotherLayersGradientsIsCaught() {
        RnnBackendStub b = new RnnBackendStub() {
            @Override
            public void stepBackward(PreparedWeights w, int layer, int dir, StepArgs s, StepGradients g,
                                     MemorySegment ws) {
                super.stepBackward(w, layer, dir, s, g, ws);
                g.weightGrads().get(ParamKind.BIAS_IH, 0, 0).setAtIndex(D, 1, 0.0);
            }
        };
        GradcheckCase c = new GradcheckCase("gru/step", StandardSuiteTest.config(Cell.gru(org.rnn4j.GruVariant
                .LINEAR_BEFORE_RESET), 2, 3, 2, true), 1, 2, null, 6);
        GradcheckReport r = GradientChecker.defaults().checkStep(b, c, 1, 0);
        assertEquals(Set.of("weightGrads(other layers untouched)"), failed(r), r::toTable);
    }

    /** The reference backend behind overridable methods. */
    private static class RnnBackendStub extends DelegatingBackend {
        RnnBackendStub() {
            super(new ReferenceBackend());
        }
    }

    private static GradientArgs copy(GradientArgs g) {
        return new GradientArgs().gradOutput(g.gradOutput()).gradHN(g.gradHN()).gradCN(g.gradCN())
                .gradInput(g.gradInput()).gradH0(g.gradH0()).gradC0(g.gradC0()).weightGrads(g.weightGrads())
                .accumulate(g.accumulate());
    }
}
