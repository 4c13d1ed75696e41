package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;

/**
 * Contract (e) of docs/contract.md. Per-sample lengths: outputs past a sample's length are exactly 0; h_n/c_n are the states at the last
 * valid step (for the reverse direction, the state after it reached t = 0); a sample run alone with T = its
 * length gives the same output, h_n, c_n and gradients as inside the padded batch, in both directions of
 * bidirectional layers; the gradient w.r.t. the input past the length is exactly 0 (and the upstream gradient
 * there is ignored); the weight gradients of the batch are the sum of those of the samples run alone.
 */
public abstract class VarlenSuite extends BackendSuite {

    protected VarlenSuite(BackendUnderTest backend) {
        super(backend);
    }

    /** Sample n of a time-major [T, N, C] array, first {@code len} steps: [len, 1, C]. */
    static double[] sample(double[] tm, int N, int C, int n, int len) {
        if (tm == null) return null;
        double[] out = new double[len * C];
        for (int t = 0; t < len; t++) System.arraycopy(tm, (t * N + n) * C, out, t * C, C);
        return out;
    }

    /** Sample n of a [R, N, H] state array: [R, 1, H]. */
    static double[] state(double[] s, int R, int N, int H, int n) {
        if (s == null) return null;
        double[] out = new double[R * H];
        for (int r = 0; r < R; r++) System.arraycopy(s, (r * N + n) * H, out, r * H, H);
        return out;
    }

    /** Sample n of {@code p} as a problem of its own: one sample, T = its length, no lengths. */
    static Kit.Problem alone(Kit.Problem p, RnnConfig cfg, int n) {
        int len = p.lengths[n], N = p.N, R = cfg.stateRows(), H = cfg.hiddenSize();
        Kit.Problem q = new Kit.Problem();
        q.T = len;
        q.N = 1;
        q.x = sample(p.x, N, cfg.inputSize(), n, len);
        q.h0 = state(p.h0, R, N, H, n);
        q.c0 = state(p.c0, R, N, H, n);
        q.dy = sample(p.dy, N, cfg.outputSize(), n, len);
        q.dhN = state(p.dhN, R, N, H, n);
        q.dcN = state(p.dcN, R, N, H, n);
        return q;
    }

    @TestFactory
    Stream<DynamicTest> varlen() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 900;
        int[][] lengthSets = {{3, 5, 1, 4}, {1, 1, 1, 1}, {5, 5, 5, 2}};
        for (Cell cell : Cell.all()) {
            for (Layout layout : Layout.values()) {
                for (int[] lengths : lengthSets) {
                    long sd = seed++;
                    String name = cell.id() + " " + layout + " lengths " + java.util.Arrays.toString(lengths);
                    tests.add(dynamicTest(name, () -> check(cell, layout, lengths, sd)));
                }
            }
        }
        return tests.stream();
    }

    void check(Cell cell, Layout layout, int[] lengths, long seed) {
        int T = 5, N = lengths.length, H = 3, I = 2;
        RnnConfig cfg = Kit.config(cell, I, H, 2, true, DType.F64, layout);
        int L = cfg.layers(), D = cfg.directions(), R = L * D, O = cfg.outputSize();
        boolean lstm = cell.hasCellState();
        Kit.Net net = Kit.Net.random(cfg, seed);
        Kit.Problem p = Kit.Problem.random(cfg, T, N, lengths, seed + 1);
        try (Rnn rnn = net.rnn(backend)) {
            Kit.Result b = Kit.run(rnn, p); // outputs pre-filled with NaN

            for (int n = 0; n < N; n++) {
                int len = lengths[n];
                for (int t = len; t < T; t++) {
                    for (int k = 0; k < O; k++) {
                        assertEquals(0.0, b.y[(t * N + n) * O + k], "output past length: t=" + t + " n=" + n);
                    }
                    for (int k = 0; k < I; k++) {
                        assertEquals(0.0, b.dx[(t * N + n) * I + k], "gradInput past length: t=" + t + " n=" + n);
                    }
                }
                // the top layer's h_n: forward direction at t = len-1, reverse direction at t = 0
                int top = (L - 1) * D;
                for (int j = 0; j < H; j++) {
                    assertEquals(b.y[((len - 1) * N + n) * O + j], b.hN[(top * N + n) * H + j],
                            "hN forward = output at len-1, n=" + n);
                    assertEquals(b.y[(n) * O + H + j], b.hN[((top + 1) * N + n) * H + j],
                            "hN reverse = output at t=0, n=" + n);
                }

                // the sample alone, T = its length
                Kit.Result s = Kit.run(rnn, alone(p, cfg, n));
                String at = "sample " + n + " alone";
                Kit.assertClose(at + " output", s.y, sample(b.y, N, O, n, len), 1e-13, 1e-14);
                Kit.assertClose(at + " hN", s.hN, state(b.hN, R, N, H, n), 1e-13, 1e-14);
                if (lstm) Kit.assertClose(at + " cN", s.cN, state(b.cN, R, N, H, n), 1e-13, 1e-14);
                Kit.assertClose(at + " gradInput", s.dx, sample(b.dx, N, I, n, len), 1e-12, 1e-13);
                Kit.assertClose(at + " gradH0", s.dh0, state(b.dh0, R, N, H, n), 1e-12, 1e-13);
                if (lstm) Kit.assertClose(at + " gradC0", s.dc0, state(b.dc0, R, N, H, n), 1e-12, 1e-13);
            }

            // weight gradients: the batch's are the sum over samples run alone
            double[][] sum = null;
            for (int n = 0; n < N; n++) {
                double[][] g = Kit.run(rnn, alone(p, cfg, n)).dw;
                if (sum == null) sum = g;
                else for (int i = 0; i < g.length; i++) for (int k = 0; k < g[i].length; k++) sum[i][k] += g[i][k];
            }
            for (int i = 0; i < sum.length; i++) {
                Kit.assertClose("weight grad " + net.paramName(i) + " = sum over samples", sum[i], b.dw[i], 1e-12,
                        1e-13);
            }

            // padding content (input and upstream gradient past each length) does not matter
            Kit.Problem noisy = p.copy();
            noisy.x = p.x.clone();
            noisy.dy = p.dy.clone();
            for (int n = 0; n < N; n++) {
                for (int t = lengths[n]; t < T; t++) {
                    for (int k = 0; k < I; k++) noisy.x[(t * N + n) * I + k] = 1e3 * (k + 1);
                    for (int k = 0; k < O; k++) noisy.dy[(t * N + n) * O + k] = -7e2 * (k + 1);
                }
            }
            Kit.assertIdentical("garbage in the padding", b, Kit.run(rnn, noisy));
        }
    }
}
