package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Backends;
import org.rnn4j.DType;

/**
 * The cross-check the two fast backends exist for: {@code native} (C++, OpenBLAS) and {@code vector} (Java Vector
 * API) agree in float32 on the same data, every output and gradient of a full round of calls, within
 * {@link #TOLERANCE} by the conformance metric (docs/kernels.md, "Precision"); and in float64 within 1e-12.
 */
class NativeMatchesVectorTest {
    /** The documented float32 agreement of the two fast backends. */
    static final double TOLERANCE = 1e-5;

    @TestFactory
    Stream<DynamicTest> nativeAgreesWithVector() {
        return NativeRuns.everyCase(31, (c, dt, sd) -> {
            var vector = Backends.list().stream().filter(i -> i.name().equals("vector")).findFirst().orElseThrow();
            assumeTrue(vector.available(), () -> "vector: " + vector.reason());
            Map<String, double[]> nat = NativeRuns.run("native", 2, c, dt, sd);
            Map<String, double[]> vec = NativeRuns.run("vector", 2, c, dt, sd);
            StringBuilder where = new StringBuilder();
            double err = NativeRuns.worst(nat, vec, where);
            double bound = dt == DType.F32 ? TOLERANCE : 1e-12;
            System.out.printf("native vs vector %s %s: %.2e (%s)%n", c, dt, err, where);
            assertTrue(err <= bound, () -> "native vs vector " + c + " " + dt + ": " + err + " in " + where);
        });
    }
}
