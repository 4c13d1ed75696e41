package org.rnn4j.conform;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one conformance case.
 *
 * @param name       the case's name from {@code cases.json} (or {@code case #k} when it has none)
 * @param passed     whether the case ran and every compared array was within the threshold
 * @param maxError   the largest {@code max|got − want| / max(1, max|want|)} over all compared arrays;
 *                   {@code +Infinity} when a result held NaN or infinity; NaN when the case could not run
 * @param worstArray the array with {@code maxError} (e.g. {@code grad_weight_hh_l0}), or the array a
 *                   failure to run concerns (missing, wrong shape); null when none applies
 * @param reason     why the case failed, null when it passed
 * @param threshold  the largest error the case was allowed ({@link Conformance#threshold(org.rnn4j.DType,
 *                   boolean)}); NaN when it did not get as far as knowing it
 * @param compared   the results compared, in order (e.g. {@code output}, {@code output(inference)},
 *                   {@code grad_input}, ...): those the case holds; empty when it did not run
 */
public record CaseResult(String name, boolean passed, double maxError, String worstArray, String reason,
                         double threshold, List<String> compared) {

    public CaseResult {
        compared = compared == null ? List.of() : List.copyOf(compared);
    }

    /** A result with no threshold and nothing compared (a case that could not run). */
    public CaseResult(String name, boolean passed, double maxError, String worstArray, String reason) {
        this(name, passed, maxError, worstArray, reason, Double.NaN, List.of());
    }

    /** Whether the case ran to the comparison (it may still have failed the threshold). */
    public boolean ran() {
        return !Double.isNaN(maxError);
    }

    /** One line: name, PASS/FAIL, max error and worst array, and the reason of a failure. */
    public String line() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-44s %s  max error %-8s", name, passed ? "PASS" : "FAIL",
                Conformance.formatError(maxError)));
        if (worstArray != null) sb.append("  (").append(worstArray).append(')');
        if (reason != null) sb.append("  ").append(reason);
        return sb.toString();
    }
}
