package org.rnn4j.conform;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.rnn4j.DType;
import org.rnn4j.npy.NpyArray;

/**
 * Compares the results of one case with its expectations: the error of an array is
 * {@link Conformance#error} ({@code max|got − want| / max(1, max|want|)}), the case's error is the largest over
 * its arrays, and it passes at the case's threshold ({@link Conformance#threshold(DType, boolean)}).
 */
final class Comparison {
    private Comparison() {}

    /**
     * The result of case {@code name}: every entry of {@code want} against the result of the same name in
     * {@code got}, in {@code want}'s order (the first array with the largest error is the one reported).
     */
    static CaseResult compare(String name, Map<String, NpyArray> want, Map<String, double[]> got, DType dtype,
                              double threshold) {
        List<String> compared = List.copyOf(want.keySet());
        double worst = -1;
        String worstName = null;
        String detail = null;
        for (var e : want.entrySet()) {
            double[] w = e.getValue().toDoubleArray();
            double[] g = got.get(e.getKey());
            if (g == null || g.length < w.length) {
                return new CaseResult(name, false, Double.NaN, e.getKey(), "no result for " + e.getKey(), threshold,
                        compared);
            }
            int at = Conformance.worstIndex(w, g);
            double err = Conformance.error(w, g);
            if (err > worst) {
                worst = err;
                worstName = e.getKey();
                detail = at < 0 ? "" : " at element " + at + " " + index(e.getValue().shape(), at) + ": got "
                        + g[at] + ", want " + w[at];
            }
        }
        if (worstName == null) {
            return new CaseResult(name, false, Double.NaN, null, "nothing to compare", threshold, compared);
        }
        boolean passed = worst <= threshold;
        String reason = passed ? null : "error " + Conformance.formatError(worst) + " in " + worstName + " exceeds "
                + Conformance.formatError(threshold) + " (" + dtype.numpyName()
                + (threshold != Conformance.threshold(dtype) ? ", float32 expectations" : "") + ")" + detail;
        return new CaseResult(name, passed, worst, worstName, reason, threshold, compared);
    }

    /** The multi-index of flat index {@code flat} in {@code shape}, e.g. {@code [2, 0, 5]}. */
    static String index(int[] shape, int flat) {
        int[] idx = new int[shape.length];
        for (int d = shape.length - 1; d >= 0; d--) {
            idx[d] = shape[d] == 0 ? 0 : flat % shape[d];
            flat = shape[d] == 0 ? 0 : flat / shape[d];
        }
        return Arrays.toString(idx);
    }
}
