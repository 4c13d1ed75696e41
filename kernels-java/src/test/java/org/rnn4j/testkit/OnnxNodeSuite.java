package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
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
 * Contract (o) of docs/contract.md, an outside check: the backend against ONNX's own LSTM, GRU and RNN operator
 * tests (class-path folder {@value CaseDirectory#ONNX_NODE_TESTS}, converted by
 * {@code bench/onnx/convert_onnx_node_tests.py} from Debian's libonnx-testdata and from rnn4j's own node tests
 * with distinct per-gate weights, bidirectional and reverse directions, sequence_lens and both layouts). They
 * are forward only; each case compares the outputs its test holds, training and inference forward.
 *
 * <p>Thresholds: rnn4j's own cases are float64 and are compared at {@link BackendUnderTest#tolerance} (1e-10
 * in float64, the backend's float32 tolerance in float32). ONNX's official cases are float32 data computed in
 * float32: their expectations carry float32 accuracy only, so the conformance runner compares them at the float32
 * threshold 1e-4 in a float64 run as well (its rule for float32 expectations), and this suite also requires at
 * most {@link #FLOAT32_EXPECTATIONS_IN_F64} there (the rounding of the expectations to float32 is about 6e-8);
 * in float32 they are compared at the backend's float32 tolerance.
 */
public abstract class OnnxNodeSuite extends BackendSuite {
    /** ONNX's official LSTM/GRU/RNN node tests (ONNX 1.12) plus rnn4j's own expressible ones. */
    static final int CASES = 26;

    /** The largest error of a float64 run on ONNX's float32 expectations (measured: 5.1e-8 on the reference). */
    public static final double FLOAT32_EXPECTATIONS_IN_F64 = 1e-6;

    protected OnnxNodeSuite(BackendUnderTest backend) {
        super(backend);
    }

    @Test
    void everyConvertedOnnxNodeTestPassesInF64() throws IOException {
        check(DType.F64);
    }

    @Test
    void everyConvertedOnnxNodeTestPassesInF32() throws IOException {
        check(DType.F32);
    }

    private void check(DType dtype) throws IOException {
        List<CaseResult> results;
        try (CaseDirectory cases = CaseDirectory.onClassPath(CaseDirectory.ONNX_NODE_TESTS);
             RnnBackend b = backend.newBackend()) {
            results = Conformance.run(cases.path(), b, dtype);
        }
        assertEquals(CASES, results.size());
        for (CaseResult r : results) {
            boolean official = !r.name().startsWith("test_rnn4j_");
            double bound = official && dtype == DType.F64 ? FLOAT32_EXPECTATIONS_IN_F64 : backend.tolerance(dtype);
            assertTrue(r.passed(), r.line());
            assertTrue(r.maxError() <= bound, r.line());
            assertEquals(official ? Conformance.F32_THRESHOLD : Conformance.threshold(dtype), r.threshold(), r.line());
            assertFalse(r.compared().isEmpty(), r.line());
            assertTrue(r.compared().stream().noneMatch(a -> a.startsWith("grad_")), r.line());
        }
        Conformance.Summary s = Conformance.summarize(results);
        assertEquals(CASES, s.passed());
        assertEquals(0, s.failed());
        assertTrue(s.line().matches("conform: 26 passed, 0 failed, max error \\d\\.\\d\\de-\\d\\d"), s.line());
    }
}
