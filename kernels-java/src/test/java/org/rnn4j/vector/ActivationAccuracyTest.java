package org.rnn4j.vector;

import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;
import org.rnn4j.vector.f32.ActivationsF32;
import org.rnn4j.vector.f64.ActivationsF64;

/**
 * The documented error bounds of the vector activations: float32 tanh and sigmoid within 3e-7 absolute of the
 * float64 truth over every float in [-12, 12] on a fine grid plus the extremes; float64 within 1e-15.
 */
class ActivationAccuracyTest {
    static final int V32 = Species.F32.length();
    static final int V64 = Species.F64.length();

    static float[] grid() {
        int n = 1 << 22;
        float[] x = new float[n + 8 * V32];
        for (int i = 0; i < n; i++) x[i] = -12f + 24f * i / n;
        float[] extra = {0f, -0f, 1e-30f, -1e-30f, 1e-7f, 9f, -9f, 20f, -20f, 88f, -88f, 1e30f, -1e30f,
                Float.MAX_VALUE, -Float.MAX_VALUE, Float.MIN_VALUE};
        System.arraycopy(extra, 0, x, n, extra.length);
        return java.util.Arrays.copyOf(x, n + extra.length);
    }

    @Test
    void float32TanhAndSigmoid() {
        float[] x = grid();
        double worstTanh = 0, worstSig = 0;
        float[] y = new float[V32], z = new float[V32];
        for (int i = 0; i + V32 <= x.length; i += V32) {
            FloatVector v = FloatVector.fromArray(Species.F32, x, i);
            ActivationsF32.tanh(v).intoArray(y, 0);
            ActivationsF32.scaledTanh(v, 0.5f, 0.5f).intoArray(z, 0);
            for (int l = 0; l < V32; l++) {
                double xi = x[i + l];
                worstTanh = Math.max(worstTanh, Math.abs(y[l] - Math.tanh(xi)));
                worstSig = Math.max(worstSig, Math.abs(z[l] - 1 / (1 + Math.exp(-xi))));
                assertTrue(Math.abs(y[l]) <= 1f && z[l] >= 0f && z[l] <= 1f, "bounded at " + xi);
            }
        }
        assertTrue(worstTanh < 3e-7, "float32 tanh max abs error " + worstTanh);
        assertTrue(worstSig < 3e-7, "float32 sigmoid max abs error " + worstSig);
    }

    @Test
    void float64TanhAndSigmoid() {
        double worstTanh = 0, worstSig = 0;
        double[] x = new double[1 << 20];
        for (int i = 0; i < x.length; i++) x[i] = -40 + 80.0 * i / x.length;
        double[] y = new double[V64], z = new double[V64];
        for (int i = 0; i + V64 <= x.length; i += V64) {
            DoubleVector v = DoubleVector.fromArray(Species.F64, x, i);
            ActivationsF64.tanh(v).intoArray(y, 0);
            ActivationsF64.scaledTanh(v, 0.5, 0.5).intoArray(z, 0);
            for (int l = 0; l < V64; l++) {
                worstTanh = Math.max(worstTanh, Math.abs(y[l] - Math.tanh(x[i + l])));
                worstSig = Math.max(worstSig, Math.abs(z[l] - 1 / (1 + Math.exp(-x[i + l]))));
            }
        }
        assertTrue(worstTanh < 1e-15, "float64 tanh max abs error " + worstTanh);
        assertTrue(worstSig < 1e-15, "float64 sigmoid max abs error " + worstSig);
    }
}
