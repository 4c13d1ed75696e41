package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SamplerTest {
    @Test
    void settledNeedsThreeWindowsAndTwoFlatOnes() {
        assertFalse(Sampler.isSettled(List.of(), 2));
        assertFalse(Sampler.isSettled(List.of(10.0, 10.0), 2));
        assertTrue(Sampler.isSettled(List.of(10.0, 10.0, 10.0), 2));
        // Still improving by more than 2% per window: not settled.
        assertFalse(Sampler.isSettled(List.of(20.0, 18.0, 16.0, 15.0), 2));
        // The last window improved on all before it by 5%: not settled yet.
        assertFalse(Sampler.isSettled(List.of(20.0, 16.0, 16.1, 15.2), 2));
        // Two windows within 2% of the best earlier one (slower counts as flat: noise, not warm-up).
        assertTrue(Sampler.isSettled(List.of(20.0, 16.0, 15.8, 16.5), 2));
        assertTrue(Sampler.isSettled(List.of(20.4, 17.0, 15.3, 15.2, 15.1), 2));
        // The trial of issue 11: 20.4 ms cold, 15.2 warm; a window at 15.2 after 20.4 is not settled.
        assertFalse(Sampler.isSettled(List.of(20.4, 20.4, 15.2), 2));
    }

    @Test
    void warmUpStopsAtTheMaximumWhenTimingsKeepImproving() throws Exception {
        // A call that gets 10% faster every time never settles: the warm-up ends at --warmup-max.
        double[] cost = {2e6};
        Sampler.Settings s = new Sampler.Settings(3, 0, 0.5, 2, 5);
        Sampler.Measurement m = Sampler.measure(s, () -> {
            long end = System.nanoTime() + (long) cost[0];
            while (System.nanoTime() < end) Thread.onSpinWait();
            cost[0] = Math.max(1e4, cost[0] * 0.97);
        });
        assertFalse(m.settled(), m.windowMediansMs().toString());
        assertTrue(m.warmupSeconds() >= 0.5, Double.toString(m.warmupSeconds()));
        assertEquals(5, m.samplesMs().length);
    }

    @Test
    void warmUpOfASteadyCallSettlesAfterTheMinimumTime() throws Exception {
        Sampler.Settings s = new Sampler.Settings(5, 0.3, 30, 2, 6);
        Sampler.Measurement m = Sampler.measure(s, () -> {
            long end = System.nanoTime() + 1_000_000;
            while (System.nanoTime() < end) Thread.onSpinWait();
        });
        assertTrue(m.settled(), m.windowMediansMs().toString());
        assertTrue(m.warmupSeconds() >= 0.3 && m.warmupCalls() >= 3 * Sampler.WINDOW_CALLS, m.toString());
        assertEquals(6, m.samplesMs().length);
    }

    @Test
    void quartilesInterpolateLinearly() {
        SampleStats s = SampleStats.of(new double[] {4, 1, 3, 2});
        assertEquals(1, s.min());
        assertEquals(1.75, s.q1(), 1e-12);
        assertEquals(2.5, s.median(), 1e-12);
        assertEquals(3.25, s.q3(), 1e-12);
        assertEquals(4, s.max());
        SampleStats odd = SampleStats.of(new double[] {5, 1, 3, 2, 4});
        assertEquals(3, odd.median());
        assertEquals(2, odd.q1());
        assertEquals(4, odd.q3());
    }

    @Test
    void benchLinesFormatAndParse() {
        Sampler.Measurement m = new Sampler.Measurement(new double[] {2, 1, 4, 3, 5}, 17, 3.04, true, List.of(), -1, -1);
        String line = BenchLine.format(BenchLine.rnnIdentity("x", "lstm", "fwd", "f32",
                new Converters.Shape(1, 2, 3, 4), 2), m, 3e6, Map.of());
        assertEquals("bench: backend=x cell=lstm mode=fwd dtype=f32 T=1 N=2 I=3 H=4 threads=2 median_ms=3.0000 "
                + "gflops=1.000 min_ms=1.0000 q1_ms=2.0000 q3_ms=4.0000 max_ms=5.0000 samples=5 warmup_calls=17 "
                + "warmup_s=3.0 settled=yes", line);
        assertTrue(BenchCommandTest.LINE.matcher(line).matches());
        Map<String, String> f = BenchLine.parse(line);
        assertEquals("1.000", f.get("gflops"));
        assertEquals("lstm", f.get("cell"));
        assertEquals(null, BenchLine.parse("benchmark: lstm"));
    }
}
