// GENERATED from the float32 source by GenerateFloat64 (kernels-java/src/test): do not edit.
package org.rnn4j.vector.f64;

import jdk.incubator.vector.DoubleVector;
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
public final class GemmF64 {
    private GemmF64() {}

    static final VectorSpecies<Double> S = Species.F64;
    static final int V = S.length();
    /** Columns of a packed panel: two vectors. */
    public static final int NR = 2 * V;
    public static final int MR = Species.MR;

    /**
     * One tile: {@code C[6][NR] (+)= A[6][K] · panel}; the panel steps NR per k, a constant (a variable stride
     * measured 20% slower: C2 then cannot fold the offsets). A element (i, k) is {@code a[aOff + i·rs + k·ks]}; the panel
     * starts at {@code b[bOff]}; C rows start at {@code c[cOff + i·ldc]}. {@code accumulate}: add to C, else
     * overwrite it.
     */
    static void tile(double[] a, int aOff, int rs, int ks, double[] b, int bOff, int K, double[] c, int cOff, int ldc,
                     boolean accumulate) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00;
        DoubleVector c30 = c00, c31 = c00, c40 = c00, c41 = c00, c50 = c00, c51 = c00;
        int a0 = aOff, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs, a4 = a3 + rs, a5 = a4 + rs;
        for (int k = 0, ak = 0, bo = bOff; k < K; k++, ak += ks, bo += NR) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bo + V);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
            x = DoubleVector.broadcast(S, a[a4 + ak]);
            c40 = x.fma(b0, c40);
            c41 = x.fma(b1, c41);
            x = DoubleVector.broadcast(S, a[a5 + ak]);
            c50 = x.fma(b0, c50);
            c51 = x.fma(b1, c51);
        }
        // Accumulating adds C after the chains (starting them from C measured 15% slower: C2 keeps that loop
        // less tight). No helper methods here: a vector handed to a call that C2 does not inline is boxed, and a
        // rarely taken branch (accumulate) is compiled cold, so its calls would not be inlined.
        int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc, o4 = o3 + ldc, o5 = o4 + ldc;
        if (accumulate) {
            c00 = c00.add(DoubleVector.fromArray(S, c, o0));
            c01 = c01.add(DoubleVector.fromArray(S, c, o0 + V));
            c10 = c10.add(DoubleVector.fromArray(S, c, o1));
            c11 = c11.add(DoubleVector.fromArray(S, c, o1 + V));
            c20 = c20.add(DoubleVector.fromArray(S, c, o2));
            c21 = c21.add(DoubleVector.fromArray(S, c, o2 + V));
            c30 = c30.add(DoubleVector.fromArray(S, c, o3));
            c31 = c31.add(DoubleVector.fromArray(S, c, o3 + V));
            c40 = c40.add(DoubleVector.fromArray(S, c, o4));
            c41 = c41.add(DoubleVector.fromArray(S, c, o4 + V));
            c50 = c50.add(DoubleVector.fromArray(S, c, o5));
            c51 = c51.add(DoubleVector.fromArray(S, c, o5 + V));
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
    static void row4(double[] a, int aOff, int ks, double[] b, int p0, int p1, int p2, int p3, int bks, int K,
                     double[] c, int cOff, boolean accumulate) {
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int k = 0, ak = aOff, bo = 0; k < K; k++, ak += ks, bo += bks) {
            DoubleVector x = DoubleVector.broadcast(S, a[ak]);
            c0 = x.fma(DoubleVector.fromArray(S, b, p0 + bo), c0);
            c1 = x.fma(DoubleVector.fromArray(S, b, p0 + bo + V), c1);
            c2 = x.fma(DoubleVector.fromArray(S, b, p1 + bo), c2);
            c3 = x.fma(DoubleVector.fromArray(S, b, p1 + bo + V), c3);
            c4 = x.fma(DoubleVector.fromArray(S, b, p2 + bo), c4);
            c5 = x.fma(DoubleVector.fromArray(S, b, p2 + bo + V), c5);
            c6 = x.fma(DoubleVector.fromArray(S, b, p3 + bo), c6);
            c7 = x.fma(DoubleVector.fromArray(S, b, p3 + bo + V), c7);
        }
        int o = cOff;
        if (accumulate) {
            c0 = c0.add(DoubleVector.fromArray(S, c, o));
            c1 = c1.add(DoubleVector.fromArray(S, c, o + V));
            c2 = c2.add(DoubleVector.fromArray(S, c, o + 2 * V));
            c3 = c3.add(DoubleVector.fromArray(S, c, o + 3 * V));
            c4 = c4.add(DoubleVector.fromArray(S, c, o + 4 * V));
            c5 = c5.add(DoubleVector.fromArray(S, c, o + 5 * V));
            c6 = c6.add(DoubleVector.fromArray(S, c, o + 6 * V));
            c7 = c7.add(DoubleVector.fromArray(S, c, o + 7 * V));
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

    /** Four rows: the tail of a row range (eight FMA chains, as many as the FMA latency needs). */
    static void tile4(double[] a, int aOff, int rs, int ks, double[] b, int bOff, int K, double[] c, int cOff, int ldc,
                      boolean accumulate) {
        DoubleVector c00 = DoubleVector.zero(S), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
        int a0 = aOff, a1 = a0 + rs, a2 = a1 + rs, a3 = a2 + rs;
        for (int k = 0, ak = 0, bo = bOff; k < K; k++, ak += ks, bo += NR) {
            DoubleVector b0 = DoubleVector.fromArray(S, b, bo);
            DoubleVector b1 = DoubleVector.fromArray(S, b, bo + V);
            DoubleVector x = DoubleVector.broadcast(S, a[a0 + ak]);
            c00 = x.fma(b0, c00);
            c01 = x.fma(b1, c01);
            x = DoubleVector.broadcast(S, a[a1 + ak]);
            c10 = x.fma(b0, c10);
            c11 = x.fma(b1, c11);
            x = DoubleVector.broadcast(S, a[a2 + ak]);
            c20 = x.fma(b0, c20);
            c21 = x.fma(b1, c21);
            x = DoubleVector.broadcast(S, a[a3 + ak]);
            c30 = x.fma(b0, c30);
            c31 = x.fma(b1, c31);
        }
        int o0 = cOff, o1 = o0 + ldc, o2 = o1 + ldc, o3 = o2 + ldc;
        if (accumulate) {
            c00 = c00.add(DoubleVector.fromArray(S, c, o0));
            c01 = c01.add(DoubleVector.fromArray(S, c, o0 + V));
            c10 = c10.add(DoubleVector.fromArray(S, c, o1));
            c11 = c11.add(DoubleVector.fromArray(S, c, o1 + V));
            c20 = c20.add(DoubleVector.fromArray(S, c, o2));
            c21 = c21.add(DoubleVector.fromArray(S, c, o2 + V));
            c30 = c30.add(DoubleVector.fromArray(S, c, o3));
            c31 = c31.add(DoubleVector.fromArray(S, c, o3 + V));
        }
        c00.intoArray(c, o0);
        c01.intoArray(c, o0 + V);
        c10.intoArray(c, o1);
        c11.intoArray(c, o1 + V);
        c20.intoArray(c, o2);
        c21.intoArray(c, o2 + V);
        c30.intoArray(c, o3);
        c31.intoArray(c, o3 + V);
    }

    /**
     * One row against a group of four interleaved panels: eight FMA chains fed from one contiguous run of B (one
     * address stream: four separate panel pointers into the same group measured 20% slower).
     */
    static void group4(double[] a, int aOff, int ks, double[] b, int bOff, int K, double[] c, int cOff,
                       boolean accumulate) {
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0, c2 = c0, c3 = c0, c4 = c0, c5 = c0, c6 = c0, c7 = c0;
        for (int k = 0, ak = aOff, bo = bOff; k < K; k++, ak += ks, bo += 4 * NR) {
            DoubleVector x = DoubleVector.broadcast(S, a[ak]);
            c0 = x.fma(DoubleVector.fromArray(S, b, bo), c0);
            c1 = x.fma(DoubleVector.fromArray(S, b, bo + V), c1);
            c2 = x.fma(DoubleVector.fromArray(S, b, bo + 2 * V), c2);
            c3 = x.fma(DoubleVector.fromArray(S, b, bo + 3 * V), c3);
            c4 = x.fma(DoubleVector.fromArray(S, b, bo + 4 * V), c4);
            c5 = x.fma(DoubleVector.fromArray(S, b, bo + 5 * V), c5);
            c6 = x.fma(DoubleVector.fromArray(S, b, bo + 6 * V), c6);
            c7 = x.fma(DoubleVector.fromArray(S, b, bo + 7 * V), c7);
        }
        int o = cOff;
        if (accumulate) {
            c0 = c0.add(DoubleVector.fromArray(S, c, o));
            c1 = c1.add(DoubleVector.fromArray(S, c, o + V));
            c2 = c2.add(DoubleVector.fromArray(S, c, o + 2 * V));
            c3 = c3.add(DoubleVector.fromArray(S, c, o + 3 * V));
            c4 = c4.add(DoubleVector.fromArray(S, c, o + 4 * V));
            c5 = c5.add(DoubleVector.fromArray(S, c, o + 5 * V));
            c6 = c6.add(DoubleVector.fromArray(S, c, o + 6 * V));
            c7 = c7.add(DoubleVector.fromArray(S, c, o + 7 * V));
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
    static void row1(double[] a, int aOff, int ks, double[] b, int bOff, int bks, int K, double[] c, int cOff,
                     boolean accumulate) {
        DoubleVector c0 = DoubleVector.zero(S), c1 = c0;
        for (int k = 0, ak = aOff, bo = bOff; k < K; k++, ak += ks, bo += bks) {
            DoubleVector x = DoubleVector.broadcast(S, a[ak]);
            c0 = x.fma(DoubleVector.fromArray(S, b, bo), c0);
            c1 = x.fma(DoubleVector.fromArray(S, b, bo + V), c1);
        }
        if (accumulate) {
            c0 = c0.add(DoubleVector.fromArray(S, c, cOff));
            c1 = c1.add(DoubleVector.fromArray(S, c, cOff + V));
        }
        c0.intoArray(c, cOff);
        c1.intoArray(c, cOff + V);
    }

    /**
     * {@code C[rows [r0, r1)][panels [p0, p1)] (+)= A · B}. Rows go in tiles of MR, a last one of up to four rows in
     * a 4-row tile; A and C must have rows up to r0 plus a multiple of MR (the spare rows are computed, unused). Row r of A starts at {@code aOff + r·rs}, of C at {@code cOff + r·ldc}; panel p of B (one
     * panel per group, see {@link #packedIndex}) at {@code bOff + p·panelStride}. K goes in blocks of KC, rows in
     * blocks of {@code mc} (a multiple of MR), and within a block panel by panel, so a block of A stays in L2 and a
     * panel's slice in L1/L2 while the tiles use it. A single row runs as a GEMV, four panels at a time.
     */
    public static void multiply(double[] a, int aOff, int rs, int ks, int r0, int r1, double[] b, int bOff,
                                int panelStride, int K, int p0, int p1, double[] c, int cOff, int ldc, boolean accumulate,
                                int mc) {
        // Blocks add their chains to C in a fixed order: results depend on KC (a constant), never on threads or
        // tiles.
        for (int k0 = 0; k0 < K; k0 += KC) {
            int kc = Math.min(KC, K - k0);
            boolean acc = accumulate || k0 > 0;
            int ak = aOff + k0 * ks, bk = bOff + k0 * NR;
            if (r1 - r0 == 1) {
                gemv(a, ak + r0 * rs, ks, b, bk, panelStride, 1, kc, p0, p1, c, cOff + r0 * ldc, acc, false);
                continue;
            }
            for (int rb = r0; rb < r1; rb += mc) {
                int re = Math.min(r1, rb + mc);
                for (int p = p0; p < p1; p++) {
                    int bo = bk + p * panelStride;
                    int r = rb;
                    for (; r + 4 < re; r += MR) tile(a, ak + r * rs, rs, ks, b, bo, kc, c, cOff + r * ldc + p * NR, ldc, acc);
                    if (r < re) tile4(a, ak + r * rs, rs, ks, b, bo, kc, c, cOff + r * ldc + p * NR, ldc, acc);
                }
            }
        }
    }

    /**
     * One row: {@code c[panels [p0, p1)] (+)= a · B}, four panels at a time, B packed in groups of {@code group}
     * panels interleaved per k (panel p at {@code bOff + (p / group)·groupStride + (p % group)·NR}, stepping
     * {@code group·NR} per k). With groups of four the weights stream as one contiguous run, which the prefetchers
     * follow best: the batch-1 recurrent product reads W_hh from such a copy (~20% more bandwidth than four
     * separate panels). {@code descending} (groups of four only) runs the panels from last to first. A element k is {@code a[aOff + k·ks]}; C element j of panel p is {@code c[cOff + p·NR + j]}.
     */
    public static void gemv(double[] a, int aOff, int ks, double[] b, int bOff, int groupStride, int group, int K,
                            int p0, int p1, double[] c, int cOff, boolean accumulate, boolean descending) {
        int bks = group * NR;
        if (group == 4) {
            // Whole groups of four between a head and a tail of single panels. Descending runs them in the opposite
            // order: every panel's result is the same, only the order of the stream differs (see GridF64#timeLoop).
            int g0 = Math.min(p1, (p0 + 3) & ~3), g1 = Math.max(g0, p1 & ~3);
            if (!descending) {
                for (int p = p0; p < g0; p++) row1(a, aOff, ks, b, panel(bOff, groupStride, 4, p), bks, K, c, cOff + p * NR, accumulate);
                for (int p = g0; p < g1; p += 4) group4(a, aOff, ks, b, bOff + (p / 4) * groupStride, K, c, cOff + p * NR, accumulate);
                for (int p = g1; p < p1; p++) row1(a, aOff, ks, b, panel(bOff, groupStride, 4, p), bks, K, c, cOff + p * NR, accumulate);
            } else {
                for (int p = p1 - 1; p >= g1; p--) row1(a, aOff, ks, b, panel(bOff, groupStride, 4, p), bks, K, c, cOff + p * NR, accumulate);
                for (int p = g1 - 4; p >= g0; p -= 4) group4(a, aOff, ks, b, bOff + (p / 4) * groupStride, K, c, cOff + p * NR, accumulate);
                for (int p = g0 - 1; p >= p0; p--) row1(a, aOff, ks, b, panel(bOff, groupStride, 4, p), bks, K, c, cOff + p * NR, accumulate);
            }
            return;
        }
        int p = p0;
        for (; p + 4 <= p1; p += 4) {
            row4(a, aOff, ks, b, panel(bOff, groupStride, group, p), panel(bOff, groupStride, group, p + 1),
                    panel(bOff, groupStride, group, p + 2), panel(bOff, groupStride, group, p + 3), bks, K, c,
                    cOff + p * NR, accumulate);
        }
        for (; p < p1; p++) row1(a, aOff, ks, b, panel(bOff, groupStride, group, p), bks, K, c, cOff + p * NR, accumulate);
    }

    /** Start of panel p of a packed B (groups of {@code group} panels interleaved per k). */
    static int panel(int bOff, int groupStride, int group, int p) {
        return bOff + (p / group) * groupStride + (p % group) * NR;
    }

    /**
     * Where element (k, col) of a K-row B lives when packed in groups of {@code group} panels interleaved per k:
     * group {@code g = p / group} of panels {@code p = col / NR} holds, for each k, the NR columns of each of its
     * panels side by side ({@code group·NR} values per k). With group 1: plain panels of K rows by NR columns.
     */
    public static int packedIndex(int k, int col, int K, int group) {
        int p = col / NR;
        return (p / group) * K * group * NR + k * group * NR + (p % group) * NR + col % NR;
    }

    /** K block of {@link #multiply}: a panel slice of KC rows is 64 KiB in float64 (32 KiB in float64). */
    static final int KC = 512;

    /** Rows per block of A for a GEMM with K columns (blocked by KC): about 256 KB of A, a multiple of MR. */
    public static int rowBlock(int K) {
        int mc = (256 * 1024 / Double.BYTES) / Math.max(1, Math.min(K, KC));
        return Math.max(MR, Math.min(32 * MR, mc / MR * MR));
    }
}
