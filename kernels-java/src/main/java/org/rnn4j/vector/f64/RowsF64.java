// GENERATED from the float32 source by GenerateFloat64 (kernels-java/src/test): do not edit.
package org.rnn4j.vector.f64;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/**
 * Moving rows between the caller's or the workspace's segments and the kernels' arrays: row gathers for the
 * GEMMs' A and B operands, and copies in and out with zero padding. Rows are addressed by byte offsets (a table
 * per call covers every layout: time-major, batch-first, varlen, the previous step of each sample).
 */
final class RowsF64 {
    private RowsF64() {}

    static final VectorSpecies<Double> S = Species.F64;
    static final int V = S.length();
    static final int NR = GemmF64.NR;
    static final int MR = GemmF64.MR;
    static final ValueLayout.OfDouble F = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * dst[i·ld + c] = src row (rowOff[r0 + i]) element c, c < cols, for i in [0, rows); the rest of each row 0.
     * A negative offset stands for a row of zeros (a step past a sample's length: whatever the caller keeps there
     * must not reach a product, where 0 · NaN would).
     */
    static void gather(MemorySegment src, long[] rowOff, int r0, int rows, int cols, double[] dst, int dstOff, int ld) {
        for (int i = 0; i < rows; i++) {
            int d = dstOff + i * ld;
            long o = rowOff[r0 + i];
            if (o < 0) java.util.Arrays.fill(dst, d, d + cols, 0d);
            else MemorySegment.copy(src, F, o, dst, d, cols);
            if (ld > cols) java.util.Arrays.fill(dst, d + cols, d + ld, 0d);
        }
    }

    /**
     * Regroups rows {@code [k0, k0 + kc)} of a segment matrix (row k at {@code rowOff[k]}, {@code cols} wide;
     * negative: zeros) as tiles of MR columns, for tiles {@code [t0, t1)}: tile t holds, for each k, its MR values
     * side by side at {@code dst[at + (t·kc + k)·MR]}, columns at or past {@code cols} zero: the A operand of the
     * transposed weight-gradient GEMMs (see GridF64#weightGrads). Each row's share goes to {@code buf} in one bulk
     * copy first (an element-wise segment read costs a bounds check per element).
     */
    static void packTiles(MemorySegment src, long[] rowOff, int k0, int kc, int cols, int t0, int t1, double[] buf,
                          int bufOff, double[] dst, int at) {
        int c0 = t0 * MR, w = Math.min(t1 * MR, cols) - c0, end = bufOff + (t1 - t0) * MR;
        if (w <= 0) return;
        for (int k = 0; k < kc; k++) {
            long row = rowOff[k0 + k];
            if (row < 0) {
                java.util.Arrays.fill(buf, bufOff, end, 0d);
            } else {
                MemorySegment.copy(src, F, row + (long) c0 * Double.BYTES, buf, bufOff, w);
                java.util.Arrays.fill(buf, bufOff + w, end, 0d);
            }
            for (int t = t0, b = bufOff; t < t1; t++, b += MR) {
                int d = at + (t * kc + k) * MR;
                for (int j = 0; j < MR; j++) dst[d + j] = buf[b + j];
            }
        }
    }

    /**
     * Copies {@code kc} rows of NR columns ({@code a[off + k·ld]}) into a packed panel at {@code dst[0]}, and their
     * column sums into {@code sums[col .. col + NR)} (added to what is there when {@code add}, else written): the
     * bias gradients ride along with the weight-gradient GEMMs' reads of dG.
     */
    static void copyPanel(double[] a, int off, int ld, int kc, double[] dst, double[] sums, int col, boolean add) {
        DoubleVector s0 = DoubleVector.zero(S), s1 = s0;
        for (int k = 0, o = off, d = 0; k < kc; k++, o += ld, d += NR) {
            DoubleVector x0 = DoubleVector.fromArray(S, a, o), x1 = DoubleVector.fromArray(S, a, o + V);
            x0.intoArray(dst, d);
            x1.intoArray(dst, d + V);
            s0 = s0.add(x0);
            s1 = s1.add(x1);
        }
        if (add) {
            s0 = s0.add(DoubleVector.fromArray(S, sums, col));
            s1 = s1.add(DoubleVector.fromArray(S, sums, col + V));
        }
        s0.intoArray(sums, col);
        s1.intoArray(sums, col + V);
    }

    /** Copies {@code cols} elements of array row i to the segment row at {@code rowOff[r0 + i]} (overwrite or add). */
    static void scatter(double[] src, int srcOff, int ld, int r0, int rows, int cols, MemorySegment dst, long[] rowOff,
                        boolean accumulate) {
        for (int i = 0; i < rows; i++) {
            long o = rowOff[r0 + i];
            int s = srcOff + i * ld;
            if (!accumulate) {
                MemorySegment.copy(src, s, dst, F, o, cols);
            } else {
                for (int c = 0; c < cols; c++) {
                    long at = o + (long) c * Double.BYTES;
                    dst.set(F, at, dst.get(F, at) + src[s + c]);
                }
            }
        }
    }

    /**
     * Copies {@code cols} elements from segment rows {@code srcOff[i]} (negative: zeros) to segment rows
     * {@code dstOff[i]}, i in [0, rows).
     */
    static void copyRows(MemorySegment src, long[] srcOff, MemorySegment dst, long[] dstOff, int rows, int cols) {
        long bytes = (long) cols * Double.BYTES;
        for (int i = 0; i < rows; i++) {
            long s = srcOff[i];
            if (s >= 0) {
                MemorySegment.copy(src, s, dst, dstOff[i], bytes);
            } else {
                for (int c = 0; c < cols; c++) dst.set(F, dstOff[i] + (long) c * Double.BYTES, 0d);
            }
        }
    }

    /** Reads a [rows][cols] state block (null: zeros) into an array with row stride ld, padding with zeros. */
    static void readState(MemorySegment src, long byteOff, int rows, int cols, double[] dst, int ld) {
        for (int i = 0; i < rows; i++) {
            int d = i * ld;
            if (src == null) java.util.Arrays.fill(dst, d, d + cols, 0d);
            else MemorySegment.copy(src, F, byteOff + (long) i * cols * Double.BYTES, dst, d, cols);
            java.util.Arrays.fill(dst, d + cols, d + ld, 0d);
        }
    }

    /** Writes rows of an array (row stride ld) as a [rows][cols] block at {@code byteOff} of {@code dst}. */
    static void writeState(double[] src, int srcOff, int ld, int rows, int cols, MemorySegment dst, long byteOff) {
        for (int i = 0; i < rows; i++) {
            MemorySegment.copy(src, srcOff + i * ld, dst, F, byteOff + (long) i * cols * Double.BYTES, cols);
        }
    }

    /** Copies a [rows][ld] array block into the workspace at {@code byteOff} (row stride ld). */
    static void save(double[] src, int rows, int ld, MemorySegment dst, long byteOff) {
        MemorySegment.copy(src, 0, dst, F, byteOff, rows * ld);
    }

    /** Adds {@code bias[0, width)} to rows [r0, r1) of {@code c} (row stride width). */
    static void addBias(double[] c, int r0, int r1, int width, double[] bias) {
        for (int r = r0; r < r1; r++) {
            int o = r * width;
            for (int v = 0; v < width; v += V) {
                DoubleVector.fromArray(S, c, o + v).add(DoubleVector.fromArray(S, bias, v)).intoArray(c, o + v);
            }
        }
    }

    /**
     * Σ over rows r of dG[r][col + lane] · x(r)[u + lane] for one block of V units starting at unit u: a peephole's
     * gradient, with x the cell state of row r read from a segment at {@code xOff[r]}. Adds into out[u].
     */
    static void weightedSum(double[] dg, int ld, int col, int rows, MemorySegment xs, long[] xOff, int u, double[] out,
                            int outIndex) {
        DoubleVector acc = DoubleVector.zero(S);
        for (int r = 0; r < rows; r++) {
            if (xOff[r] < 0) continue; // a step past the sample's length: its dG is zero
            DoubleVector x = DoubleVector.fromMemorySegment(S, xs, xOff[r] + (long) u * Double.BYTES, LE);
            acc = DoubleVector.fromArray(S, dg, r * ld + col).fma(x, acc);
        }
        acc.intoArray(out, outIndex);
    }

    /**
     * Reads {@code cols} elements of each of the given segment rows (negative offset or null segment: zeros) into
     * array rows at {@code dstOff + i·ld}, then zeros the row's padding {@code [cols, pad)}; the rest of the array
     * row is left alone (another direction's columns).
     */
    static void readRows(MemorySegment src, long[] rowOff, int rows, int cols, int pad, double[] dst, int dstOff, int ld) {
        for (int i = 0; i < rows; i++) {
            int d = dstOff + i * ld;
            long o = rowOff[i];
            if (src == null || o < 0) java.util.Arrays.fill(dst, d, d + cols, 0d);
            else MemorySegment.copy(src, F, o, dst, d, cols);
            java.util.Arrays.fill(dst, d + cols, d + pad, 0d);
        }
    }

    /** Writes {@code cols} elements of array rows {@code srcOff + i·ld} to the given segment rows (overwrite). */
    static void writeRows(double[] src, int srcOff, int ld, int rows, int cols, MemorySegment dst, long[] rowOff) {
        for (int i = 0; i < rows; i++) MemorySegment.copy(src, srcOff + i * ld, dst, F, rowOff[i], cols);
    }
}
