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
        if (accumulate) {
            add(c, cOff, c00, c01);
            add(c, cOff + ldc, c10, c11);
            add(c, cOff + 2 * ldc, c20, c21);
            add(c, cOff + 3 * ldc, c30, c31);
            add(c, cOff + 4 * ldc, c40, c41);
            add(c, cOff + 5 * ldc, c50, c51);
        } else {
            put(c, cOff, c00, c01);
            put(c, cOff + ldc, c10, c11);
            put(c, cOff + 2 * ldc, c20, c21);
            put(c, cOff + 3 * ldc, c30, c31);
            put(c, cOff + 4 * ldc, c40, c41);
            put(c, cOff + 5 * ldc, c50, c51);
        }
    }

    private static void put(float[] c, int off, FloatVector v0, FloatVector v1) {
        v0.intoArray(c, off);
        v1.intoArray(c, off + V);
    }

    private static void add(float[] c, int off, FloatVector v0, FloatVector v1) {
        FloatVector.fromArray(S, c, off).add(v0).intoArray(c, off);
        FloatVector.fromArray(S, c, off + V).add(v1).intoArray(c, off + V);
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
        if (accumulate) {
            add(c, cOff, c0, c1);
            add(c, cOff + NR, c2, c3);
            add(c, cOff + 2 * NR, c4, c5);
            add(c, cOff + 3 * NR, c6, c7);
        } else {
            put(c, cOff, c0, c1);
            put(c, cOff + NR, c2, c3);
            put(c, cOff + 2 * NR, c4, c5);
            put(c, cOff + 3 * NR, c6, c7);
        }
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
            p0 = p;
            if (p0 == p1) return;
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

    /**
     * Packs columns {@code [col0, col0 + cols)} of the row-major {@code src} ({@code rows x ld}, rows starting at
     * {@code srcOff + k·ld}) as B of K = rows: panels of NR columns, zero past {@code cols}, into {@code dst} from
     * {@code dstOff}. Returns the panel count.
     */
    public static int packRows(float[] src, int srcOff, int ld, int rows, int col0, int cols, float[] dst, int dstOff) {
        int panels = (cols + NR - 1) / NR;
        for (int p = 0; p < panels; p++) {
            int base = dstOff + p * rows * NR;
            int c0 = col0 + p * NR;
            int w = Math.min(NR, col0 + cols - c0);
            for (int k = 0; k < rows; k++) {
                int s = srcOff + k * ld + c0;
                int d = base + k * NR;
                System.arraycopy(src, s, dst, d, w);
                if (w < NR) java.util.Arrays.fill(dst, d + w, d + NR, 0f);
            }
        }
        return panels;
    }
}
