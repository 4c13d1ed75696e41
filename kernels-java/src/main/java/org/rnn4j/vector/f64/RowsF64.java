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
     * Packs rows {@code [k0, k0 + kc)} of a segment matrix (row k at {@code rowOff[k]}, {@code cols} wide; negative:
     * zeros) as B panels [kc][NR] for panels {@code [p0, p1)}, columns past {@code cols} zero. Panel p lands at
     * {@code dst[p·kc·NR]}.
     */
    static void packB(MemorySegment src, long[] rowOff, int k0, int kc, int cols, int p0, int p1, double[] dst) {
        for (int p = p0; p < p1; p++) {
            int c0 = p * NR;
            int w = Math.min(NR, cols - c0);
            int base = p * kc * NR;
            for (int k = 0; k < kc; k++) {
                int d = base + k * NR;
                long row = rowOff[k0 + k];
                if (row < 0) {
                    java.util.Arrays.fill(dst, d, d + NR, 0d);
                } else if (w == NR) {
                    long o = row + (long) c0 * Double.BYTES;
                    DoubleVector.fromMemorySegment(S, src, o, LE).intoArray(dst, d);
                    DoubleVector.fromMemorySegment(S, src, o + (long) V * Double.BYTES, LE).intoArray(dst, d + V);
                } else {
                    if (w > 0) MemorySegment.copy(src, F, row + (long) c0 * Double.BYTES, dst, d, w);
                    java.util.Arrays.fill(dst, d + Math.max(w, 0), d + NR, 0d);
                }
            }
        }
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

    /** Column sums over rows [0, rows) of columns [c0, c1) (multiples of V), in row order, into {@code out}. */
    static void columnSums(double[] a, int aOff, int ld, int rows, int c0, int c1, double[] out) {
        for (int c = c0; c < c1; c += V) {
            DoubleVector acc = DoubleVector.zero(S);
            for (int r = 0, o = aOff + c; r < rows; r++, o += ld) acc = acc.add(DoubleVector.fromArray(S, a, o));
            acc.intoArray(out, c);
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
