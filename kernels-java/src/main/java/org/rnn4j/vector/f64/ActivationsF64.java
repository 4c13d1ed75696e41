package org.rnn4j.vector.f64;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/**
 * float64 activations: the JDK's lanewise TANH (an SVML intrinsic on x86), accurate to about 1 ulp, which keeps
 * the float64 backend within the 1e-10 agreement with the reference and PyTorch. Written by hand (the only f64
 * source not generated from float32); same method names as {@code ActivationsF32}.
 */
public final class ActivationsF64 {
    private ActivationsF64() {}

    static final VectorSpecies<Double> S = Species.F64;

    public static DoubleVector tanh(DoubleVector x) {
        return x.lanewise(VectorOperators.TANH);
    }

    /** {@code tanh(x·scale)·scale + shift}: tanh with (1, 0), sigmoid with (0.5, 0.5). */
    public static DoubleVector scaledTanh(DoubleVector x, double scale, double shift) {
        return tanh(x.mul(scale)).fma(scale, shift);
    }

    public static double tanh(double x) {
        return Math.tanh(x);
    }
}
