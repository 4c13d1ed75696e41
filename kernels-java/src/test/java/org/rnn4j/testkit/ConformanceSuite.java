package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.DType;
import org.rnn4j.conform.CaseDirectory;
import org.rnn4j.conform.CaseResult;
import org.rnn4j.conform.Conformance;
import org.rnn4j.spi.RnnBackend;

/**
 * Contract (o) of docs/contract.md: the backend against the 13 PyTorch autograd fixtures (class-path folder
 * {@value CaseDirectory#TORCH_FIXTURES}, from this module's test resources or from the {@code tests} jar of
 * rnn4j-kernels-java): every case passes, training forward, inference forward and backward, within
 * {@link BackendUnderTest#tolerance} (1e-10 in float64; at most 1e-4 in float32) of the float64 expectations.
 */
public abstract class ConformanceSuite extends BackendSuite {
    static final int CASES = 13;

    protected ConformanceSuite(BackendUnderTest backend) {
        super(backend);
    }

    @Test
    void everyFixturePassesInF64() throws IOException {
        check(DType.F64);
    }

    @Test
    void everyFixturePassesInF32() throws IOException {
        check(DType.F32);
    }

    private void check(DType dtype) throws IOException {
        double bound = backend.tolerance(dtype);
        List<CaseResult> results;
        try (CaseDirectory fixtures = CaseDirectory.onClassPath(CaseDirectory.TORCH_FIXTURES);
             RnnBackend b = backend.newBackend()) {
            results = Conformance.run(fixtures.path(), b, dtype);
        }
        assertEquals(CASES, results.size());
        for (CaseResult r : results) {
            assertTrue(r.passed(), r.line());
            assertTrue(r.maxError() <= bound, r.line());
        }
        Conformance.Summary s = Conformance.summarize(results);
        assertEquals(CASES, s.passed());
        assertEquals(0, s.failed());
        assertTrue(s.maxError() <= bound, s.line());
        assertTrue(s.line().matches("conform: 13 passed, 0 failed, max error \\d\\.\\d\\de-\\d\\d"), s.line());
    }
}
