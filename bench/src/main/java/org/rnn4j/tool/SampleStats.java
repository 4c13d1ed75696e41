package org.rnn4j.tool;

import java.util.Arrays;

/**
 * Order statistics of timed samples (milliseconds). Quartiles interpolate linearly between order statistics
 * (position {@code (n - 1)·p} in the sorted samples, NumPy's default), so the median of an even count is the mean
 * of the two middle samples.
 */
record SampleStats(int count, double min, double q1, double median, double q3, double max) {
    static SampleStats of(double[] samplesMs) {
        if (samplesMs.length == 0) throw new IllegalArgumentException("samples: expected at least one but was none");
        double[] s = samplesMs.clone();
        Arrays.sort(s);
        return new SampleStats(s.length, s[0], quantile(s, 0.25), quantile(s, 0.5), quantile(s, 0.75),
                s[s.length - 1]);
    }

    /** Quantile {@code p} of sorted {@code s}, linear interpolation at position (n - 1)·p. */
    static double quantile(double[] s, double p) {
        double h = (s.length - 1) * p;
        int lo = (int) Math.floor(h);
        int hi = Math.min(lo + 1, s.length - 1);
        return s[lo] + (h - lo) * (s[hi] - s[lo]);
    }

    /** Interquartile range relative to the median, in percent. */
    double iqrPercent() {
        return median > 0 ? 100 * (q3 - q1) / median : Double.NaN;
    }
}
