package org.rnn4j.gradcheck;

/** Reduces element-wise comparisons to one {@link TensorCheck} row holding the worst element. */
final class Comparisons {
    private Comparisons() {}

    /** Tensors with more skipped elements than this fail: a check that mostly skipped checked nothing. */
    static int maxSkipped(int elements) {
        return Math.max(1, elements / 10);
    }

    /**
     * Elementwise {@code |a − e| ≤ atol + rtol·|e|} (torch.autograd.gradcheck's rule) over the elements not
     * skipped ({@code skipped} may be null). NaN anywhere fails.
     */
    static TensorCheck close(String name, double[] analytic, double[] expected, boolean[] skipped, double atol,
                             double rtol) {
        int worst = -1, nSkipped = 0;
        double worstRatio = -1;
        boolean ok = true;
        for (int i = 0; i < analytic.length; i++) {
            if (skipped != null && skipped[i]) {
                nSkipped++;
                continue;
            }
            double allowed = atol + rtol * Math.abs(expected[i]);
            double err = absError(analytic[i], expected[i]);
            boolean good = err <= allowed;
            ok &= good;
            double ratio = err / allowed;
            if (ratio > worstRatio) {
                worstRatio = ratio;
                worst = i;
            }
        }
        boolean passed = ok && nSkipped <= maxSkipped(analytic.length);
        if (worst < 0) return new TensorCheck(name, analytic.length, -1, 0, 0, 0, atol, passed, nSkipped);
        double allowed = atol + rtol * Math.abs(expected[worst]);
        return new TensorCheck(name, analytic.length, worst, analytic[worst], expected[worst],
                absError(analytic[worst], expected[worst]), allowed, passed, nSkipped);
    }

    /** Exact equality (NaN equals NaN, so an untouched NaN-prefilled buffer compares equal to NaN). */
    static TensorCheck exact(String name, double[] got, double[] want) {
        int worst = got.length > 0 ? 0 : -1;
        double worstErr = -1;
        boolean ok = true;
        for (int i = 0; i < got.length; i++) {
            boolean same = got[i] == want[i] || (Double.isNaN(got[i]) && Double.isNaN(want[i]));
            double err = same ? 0 : absError(got[i], want[i]);
            ok &= same;
            if (err > worstErr) {
                worstErr = err;
                worst = i;
            }
        }
        if (worst < 0) return new TensorCheck(name, 0, -1, 0, 0, 0, 0, true, 0);
        return new TensorCheck(name, got.length, worst, got[worst], want[worst], Math.max(worstErr, 0), 0, ok, 0);
    }

    /** |a − b|, infinite when either is NaN so that NaN ranks worst. */
    static double absError(double a, double b) {
        double e = Math.abs(a - b);
        return Double.isNaN(e) ? Double.POSITIVE_INFINITY : e;
    }
}
