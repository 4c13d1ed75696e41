package org.rnn4j.examples;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.gradcheck.GradcheckData;
import org.rnn4j.gradcheck.GradcheckReport;
import org.rnn4j.gradcheck.GradcheckStepData;
import org.rnn4j.gradcheck.GradientChecker;
import org.rnn4j.spi.RnnBackend;

/** A test suite's gradient check of its own LSTM data through rnn4j's checker (pasted into docs/usage.md). */
class MyLstmGradientsTest {
    static final int T = 4, N = 2, I = 3, H = 5;
    static final RnnConfig CFG = RnnConfig.builder(Cell.lstm(), I, H).dtype(DType.F64).build(); // float64 only

    @Test
    void backwardMatchesFiniteDifferences() {
        GradcheckData data = GradcheckData.builder(CFG, T, N)
                .weights(myWeights())                      // every state_dict tensor
                .input(values(T * N * I, 1.0, 10))         // [T, N, I]
                .h0(values(N * H, 0.5, 11))                // [L·D, N, H]; optional (zero)
                .c0(values(N * H, 0.5, 12))
                .lengths(new int[] {4, 2})                 // optional
                .gradOutput(values(T * N * H, 1.0, 13))    // the loss: L = Σ output·gradOutput + Σ hN·gradHN
                .gradHN(values(N * H, 1.0, 14))
                .build();                                  // checks every argument, copies every value
        try (RnnBackend backend = Backends.get(Backends.nameFromSystemProperty("reference"))) {
            GradcheckReport r = GradientChecker.defaults().check(backend, data);   // eps 1e-6, atol 1e-5, rtol 1e-3
            assertTrue(r.passed(), r::toTable);
        }
    }

    @Test
    void oneStepMatchesFiniteDifferences() {
        GradcheckStepData step = GradcheckStepData.builder(CFG, 0, 0, N)   // layer 0, forward direction
                .weights(myWeights())
                .input(values(N * I, 1.0, 20))             // [N, I]
                .hPrev(values(N * H, 0.5, 21))
                .cPrev(values(N * H, 0.5, 22))
                .gradHNext(values(N * H, 1.0, 23))         // L = Σ hNext·gradHNext
                .build();
        try (RnnBackend backend = Backends.get(Backends.nameFromSystemProperty("reference"))) {
            GradcheckReport r = GradientChecker.defaults().checkStep(backend, step);
            assertTrue(r.passed(), r::toTable);
        }
    }

    /** The suite's own weights (made up here), under PyTorch's state_dict names and shapes. */
    static RnnParameters myWeights() {
        RnnParameters w = RnnParameters.of(CFG);
        int seed = 0;
        for (ParamId id : CFG.parameterIds()) w.set(id.name(), values((int) CFG.parameterSize(id), 0.4, ++seed));
        return w;
    }

    static double[] values(int n, double scale, int seed) {
        double[] v = new double[n];
        for (int k = 0; k < n; k++) v[k] = scale * Math.sin(0.7 * k + seed);
        return v;
    }
}
