package org.rnn4j.testkit;

import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.DType;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.conform.Conformance;
import org.rnn4j.spi.RnnBackend;

/**
 * The backend a suite of the test kit runs against: its name (as {@link Backends} knows it), the options of
 * every instance the suites create, whether it is the oracle itself (the {@code reference} backend), and how
 * close its float32 results must come to the float64 reference.
 *
 * <p>Tolerances use the conformance error metric {@code max|got − want| / max(1, max|want|)} over a whole
 * array: at most {@link #F64_TOLERANCE} (1e-10) in float64 and {@link #f32Tolerance()} (at most
 * {@link Conformance#F32_THRESHOLD}, 1e-4) in float32, where float32 runs on float-representable data and is
 * compared with the float64 reference results of the same data.
 *
 * <p>A backend module's test class passes one of these to every suite:
 * <pre>{@code
 * class VectorBackendTest {
 *     static final BackendUnderTest VECTOR = BackendUnderTest.of("vector");
 *     @Nested class Accumulate extends AccumulateSuite { Accumulate() { super(VECTOR); } }
 *     ...
 * }
 * }</pre>
 *
 * @param name         the backend's name, e.g. {@code "reference"}, {@code "vector"}, {@code "native"}
 * @param options      options of every instance the suites create (threads)
 * @param oracle       true only for the reference backend itself: comparisons with the reference are then
 *                     skipped, and the reference's own documented specifics (float64 arithmetic for both
 *                     dtypes, empty inference workspaces, a prepared copy of the weights) are checked
 * @param f32Tolerance the largest float32 error allowed against the float64 reference, in (0, 1e-4]
 */
public record BackendUnderTest(String name, BackendOptions options, boolean oracle, double f32Tolerance) {
    private static final String REFERENCE_NAME = "reference";

    /** The largest float64 error allowed against the reference (and against the PyTorch fixtures). */
    public static final double F64_TOLERANCE = Conformance.F64_THRESHOLD;

    /** The reference backend: the oracle, single-threaded. */
    public static final BackendUnderTest REFERENCE =
            new BackendUnderTest("reference", BackendOptions.defaults(), true, Conformance.F32_THRESHOLD);

    public BackendUnderTest {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: expected a backend name but was '" + name + "'");
        }
        if (options == null) throw new IllegalArgumentException("options: expected BackendOptions but was null");
        if (!(f32Tolerance > 0 && f32Tolerance <= Conformance.F32_THRESHOLD)) {
            throw new IllegalArgumentException("f32Tolerance: expected a value in (0, " + Conformance.F32_THRESHOLD
                    + "] (the conformance threshold) but was " + f32Tolerance);
        }
        if (oracle && !name.equals(REFERENCE_NAME)) {
            throw new IllegalArgumentException("oracle: expected true only for '" + REFERENCE_NAME + "' but was "
                    + "true for '" + name + "'");
        }
    }

    /** A backend compared with the reference, default options, the conformance tolerance in float32. */
    public static BackendUnderTest of(String name) {
        return new BackendUnderTest(name, BackendOptions.defaults(), false, Conformance.F32_THRESHOLD);
    }

    /** The same backend with other options (e.g. {@code BackendOptions.threads(2)}). */
    public BackendUnderTest withOptions(BackendOptions options) {
        return new BackendUnderTest(name, options, oracle, f32Tolerance);
    }

    /** The same backend with a tighter float32 tolerance. */
    public BackendUnderTest withF32Tolerance(double tolerance) {
        return new BackendUnderTest(name, options, oracle, tolerance);
    }

    /** The allowed error in {@code dtype}: {@link #F64_TOLERANCE} or {@link #f32Tolerance()}. */
    public double tolerance(DType dtype) {
        return dtype == DType.F64 ? F64_TOLERANCE : f32Tolerance;
    }

    /**
     * Whether this is the {@code reference} backend (in any role): the suites then also check what its
     * documentation promises beyond the contract (float64 arithmetic for both dtypes, empty INFERENCE
     * workspaces, computing from its prepared copy of the weights until {@code weightsChanged()}, per-call
     * working arrays that exempt it from the allocation-free rule).
     */
    public boolean isReferenceBackend() {
        return name.equals(REFERENCE_NAME);
    }

    /** Null when the backend can run here, otherwise why not (the suites then skip, with that reason). */
    public String unavailableReason() {
        for (Backends.Info i : Backends.list()) {
            if (i.name().equals(name)) return i.available() ? null : i.reason();
        }
        return "no backend named '" + name + "' (known: " + Backends.list() + ")";
    }

    /**
     * An {@link Rnn} that owns a new instance of this backend (the owning form of {@link Rnn#create}); close
     * it after use.
     */
    public Rnn create(RnnConfig config, RnnParameters weights) {
        return Rnn.create(config, weights, name, options);
    }

    /** A new instance of this backend, which the caller closes (for the conformance runner, the checker). */
    public RnnBackend newBackend() {
        return Backends.get(name, options);
    }

    @Override
    public String toString() {
        return name + (options.equals(BackendOptions.defaults()) ? "" : " " + options);
    }
}
