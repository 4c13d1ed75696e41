package org.rnn4j.vector;

import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorShape;
import jdk.incubator.vector.VectorSpecies;

/**
 * The vector shapes every kernel of the {@code vector} backend is written against, chosen once when this class
 * is first touched: the CPU's preferred shape (512 bits with AVX-512, 256 with AVX2), or the width the
 * test-only system property {@value #BITS_PROPERTY} forces (128, 256 or 512), so that every tail path runs on
 * any CI CPU. Nothing touches this class before {@link VectorProvider} has checked that the Vector API is
 * usable (as Lucene keeps its constants apart from its provider).
 */
public final class Species {
    /** Test-only: forces the vector width in bits (128, 256 or 512); never set it for speed. */
    public static final String BITS_PROPERTY = "rnn4j.vector.bits";

    public static final int BITS = chooseBits();
    public static final VectorSpecies<Float> F32 = FloatVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS)).check(float.class);
    public static final VectorSpecies<Double> F64 = DoubleVector.SPECIES_PREFERRED.withShape(VectorShape.forBitSize(BITS)).check(double.class);

    /** Rows of the GEMM micro-kernel: 6 rows × 2 vectors = 12 accumulators, within 16 AVX2 or 32 AVX-512 registers. */
    public static final int MR = 6;

    private Species() {}

    private static int chooseBits() {
        int preferred = VectorShape.preferredShape().vectorBitSize();
        String forced = System.getProperty(BITS_PROPERTY);
        if (forced == null || forced.isBlank()) return preferred;
        int bits;
        try {
            bits = Integer.parseInt(forced.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException(BITS_PROPERTY + ": expected 128, 256 or 512 but was '" + forced + "'");
        }
        if (bits != 128 && bits != 256 && bits != 512) {
            throw new IllegalArgumentException(BITS_PROPERTY + ": expected 128, 256 or 512 but was " + bits);
        }
        if (bits > preferred) {
            throw new IllegalArgumentException(BITS_PROPERTY + ": expected at most this CPU's " + preferred
                    + " bits but was " + bits);
        }
        return bits;
    }

    /** Lanes of a float32 vector. */
    public static int lanesF32() {
        return F32.length();
    }

    /** Lanes of a float64 vector. */
    public static int lanesF64() {
        return F64.length();
    }

    /** One line for {@code info}: the shapes in use. */
    public static String describe() {
        return BITS + "-bit vectors (" + F32.length() + " floats / " + F64.length() + " doubles)"
                + (System.getProperty(BITS_PROPERTY) != null ? ", forced by -D" + BITS_PROPERTY : "")
                + "; GEMM micro-kernel " + MR + " rows x 2 vectors";
    }
}
