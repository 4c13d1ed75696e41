package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.fail;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * NativeGemm (OpenBLAS) against a plain Java triple loop in double precision, for every transpose
 * combination, odd sizes, minimal and padded leading dimensions, with guard regions around C and in its row
 * padding that must come out unchanged, and inputs that must come out unchanged.
 */
class NativeGemmTest {

    /** M, N, K values: 1..17, 33, 65. */
    static final int[] SIZES = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 33, 65};
    static final int GUARD = 7;
    static final double SENTINEL = -7777.25;

    enum DType { F32, F64 }

    @ParameterizedTest(name = "dgemm transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void dgemmAllSizesMinimalLd(boolean transA, boolean transB) {
        runAllSizes(DType.F64, transA, transB, 0, 0, 0, 1.5, 0.5);
    }

    @ParameterizedTest(name = "sgemm transA={0} transB={1}")
    @CsvSource({"false,false", "false,true", "true,false", "true,true"})
    void sgemmAllSizesMinimalLd(boolean transA, boolean transB) {
        runAllSizes(DType.F32, transA, transB, 0, 0, 0, 1.5, 0.5);
    }

    @ParameterizedTest(name = "{0} transA={1} transB={2} padding lda+{3} ldb+{4} ldc+{5}")
    @CsvSource({
            "F64,false,false,3,5,1", "F64,false,true,1,2,9", "F64,true,false,16,1,4", "F64,true,true,2,7,3",
            "F32,false,false,3,5,1", "F32,false,true,1,2,9", "F32,true,false,16,1,4", "F32,true,true,2,7,3"})
    void paddedLeadingDimensions(DType dtype, boolean transA, boolean transB, int padA, int padB, int padC) {
        int[] sizes = {1, 2, 3, 7, 16, 17, 33};
        SplittableRandom rnd = new SplittableRandom(42);
        for (int m : sizes) {
            for (int n : sizes) {
                for (int k : sizes) {
                    check(dtype, transA, transB, m, n, k, padA, padB, padC, -0.75, 2.0, rnd);
                }
            }
        }
    }

    @ParameterizedTest(name = "{0} beta=0 ignores NaN in C, transA={1} transB={2}")
    @CsvSource({"F64,false,false", "F64,true,true", "F32,false,true", "F32,true,false"})
    void betaZeroDoesNotReadC(DType dtype, boolean transA, boolean transB) {
        SplittableRandom rnd = new SplittableRandom(7);
        for (int s : new int[] {1, 5, 17, 33}) {
            check(dtype, transA, transB, s, s + 2, s + 1, 1, 0, 2, 1.0, 0.0, rnd, Double.NaN);
        }
    }

    @ParameterizedTest(name = "{0} K=0 scales C by beta")
    @CsvSource({"F64", "F32"})
    void kZeroScalesC(DType dtype) {
        SplittableRandom rnd = new SplittableRandom(3);
        check(dtype, false, false, 5, 7, 0, 0, 0, 0, 2.0, 0.25, rnd);
        check(dtype, true, true, 4, 3, 0, 1, 1, 1, 2.0, -1.0, rnd);
    }

    // ------------------------------------------------------------------------------------------------

    private void runAllSizes(DType dtype, boolean transA, boolean transB, int padA, int padB, int padC,
                             double alpha, double beta) {
        SplittableRandom rnd = new SplittableRandom(1234 + (transA ? 1 : 0) + (transB ? 2 : 0));
        for (int m : SIZES) {
            for (int n : SIZES) {
                for (int k : SIZES) {
                    check(dtype, transA, transB, m, n, k, padA, padB, padC, alpha, beta, rnd);
                }
            }
        }
    }

    private void check(DType dtype, boolean transA, boolean transB, int m, int n, int k,
                       int padA, int padB, int padC, double alpha, double beta, SplittableRandom rnd) {
        check(dtype, transA, transB, m, n, k, padA, padB, padC, alpha, beta, rnd, 0.0);
    }

    /**
     * One call. cInit: when NaN, C's addressed elements start as NaN (only valid with beta == 0);
     * otherwise they start random.
     */
    private void check(DType dtype, boolean transA, boolean transB, int m, int n, int k,
                       int padA, int padB, int padC, double alpha, double beta, SplittableRandom rnd,
                       double cInit) {
        boolean f32 = dtype == DType.F32;
        ValueLayout layout = f32 ? ValueLayout.JAVA_FLOAT : ValueLayout.JAVA_DOUBLE;
        long es = layout.byteSize();

        int aRows = transA ? k : m, aW = transA ? m : k;
        int bRows = transB ? n : k, bW = transB ? k : n;
        int lda = Math.max(1, aW) + padA, ldb = Math.max(1, bW) + padB, ldc = Math.max(1, n) + padC;
        long aLen = NativeGemm.requiredElements(aRows, aW, lda);
        long bLen = NativeGemm.requiredElements(bRows, bW, ldb);
        long cLen = NativeGemm.requiredElements(m, n, ldc);

        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(Math.max(1, aLen) * es, 64).asSlice(0, aLen * es);
            MemorySegment b = arena.allocate(Math.max(1, bLen) * es, 64).asSlice(0, bLen * es);
            MemorySegment cBuf = arena.allocate((cLen + 2L * GUARD) * es, 64);
            MemorySegment c = cBuf.asSlice(GUARD * es, cLen * es);

            double[] av = new double[(int) aLen];
            double[] bv = new double[(int) bLen];
            fill(a, av, f32, rnd);
            fill(b, bv, f32, rnd);
            double[] cv = new double[(int) (cLen + 2L * GUARD)];
            for (int i = 0; i < cv.length; i++) {
                cv[i] = SENTINEL;
            }
            boolean nanC = cInit != cInit;
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double x = nanC ? Double.NaN : rnd.nextDouble(-1, 1);
                    if (f32) {
                        x = (float) x;
                    }
                    cv[GUARD + i * ldc + j] = x;
                }
            }
            for (int i = 0; i < cv.length; i++) {
                set(cBuf, i, cv[i], f32);
            }
            MemorySegment aCopy = arena.allocate(Math.max(1, a.byteSize())).copyFrom(a);
            MemorySegment bCopy = arena.allocate(Math.max(1, b.byteSize())).copyFrom(b);

            // Reference in double.
            double[] want = cv.clone();
            double[] scale = new double[cv.length];
            for (int i = 0; i < m; i++) {
                for (int j = 0; j < n; j++) {
                    double sum = 0, abs = 0;
                    for (int p = 0; p < k; p++) {
                        double x = transA ? av[p * lda + i] : av[i * lda + p];
                        double y = transB ? bv[j * ldb + p] : bv[p * ldb + j];
                        sum += x * y;
                        abs += Math.abs(x * y);
                    }
                    int idx = GUARD + i * ldc + j;
                    double c0 = beta == 0 ? 0 : beta * cv[idx];
                    want[idx] = alpha * sum + c0;
                    scale[idx] = Math.abs(alpha) * abs + Math.abs(c0);
                }
            }

            if (f32) {
                NativeGemm.sgemm(transA, transB, m, n, k, (float) alpha, a, lda, b, ldb, (float) beta, c, ldc);
            } else {
                NativeGemm.dgemm(transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
            }

            double tol = f32 ? 1e-5 : 1e-12;
            String what = dtype + " transA=" + transA + " transB=" + transB + " M=" + m + " N=" + n + " K=" + k
                    + " lda=" + lda + " ldb=" + ldb + " ldc=" + ldc + " alpha=" + alpha + " beta=" + beta;
            for (int idx = 0; idx < cv.length; idx++) {
                double got = get(cBuf, idx, f32);
                int rel = idx - GUARD;
                boolean inC = rel >= 0 && rel < cLen && (rel % ldc) < n;
                if (inC) {
                    double err = Math.abs(got - want[idx]);
                    if (!(err <= tol * Math.max(1.0, scale[idx]))) {
                        fail(what + ": C[" + rel / ldc + "," + rel % ldc + "] = " + got + ", want " + want[idx]
                                + " (error " + err + ", scale " + scale[idx] + ")");
                    }
                } else if (Double.doubleToRawLongBits(got) != Double.doubleToRawLongBits(want[idx])) {
                    String where = rel < 0 ? "guard before C" : rel >= cLen ? "guard after C"
                            : "row padding of C (row " + rel / ldc + ", column " + rel % ldc + ")";
                    fail(what + ": " + where + " changed: element " + rel + " = " + got + ", was " + want[idx]);
                }
            }
            assertEquals(-1L, a.mismatch(aCopy.asSlice(0, a.byteSize())), what + ": A was modified");
            assertEquals(-1L, b.mismatch(bCopy.asSlice(0, b.byteSize())), what + ": B was modified");
        }
    }

    private static void fill(MemorySegment s, double[] v, boolean f32, SplittableRandom rnd) {
        for (int i = 0; i < v.length; i++) {
            double x = rnd.nextDouble(-1, 1);
            if (f32) {
                x = (float) x;
            }
            v[i] = x;
            set(s, i, x, f32);
        }
    }

    private static void set(MemorySegment s, long i, double x, boolean f32) {
        if (f32) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) x);
        } else {
            s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, x);
        }
    }

    private static double get(MemorySegment s, long i, boolean f32) {
        return f32 ? s.getAtIndex(ValueLayout.JAVA_FLOAT, i) : s.getAtIndex(ValueLayout.JAVA_DOUBLE, i);
    }
}
