package org.rnn4j.vector.f64;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/**
 * float64 activations from IEEE basic operations only (add, multiply, fused multiply-add, divide, compare), so
 * that every JIT tier computes the same bits: the JDK's lanewise TANH/EXP run SVML in C2-compiled code and a
 * Java fallback elsewhere, which differ in the last bit and would make results depend on warm-up. Written by
 * hand (the only f64 source not generated from float32); same method names as {@code ActivationsF32}.
 *
 * <p>{@code exp}: Cody-Waite reduction by ln 2 and a degree-13 Taylor polynomial on |r| ≤ ln2/2 (truncation
 * below 1e-17 relative), 2^k built in the exponent bits. {@code tanh(x) = sign(x)·(1 - e)/(1 + e)} with
 * {@code e = exp(-2|x|)}: absolute error below 1e-15 (measured by {@code ActivationAccuracyTest}).
 */
public final class ActivationsF64 {
    private ActivationsF64() {}

    static final VectorSpecies<Double> S = Species.F64;

    private static final double MAGIC = 0x1.8p52; // adding it rounds to an integer kept in the low mantissa bits
    private static final double INV_LN2 = 1.4426950408889634;
    private static final double LN2_HI = 6.93147180369123816490e-01;
    private static final double LN2_LO = 1.90821492927058770002e-10;

    /** e^x for x ≤ 0 (all the activations need): flushed to 0 below -708. */
    static DoubleVector expNonPositive(DoubleVector x) {
        x = x.max(-708.0);
        DoubleVector t = x.fma(INV_LN2, MAGIC);
        DoubleVector k = t.sub(MAGIC);
        DoubleVector r = k.fma(DoubleVector.broadcast(S, -LN2_HI), x);
        r = k.fma(DoubleVector.broadcast(S, -LN2_LO), r);
        DoubleVector p = r.fma(1.0 / 6227020800.0, 1.0 / 479001600.0);
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 39916800.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 3628800.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 362880.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 40320.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 5040.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 720.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 120.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 24.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0 / 6.0));
        p = p.fma(r, DoubleVector.broadcast(S, 0.5));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0));
        p = p.fma(r, DoubleVector.broadcast(S, 1.0));
        LongVector bits = ((LongVector) t.reinterpretAsLongs()).add(1023L).lanewise(VectorOperators.LSHL, 52);
        return p.mul(bits.reinterpretAsDoubles());
    }

    /** tanh on every lane. */
    public static DoubleVector tanh(DoubleVector x) {
        DoubleVector e = expNonPositive(x.abs().mul(-2.0));
        DoubleVector t = DoubleVector.broadcast(S, 1.0).sub(e).div(e.add(1.0));
        return t.blend(t.neg(), x.compare(VectorOperators.LT, 0.0));
    }

    /** {@code tanh(x·scale)·scale + shift}: tanh with (1, 0), sigmoid with (0.5, 0.5). */
    public static DoubleVector scaledTanh(DoubleVector x, double scale, double shift) {
        return tanh(x.mul(scale)).fma(scale, shift);
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }
}
