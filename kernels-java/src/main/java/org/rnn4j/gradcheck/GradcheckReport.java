package org.rnn4j.gradcheck;

import java.util.List;
import java.util.Locale;

/**
 * The outcome of one {@link GradcheckCase} on one backend: a {@link TensorCheck} row per tensor checked.
 *
 * @param caseName the case's name
 * @param backend  the backend's name
 * @param tensors  one row per tensor, in the order they were checked
 */
public record GradcheckReport(String caseName, String backend, List<TensorCheck> tensors) {

    public GradcheckReport {
        tensors = List.copyOf(tensors);
    }

    /** True when at least one tensor was checked and every tensor passed. */
    public boolean passed() {
        if (tensors.isEmpty()) return false;
        for (TensorCheck t : tensors) if (!t.passed()) return false;
        return true;
    }

    /**
     * The row with the largest {@code absError / allowed}; failed rows rank above passed ones (a row can fail
     * with a small ratio when too many of its elements sat on a kink). Null when there are no rows.
     */
    public TensorCheck worst() {
        TensorCheck worst = null;
        for (TensorCheck t : tensors) {
            if (worst == null) {
                worst = t;
            } else if (worst.passed() != t.passed()) {
                if (!t.passed()) worst = t;
            } else if (t.ratio() > worst.ratio()) {
                worst = t;
            }
        }
        return worst;
    }

    /** A fixed-width text table: one line per tensor, then a summary line. */
    public String toTable() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "gradcheck %s on %s: %s%n", caseName, backend,
                passed() ? "PASS" : "FAIL"));
        sb.append(String.format(Locale.ROOT, "  %-34s %8s %7s %14s %14s %10s %10s %7s %s%n", "tensor", "elements",
                "worst", "analytic", "numeric", "|a-n|", "allowed", "skipped", "result"));
        for (TensorCheck t : tensors) {
            sb.append(String.format(Locale.ROOT, "  %-34s %8d %7d %14.6e %14.6e %10.2e %10.2e %7d %s%n", t.tensor(),
                    t.elements(), t.worstIndex(), t.analytic(), t.numeric(), t.absError(), t.allowed(), t.skipped(),
                    t.passed() ? "ok" : "FAIL"));
        }
        TensorCheck w = worst();
        if (w != null) {
            sb.append(String.format(Locale.ROOT, "  worst: %s (|a-n|/allowed = %.3g)%n", w.tensor(), w.ratio()));
        }
        return sb.toString();
    }
}
