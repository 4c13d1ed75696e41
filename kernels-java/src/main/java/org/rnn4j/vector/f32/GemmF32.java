package org.rnn4j.vector.f32;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/**
 * The cell level's GEMM, on Java arrays: {@code C[M x N] (+)= A[M x K] · B[K x N]} with B packed in panels
 * and A read with arbitrary strides, so that one micro-kernel serves every product of the backend: A row-major
 * (inputs, hidden states: {@code rowStride = lda, kStride = 1}) and A transposed (the weight gradients
 * {@code dGᵀ·X} read {@code dG} with {@code rowStride = 1, kStride = ld}), without copying A.
 *
 * <p>Packed B: panel {@code p} holds columns {@code [p·NR, p·NR + NR)} as {@code K} rows of {@code NR}
 * contiguous values ({@code NR = 2} vectors), panels one after another; columns past N are zero. C is written
 * in whole tiles of {@link Species#MR} rows by {@code NR} columns: callers size C (and A's rows) to multiples
 * of them. Every element of C is one FMA chain over k in order, whatever kernel computes it, so results do not
 * depend on blocking, threads or tile position.
 */
public final class GemmF32 {
    private GemmF32() {}

    static final VectorSpecies<Float> S = Species.F32;
    static final int V = S.length();
    /** Columns of a packed panel: two vectors. */
    public static final int NR = 2 * V;
    public static final int MR = Species.MR;

    /**
     * One tile: {@code C[6][NR] (+)= A[6][K] · panel}. A element (i, k) is {@code a[aOff + i·rs + k·ks]}; the panel
     * starts at {@code b[bOff]}; C rows start at {@code c[cOff + i·ldc]}. {@code accumulate}: add to C, else
     * overwrite it.
     */
    static void tile(float[] a, int aOff, int rs, int ks, float[] b, int bOff, int K, float[] c, int cOff, int ldc,
                     boolean accumulate) {
        FloatVector c00 = FloatVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        FloatVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int a0 = aOff, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        for (int k = 0, ak = 0, bo = bOff; k < K; k++, ak += ks, bo += NR) {
            FloatVector b0 = FloatVector.fromArray(S, b, bo);
            FloatVector b1 = FloatVector.fromArray(S, b, bo + V);
            FloatVector x = FloatVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = FloatVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = FloatVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = FloatVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = FloatVector.broadcast(S, a[a4 + ak]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = FloatVector.broadcast(S, a[a5 + ak]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // No helper methods here: a vector handed to a call that C2 does not inline is boxed, and a branch that
        // runs rarely (accumulate) is compiled cold, so its calls would not be inlined.
        int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
        if (accumulate) {
            c00 = c00.add(FloatVector.fromArray(S, c, o0));
            c01 = c01.add(FloatVector.fromArray(S, c, o0 + V));
            c10 = c10.add(FloatVector.fromArray(S, c, o1));
            c11 = c11.add(FloatVector.fromArray(S, c, o1 + V));
            c20 = c20.add(FloatVector.fromArray(S, c, o2));
            c21 = c21.add(FloatVector.fromArray(S, c, o2 + V));
            c30 = c30.add(FloatVector.fromArray(S, c, o3));
            c31 = c31.add(FloatVector.fromArray(S, c, o3 + V));
            c40 = c40.add(FloatVector.fromArray(S, c, o4));
            c41 = c41.add(FloatVector.fromArray(S, c, o4 + V));
            c50 = c50.add(FloatVector.fromArray(S, c, o5));
            c51 = c51.add(FloatVector.fromArray(S, c, o5 + V));
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + V);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + V);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + V);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + V);
        c40.intoArray(c, o4);
        c41.intoArray(c, o4 + V);
        c50.intoArray(c, o5);
        c51.intoArray(c, o5 + V);
    }

    /**
     * One row against four panels (a GEMV on packed B, for batch 1): {@code C[1][4·NR] (+)= A[1][K] · panels p..p+3},
     * eight independent FMA chains so the FMA units stay busy while the weights stream in. Panel {@code q} starts at
     * {@code b[bOff + q·panelStride]}.
     */
    static void row4(float[] a, int aOff, int ks, float[] b, int bOff, int panelStride, int K, float[] c, int cOff,
                     boolean accumulate) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        int p0 = bOff, p1 = p0 + panelStride, p2 = p1 + panelStride, p3 = p2 + panelStride;
        for (int k = 0, ak = aOff, bo = 0; k < K; k++, ak += ks, bo += NR) {
            FloatVector x = FloatVector.broadcast(S, a[ak]);
            c0 = x.fma(FloatVector.fromArray(S, b, p0 + bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, p0 + bo + V), c1);
            c2 = x.fma(FloatVector.fromArray(S, b, p1 + bo), c2);
            c3 = x.fma(FloatVector.fromArray(S, b, p1 + bo + V), c3);
            c4 = x.fma(FloatVector.fromArray(S, b, p2 + bo), c4);
            c5 = x.fma(FloatVector.fromArray(S, b, p2 + bo + V), c5);
            c6 = x.fma(FloatVector.fromArray(S, b, p3 + bo), c6);
            c7 = x.fma(FloatVector.fromArray(S, b, p3 + bo + V), c7);
        }
        int o = cOff;
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(S, c, o));
            c1 = c1.add(FloatVector.fromArray(S, c, o + V));
            c2 = c2.add(FloatVector.fromArray(S, c, o + 2 * V));
            c3 = c3.add(FloatVector.fromArray(S, c, o + 3 * V));
            c4 = c4.add(FloatVector.fromArray(S, c, o + 4 * V));
            c5 = c5.add(FloatVector.fromArray(S, c, o + 5 * V));
            c6 = c6.add(FloatVector.fromArray(S, c, o + 6 * V));
            c7 = c7.add(FloatVector.fromArray(S, c, o + 7 * V));
        }
        c0.intoArray(c, o);
        c1.intoArray(c, o + V);
        c2.intoArray(c, o + 2 * V);
        c3.intoArray(c, o + 3 * V);
        c4.intoArray(c, o + 4 * V);
        c5.intoArray(c, o + 5 * V);
        c6.intoArray(c, o + 6 * V);
        c7.intoArray(c, o + 7 * V);
    }

    /** One row against one panel: the GEMV's tail (two FMA chains). */
    static void row1(float[] a, int aOff, int ks, float[] b, int bOff, int K, float[] c, int cOff, boolean accumulate) {
        FloatVector c0 = FloatVector.zero(S), c1 = c0;
        for (int k = 0, ak = aOff, bo = bOff; k < K; k++, ak += ks, bo += NR) {
            FloatVector x = FloatVector.broadcast(S, a[ak]);
            c0 = x.fma(FloatVector.fromArray(S, b, bo), c0);
            c1 = x.fma(FloatVector.fromArray(S, b, bo + V), c1);
        }
        if (accumulate) {
            c0 = c0.add(FloatVector.fromArray(S, c, cOff));
            c1 = c1.add(FloatVector.fromArray(S, c, cOff + V));
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + V);
    }

    /**
     * {@code C[rows [r0, r1)][panels [p0, p1)] (+)= A · B}, rows in whole tiles of MR (r0 and the row capacity of A
     * and C allow it). Row r of A starts at {@code aOff + r·rs}, of C at {@code cOff + r·ldc}; panel p of B at
     * {@code bOff + p·panelStride}. Rows go in blocks of {@code mc} (a multiple of MR), and within a block panel by
     * panel, so the block of A stays in L2 and each panel in L1/L2 while the tiles use it. With a single row, groups
     * of four panels run as a GEMV.
     */
    public static void multiply(float[] a, int aOff, int rs, int ks, int r0, int r1, float[] b, int bOff,
                                int panelStride, int K, int p0, int p1, float[] c, int cOff, int ldc, boolean accumulate,
                                int mc) {
        if (r1 - r0 == 1) {
            int p = p0;
            for (; p + 4 <= p1; p += 4) {
                row4(a, aOff + r0 * rs, ks, b, bOff + p * panelStride, panelStride, K, c, cOff + r0 * ldc + p * NR,
                        accumulate);
            }
            for (; p < p1; p++) {
                row1(a, aOff + r0 * rs, ks, b, bOff + p * panelStride, K, c, cOff + r0 * ldc + p * NR, accumulate);
            }
            return;
        }
        for (int rb = r0; rb < r1; rb += mc) {
            int re = Math.min(r1, rb + mc);
            for (int p = p0; p < p1; p++) {
                int bo = bOff + p * panelStride;
                for (int r = rb; r < re; r += MR) {
                    tile(a, aOff + r * rs, rs, ks, b, bo, K, c, cOff + r * ldc + p * NR, ldc, accumulate);
                }
            }
        }
    }

    /** Rows per block of A for a GEMM with K columns: about 256 KB of A, a multiple of MR. */
    public static int rowBlock(int K) {
        int mc = (256 * 1024 / Float.BYTES) / Math.max(1, K);
        return Math.max(MR, Math.min(32 * MR, mc / MR * MR));
    }
}
