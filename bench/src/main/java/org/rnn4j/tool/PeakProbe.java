package org.rnn4j.tool;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorOperators;

/**
 * Register-resident FMA loops on the preferred Vector API species: the machine's FMA peak as Java reaches it.
 * Twelve independent accumulators (enough for two FMA ports with a latency of up to 6 cycles; they fit the 16
 * vector registers of AVX2 with the two operands). Touches {@code jdk.incubator.vector}: load it only when
 * {@link VectorSupport#available()}.
 */
final class PeakProbe {
    static final int ACCUMULATORS = 12;

    private PeakProbe() {}

    /** Vector width in bits of the species used for {@code f64}. */
    static int bits(boolean f64) {
        return f64 ? DoubleVector.SPECIES_PREFERRED.vectorBitSize() : FloatVector.SPECIES_PREFERRED.vectorBitSize();
    }

    /** Flops of one call of {@link #run} with {@code iterations}: 2 per lane per FMA. */
    static double flops(boolean f64, long iterations) {
        int lanes = f64 ? DoubleVector.SPECIES_PREFERRED.length() : FloatVector.SPECIES_PREFERRED.length();
        return 2.0 * lanes * ACCUMULATORS * iterations;
    }

    /** Runs the loop; the result only keeps the JIT from removing it. */
    static double run(boolean f64, long iterations, double seed) {
        return f64 ? runDouble(iterations, seed) : runFloat(iterations, (float) seed);
    }

    private static double runFloat(long iterations, float seed) {
        var sp = FloatVector.SPECIES_PREFERRED;
        FloatVector x = FloatVector.broadcast(sp, 0.9999999f), y = FloatVector.broadcast(sp, 1e-7f);
        FloatVector a0 = FloatVector.broadcast(sp, seed), a1 = FloatVector.broadcast(sp, seed + 1);
        FloatVector a2 = FloatVector.broadcast(sp, seed + 2), a3 = FloatVector.broadcast(sp, seed + 3);
        FloatVector a4 = FloatVector.broadcast(sp, seed + 4), a5 = FloatVector.broadcast(sp, seed + 5);
        FloatVector a6 = FloatVector.broadcast(sp, seed + 6), a7 = FloatVector.broadcast(sp, seed + 7);
        FloatVector a8 = FloatVector.broadcast(sp, seed + 8), a9 = FloatVector.broadcast(sp, seed + 9);
        FloatVector a10 = FloatVector.broadcast(sp, seed + 10), a11 = FloatVector.broadcast(sp, seed + 11);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }

    private static double runDouble(long iterations, double seed) {
        var sp = DoubleVector.SPECIES_PREFERRED;
        DoubleVector x = DoubleVector.broadcast(sp, 0.9999999), y = DoubleVector.broadcast(sp, 1e-7);
        DoubleVector a0 = DoubleVector.broadcast(sp, seed), a1 = DoubleVector.broadcast(sp, seed + 1);
        DoubleVector a2 = DoubleVector.broadcast(sp, seed + 2), a3 = DoubleVector.broadcast(sp, seed + 3);
        DoubleVector a4 = DoubleVector.broadcast(sp, seed + 4), a5 = DoubleVector.broadcast(sp, seed + 5);
        DoubleVector a6 = DoubleVector.broadcast(sp, seed + 6), a7 = DoubleVector.broadcast(sp, seed + 7);
        DoubleVector a8 = DoubleVector.broadcast(sp, seed + 8), a9 = DoubleVector.broadcast(sp, seed + 9);
        DoubleVector a10 = DoubleVector.broadcast(sp, seed + 10), a11 = DoubleVector.broadcast(sp, seed + 11);
        for (long i = 0; i < iterations; i++) {
            a0 = a0.fma(x, y);
            a1 = a1.fma(x, y);
            a2 = a2.fma(x, y);
            a3 = a3.fma(x, y);
            a4 = a4.fma(x, y);
            a5 = a5.fma(x, y);
            a6 = a6.fma(x, y);
            a7 = a7.fma(x, y);
            a8 = a8.fma(x, y);
            a9 = a9.fma(x, y);
            a10 = a10.fma(x, y);
            a11 = a11.fma(x, y);
        }
        return a0.add(a1).add(a2).add(a3).add(a4).add(a5).add(a6).add(a7).add(a8).add(a9).add(a10).add(a11)
                .reduceLanes(VectorOperators.ADD);
    }
}
