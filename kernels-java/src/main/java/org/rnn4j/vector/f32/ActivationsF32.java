package org.rnn4j.vector.f32;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/**
 * float32 activations on vectors, small enough for C2 to inline into every kernel pass (a pass holds one call
 * site, so the pass stays under C2's node budget; see docs/kernels.md).
 *
 * <p>{@code tanh}: a [13/6] rational approximation on [-7.9053, 7.9053] (clamped outside, where tanh is 1 to float
 * precision), the form Eigen uses; its error against {@code Math.tanh} is below 3e-7 absolute (2.5 ulp of 1) over all floats
 * (measured by {@code ActivationAccuracyTest}). {@code sigmoid(x) = 0.5·tanh(x/2) + 0.5}: absolute error below
 * 3e-7, relative error large only where sigmoid is below about 1e-6 (saturated gates, where the absolute error
 * is what matters). Written by hand for float32; float64 has its own ({@code ActivationsF64}: IEEE basic
 * operations only, so every JIT tier computes the same bits).
 */
public final class ActivationsF32 {
    private ActivationsF32() {}

    static final VectorSpecies<Float> S = Species.F32;

    // Where the rational form reaches 1 in float (as in Eigen): beyond it tanh rounds to ±1 anyway.
    private static final float CLAMP = 7.90531110763549805f;
    private static final float A13 = -2.76076847742355e-16f, A11 = 2.00018790482477e-13f, A9 = -8.60467152213735e-11f,
            A7 = 5.12229709037114e-08f, A5 = 1.48572235717979e-05f, A3 = 6.37261928875436e-04f,
            A1 = 4.89352455891786e-03f;
    private static final float B6 = 1.19825839466702e-06f, B4 = 1.18534705686654e-04f, B2 = 2.26843463243900e-03f,
            B0 = 4.89352518554385e-03f;

    /** tanh on every lane. */
    public static FloatVector tanh(FloatVector x) {
        x = x.max(-CLAMP).min(CLAMP);
        FloatVector x2 = x.mul(x);
        FloatVector p = x2.fma(A13, A11);
        p = p.fma(x2, FloatVector.broadcast(S, A9));
        p = p.fma(x2, FloatVector.broadcast(S, A7));
        p = p.fma(x2, FloatVector.broadcast(S, A5));
        p = p.fma(x2, FloatVector.broadcast(S, A3));
        p = p.fma(x2, FloatVector.broadcast(S, A1));
        FloatVector q = x2.fma(B6, B4);
        q = q.fma(x2, FloatVector.broadcast(S, B2));
        q = q.fma(x2, FloatVector.broadcast(S, B0));
        return x.mul(p).div(q);
    }

    /**
     * {@code tanh(x·scale)·scale + shift} on every lane: tanh with (1, 0), sigmoid with (0.5, 0.5), so one pass
     * activates a row of mixed gates with one inlined call.
     */
    public static FloatVector scaledTanh(FloatVector x, float scale, float shift) {
        return tanh(x.mul(scale)).fma(scale, shift);
    }

    /** The scalar form of {@link #tanh} (same formula, same rounding steps), for tails and tests. */
    public static float tanh(float x) {
        x = Math.max(-CLAMP, Math.min(CLAMP, x));
        float x2 = x * x;
        float p = Math.fma(x2, A13, A11);
        p = Math.fma(p, x2, A9);
        p = Math.fma(p, x2, A7);
        p = Math.fma(p, x2, A5);
        p = Math.fma(p, x2, A3);
        p = Math.fma(p, x2, A1);
        float q = Math.fma(x2, B6, B4);
        q = Math.fma(q, x2, B2);
        q = Math.fma(q, x2, B0);
        return x * p / q;
    }
}
