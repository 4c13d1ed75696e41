package org.rnn4j.gradcheck;

/**
 * The result for one tensor: its worst element, i.e. the one with the largest {@code absError / allowed}.
 *
 * @param tensor     what was checked: {@code input}, {@code h0}, {@code c0}, a parameter's {@code state_dict}
 *                   name such as {@code bias_hh_l1_reverse}, or a property row such as
 *                   {@code weightGrads(accumulate)}
 * @param elements   how many elements were compared
 * @param worstIndex flat index (in the tensor's memory order) of the worst element; -1 if none was compared
 * @param analytic   the backend's value at that element
 * @param numeric    the expected value there: the central finite difference, or the exact expectation of a
 *                   property row
 * @param absError   {@code |analytic - numeric|} (infinite if either is NaN)
 * @param allowed    the tolerance there, {@code atol + rtol·|numeric|}; 0 for rows that must match exactly
 * @param passed     whether every compared element was within its tolerance (and not too many were skipped)
 * @param skipped    elements left out because the finite difference straddled a kink (ReLU)
 */
public record TensorCheck(String tensor, int elements, int worstIndex, double analytic, double numeric,
                          double absError, double allowed, boolean passed, int skipped) {

    /** A row with nothing skipped. */
    public TensorCheck(String tensor, int elements, int worstIndex, double analytic, double numeric,
                       double absError, double allowed, boolean passed) {
        this(tensor, elements, worstIndex, analytic, numeric, absError, allowed, passed, 0);
    }

    /** {@code absError / allowed}: at most 1 for a passing element; infinite for a mismatch in an exact row. */
    public double ratio() {
        if (Double.isNaN(absError)) return Double.POSITIVE_INFINITY;
        if (allowed <= 0) return absError == 0 ? 0 : Double.POSITIVE_INFINITY;
        return absError / allowed;
    }
}
