package org.rnn4j.gradcheck;

import java.lang.foreign.MemorySegment;

/**
 * Central finite differences of a scalar loss with respect to every element of one float64 tensor, perturbed
 * in place and restored bit-exactly afterwards.
 */
final class FiniteDifferences {

    /** The loss at the current contents of every tensor. */
    @FunctionalInterface
    interface Loss {
        double eval();
    }

    /** The numeric gradient of one tensor and which of its elements were skipped (kinks). */
    record Result(double[] values, boolean[] skipped) {}

    private FiniteDifferences() {}

    /**
     * (L(x+eps) − L(x−eps)) / ((x+eps) − (x−eps)) for every element x of {@code t}: the denominator is the
     * step actually taken in floating point, which removes the representation error of {@code x ± eps}.
     *
     * @param changed     run after every write into {@code t} (e.g. {@code rnn::weightsChanged}), may be null
     * @param loss0       L at the unperturbed point, for the kink test
     * @param detectKinks when set, an element whose second difference shows a kink inside [x−eps, x+eps] that
     *                    could by itself shift the central difference by half the tolerance is skipped: for a
     *                    single kink the central difference errs by exactly |L(x+eps) − 2L(x) + L(x−eps)| / 2eps
     */
    static Result central(MemorySegment t, int elements, Loss loss, Runnable changed, double eps, double atol,
                          double rtol, double loss0, boolean detectKinks) {
        double[] g = new double[elements];
        boolean[] skipped = new boolean[elements];
        for (int i = 0; i < elements; i++) {
            double x = F64.get(t, i);
            double xp = x + eps, xm = x - eps;
            F64.set(t, i, xp);
            if (changed != null) changed.run();
            double lp = loss.eval();
            F64.set(t, i, xm);
            if (changed != null) changed.run();
            double lm = loss.eval();
            F64.set(t, i, x);
            if (changed != null) changed.run();
            g[i] = (lp - lm) / (xp - xm);
            if (detectKinks) {
                double kinkError = Math.abs(lp - 2 * loss0 + lm) / (xp - xm);
                skipped[i] = kinkError > 0.5 * (atol + rtol * Math.abs(g[i]));
            }
        }
        return new Result(g, skipped);
    }
}
