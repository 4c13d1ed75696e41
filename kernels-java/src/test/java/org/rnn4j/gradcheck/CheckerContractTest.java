package org.rnn4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.reference.ReferenceBackend;

/** Argument validation, the suite's coverage, and the kink test of the finite differences. */
class CheckerContractTest {

    @Test
    void float32ConfigIsRejectedWithAClearMessage() {
        RnnConfig f32 = RnnConfig.builder(Cell.lstm(), 2, 3).dtype(DType.F32).build();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new GradcheckCase("f32", f32, 2, 1, null, 1));
        assertTrue(e.getMessage().startsWith("config:"), e.getMessage());
        assertTrue(e.getMessage().contains("finite differences need float64"), e.getMessage());
        assertTrue(e.getMessage().contains("float32"), e.getMessage());
    }

    @Test
    void toleranceArgumentsAreValidatedByName() {
        assertMessage("eps:", () -> new GradientChecker(0, 1e-5, 1e-3));
        assertMessage("atol:", () -> new GradientChecker(1e-6, -1, 1e-3));
        assertMessage("rtol:", () -> new GradientChecker(1e-6, 1e-5, Double.NaN));
        assertMessage("eps:", () -> new GradientChecker(Double.POSITIVE_INFINITY, 1e-5, 1e-3));
        GradientChecker d = GradientChecker.defaults();
        assertEquals(1e-6, d.eps());
        assertEquals(1e-5, d.atol());
        assertEquals(1e-3, d.rtol());
    }

    @Test
    void caseAndCallArgumentsAreValidatedByName() {
        RnnConfig cfg = RnnConfig.builder(Cell.gru(org.rnn4j.GruVariant.RESET_BEFORE), 2, 2).dtype(DType.F64).build();
        assertMessage("lengths[1]:", () -> new GradcheckCase("x", cfg, 3, 2, new int[] {1, 4}, 1));
        assertMessage("lengths:", () -> new GradcheckCase("x", cfg, 3, 2, new int[] {1}, 1));
        assertMessage("batch:", () -> new GradcheckCase("x", cfg, 3, 0, null, 1));
        GradcheckCase c = new GradcheckCase("x", cfg, 3, 2, null, 1);
        assertMessage("backend:", () -> GradientChecker.defaults().check(null, c));
        assertMessage("case:", () -> GradientChecker.defaults().check(new ReferenceBackend(), (GradcheckCase) null));
        assertMessage("data:", () -> GradientChecker.defaults().check(new ReferenceBackend(), (GradcheckData) null));
        assertMessage("data:", () -> GradientChecker.defaults().checkStep(new ReferenceBackend(), null));
        assertMessage("layer:", () -> GradientChecker.defaults().checkStep(new ReferenceBackend(), c, 1, 0));
        assertMessage("direction:", () -> GradientChecker.defaults().checkStep(new ReferenceBackend(), c, 0, 1));
    }

    @Test
    void standardSuiteCoversEveryCellAndFeature() {
        List<GradcheckCase> all = GradcheckCase.standard();
        Set<String> cells = all.stream().map(c -> c.config().cell().id()).collect(Collectors.toSet());
        assertEquals(Cell.all().stream().map(Cell::id).collect(Collectors.toSet()), cells);
        for (Cell cell : Cell.all()) {
            List<GradcheckCase> mine = all.stream().filter(c -> c.config().cell().equals(cell)).toList();
            assertTrue(mine.stream().anyMatch(c -> c.config().layers() == 2 && !c.config().bidirectional()));
            assertTrue(mine.stream().anyMatch(c -> c.config().bidirectional()));
            assertTrue(mine.stream().anyMatch(c -> c.config().layout() == org.rnn4j.Layout.BATCH_FIRST));
            assertTrue(mine.stream().anyMatch(c -> c.seqLength() == 1 && c.batch() == 1));
            assertTrue(mine.stream().anyMatch(c -> {
                int[] l = c.lengths();
                if (l == null) return false;
                boolean has1 = false, hasT = false, unsorted = false;
                for (int i = 0; i < l.length; i++) {
                    has1 |= l[i] == 1;
                    hasT |= l[i] == c.seqLength();
                    if (i > 0 && l[i] > l[i - 1]) unsorted = true;
                }
                return has1 && hasT && unsorted;
            }));
        }
    }

    @Test
    void kinkInsideTheProbeIntervalIsSkippedAndSmoothPointsAreNot() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment x = F64.alloc(arena, 3);
            F64.set(x, 0, 3e-7);  // relu kink at 0 lies inside [x - 1e-6, x + 1e-6]
            F64.set(x, 1, 0.5);   // far from the kink
            F64.set(x, 2, -0.25); // far from the kink, inactive side
            FiniteDifferences.Loss relu = () -> {
                double s = 0;
                for (int i = 0; i < 3; i++) s += 2 * Math.max(0, F64.get(x, i));
                return s;
            };
            FiniteDifferences.Result r = FiniteDifferences.central(x, 3, relu, null, 1e-6, 1e-5, 1e-3,
                    relu.eval(), true);
            assertTrue(r.skipped()[0]);
            assertFalse(r.skipped()[1]);
            assertFalse(r.skipped()[2]);
            assertEquals(2.0, r.values()[1], 1e-9);
            assertEquals(0.0, r.values()[2], 0.0);
            assertEquals(3e-7, F64.get(x, 0), 0.0); // restored exactly
            TensorCheck row = Comparisons.close("x", new double[] {2, 2, 0}, r.values(), r.skipped(), 1e-5, 1e-3);
            assertTrue(row.passed());
            assertEquals(1, row.skipped());
        }
    }

    @Test
    void reluReportsStaySensitiveDespiteSkipping() {
        // Kink skipping must not hide a wrong gradient: an all-skipped tensor with several elements fails.
        TensorCheck row = Comparisons.close("w", new double[] {1, 2, 3}, new double[] {9, 9, 9},
                new boolean[] {true, true, true}, 1e-5, 1e-3);
        assertFalse(row.passed());
        assertEquals(3, row.skipped());
    }

    private static void assertMessage(String prefix, org.junit.jupiter.api.function.Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(prefix), () -> "expected '" + prefix + "...' but was: " + e.getMessage());
    }
}
