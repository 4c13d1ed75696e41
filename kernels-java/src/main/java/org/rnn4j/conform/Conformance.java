package org.rnn4j.conform;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.rnn4j.DType;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.spi.RnnBackend;

/**
 * Runs a directory of reference cases ({@code cases.json} plus one {@code .npz} per case, see the
 * {@linkplain org.rnn4j.conform package documentation}) on a backend through the public {@link Rnn} API with
 * off-heap segments — a training forward and its backward, and an inference forward — and compares every
 * output and gradient the case holds (a reference may give only some; a case holding none fails).
 *
 * <p>The directory is a {@link Path}, so it may live on any file system: a plain directory, or a folder of a
 * zip file system (fixtures bundled inside a jar).
 *
 * <p>A case that cannot run (unknown cell, missing file or array, wrong shape, an exception from the backend)
 * becomes a failed {@link CaseResult} with the reason; it never stops the other cases. Only a directory without
 * a readable {@code cases.json} is an {@link IOException}.
 *
 * <pre>{@code
 * List<CaseResult> results = Conformance.run(Path.of("my-fixtures"), Backends.get("reference"), DType.F64);
 * Conformance.Summary s = Conformance.summarize(results);
 * System.out.println(s.line());   // conform: 13 passed, 0 failed, max error 6.26e-16
 * }</pre>
 *
 * <p>The work is split by job: {@link CaseSpec} parses the index, {@link CaseArrays} loads and checks a case's
 * arrays, {@link CaseExecution} runs it, {@link Comparison} compares the results.
 */
public final class Conformance {
    /** Largest error a case may have in float64. */
    public static final double F64_THRESHOLD = 1e-10;
    /** Largest error a case may have in float32 (compared with the float64 expectations). */
    public static final double F32_THRESHOLD = 1e-4;

    /** The index file every case directory holds. */
    public static final String INDEX = "cases.json";

    private Conformance() {}

    /**
     * The error of one result array against its expectation: {@code max|got − want| / max(1, max|want|)} over
     * the first {@code want.length} elements, NaN or infinity in {@code got} counting as an infinite error. The
     * metric of every comparison here, and of the test kit's comparisons with the reference.
     */
    public static double error(double[] want, double[] got) {
        int at = worstIndex(want, got);
        if (at < 0) return 0;
        double diff = Math.abs(got[at] - want[at]);
        return Double.isNaN(diff) ? Double.POSITIVE_INFINITY : diff / scale(want);
    }

    /**
     * The index of the first element where {@code |got − want|} is largest (NaN counts as the largest), or -1
     * when {@code want} is empty.
     */
    public static int worstIndex(double[] want, double[] got) {
        double maxDiff = 0;
        int at = -1;
        for (int i = 0; i < want.length; i++) {
            double diff = Math.abs(got[i] - want[i]);
            if (Double.isNaN(diff)) diff = Double.POSITIVE_INFINITY;
            if (at < 0 || diff > maxDiff) {
                maxDiff = diff;
                at = i;
            }
        }
        return at;
    }

    private static double scale(double[] want) {
        double scale = 1;
        for (double v : want) scale = Math.max(scale, Math.abs(v));
        return scale;
    }

    /** The threshold of {@code dtype}: {@link #F64_THRESHOLD} or {@link #F32_THRESHOLD}. */
    public static double threshold(DType dtype) {
        return dtype == DType.F64 ? F64_THRESHOLD : F32_THRESHOLD;
    }

    /**
     * The threshold of a case run in {@code dtype}: {@link #threshold(DType)}, except that expectations stored as
     * float32 ({@code float32Expectations}, such as ONNX's operator tests) carry float32 accuracy only and are
     * compared at {@link #F32_THRESHOLD} in a float64 run too.
     */
    public static double threshold(DType dtype, boolean float32Expectations) {
        return float32Expectations ? F32_THRESHOLD : threshold(dtype);
    }

    /** Totals of a run. */
    public record Summary(int passed, int failed, double maxError) {
        /** {@code conform: P passed, F failed, max error E}. */
        public String line() {
            return "conform: " + passed + " passed, " + failed + " failed, max error " + formatError(maxError);
        }

        /** True when at least one case ran and none failed. */
        public boolean ok() {
            return failed == 0 && passed > 0;
        }
    }

    /**
     * Counts passes and failures; the max error is the largest over the cases that ran (+Infinity if any
     * result held NaN or infinity, NaN if no case ran).
     */
    public static Summary summarize(List<CaseResult> results) {
        int p = 0, f = 0;
        double max = Double.NaN;
        for (CaseResult r : results) {
            if (r.passed()) p++; else f++;
            if (r.ran() && (Double.isNaN(max) || r.maxError() > max)) max = r.maxError();
        }
        return new Summary(p, f, max);
    }

    /**
     * Formats an error with three significant digits, like {@code 3.21e-15} (and {@code inf}, {@code n/a} for
     * infinity, NaN): enough that an error just above a threshold (1.04e-10) never prints as the threshold.
     */
    public static String formatError(double e) {
        if (Double.isNaN(e)) return "n/a";
        if (Double.isInfinite(e)) return "inf";
        return String.format(Locale.ROOT, "%.2e", e);
    }

    /**
     * Runs every case of {@code dir} on {@code backend} in {@code dtype}, in {@code cases.json} order.
     *
     * @throws IOException if {@code dir/cases.json} cannot be read or is not a cases index
     */
    public static List<CaseResult> run(Path dir, RnnBackend backend, DType dtype) throws IOException {
        if (dir == null) throw new IllegalArgumentException("dir: expected a directory but was null");
        if (backend == null) throw new IllegalArgumentException("backend: expected an RnnBackend but was null");
        if (dtype == null) throw new IllegalArgumentException("dtype: expected F32 or F64 but was null");
        List<Map<String, Object>> cases = CaseSpec.readIndex(dir);
        List<CaseResult> results = new ArrayList<>(cases.size());
        for (int k = 0; k < cases.size(); k++) {
            results.add(runCase(dir, cases.get(k), CaseSpec.nameOf(cases.get(k), k), backend, dtype));
        }
        return results;
    }

    private static CaseResult runCase(Path dir, Map<String, Object> json, String name, RnnBackend backend,
                                      DType dtype) {
        try {
            CaseSpec spec = CaseSpec.parse(json, name);
            RnnConfig cfg = spec.config(dtype);
            CaseArrays data = CaseArrays.load(dir, spec, cfg);
            Map<String, double[]> got = CaseExecution.run(cfg, spec, data, backend, dtype);
            return Comparison.compare(name, data.want(), got, dtype, threshold(dtype, data.float32Expectations()));
        } catch (CaseFailure f) {
            return new CaseResult(name, false, Double.NaN, f.array, f.getMessage());
        } catch (Exception | AssertionError | LinkageError | StackOverflowError e) {
            return new CaseResult(name, false, Double.NaN, null, "cannot run: " + describe(e));
        }
    }

    private static String describe(Throwable e) {
        String msg = e.getMessage();
        String type = e.getClass().getSimpleName();
        return msg == null ? type : (e instanceof IllegalArgumentException ? msg : type + ": " + msg);
    }
}
