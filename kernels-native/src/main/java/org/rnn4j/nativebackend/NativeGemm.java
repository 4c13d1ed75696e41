package org.rnn4j.nativebackend;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;
import org.rnn4j.DType;
import org.rnn4j.spi.SegmentRules;

/**
 * Row-major GEMM on off-heap memory through OpenBLAS ({@code cblas_sgemm}/{@code cblas_dgemm}), zero-copy:
 * the native code works directly on the caller's {@link MemorySegment}s.
 *
 * <p>Computes {@code C = alpha * op(A) * op(B) + beta * C} with {@code op(X) = X} or {@code X^T}, where
 * {@code op(A)} is {@code M x K}, {@code op(B)} is {@code K x N} and {@code C} is {@code M x N}. Every
 * matrix is row-major with a leading dimension (the distance in elements between the starts of two rows):
 * <ul>
 *   <li>A is stored {@code M x K} ({@code lda >= max(1, K)}), or {@code K x M} when {@code transA}
 *       ({@code lda >= max(1, M)});</li>
 *   <li>B is stored {@code K x N} ({@code ldb >= max(1, N)}), or {@code N x K} when {@code transB}
 *       ({@code ldb >= max(1, K)});</li>
 *   <li>C is stored {@code M x N} ({@code ldc >= max(1, N)}).</li>
 * </ul>
 * A stored {@code R x W} matrix with leading dimension {@code ld} occupies {@code (R - 1) * ld + W}
 * elements from the segment's start (none when {@code R} or {@code W} is 0); only those are read or
 * written, so elements in the row padding ({@code W <= j < ld}) and past the end are left untouched. As in
 * BLAS, when {@code beta == 0} C is not read (NaNs in it do not propagate).
 *
 * <p><b>Validation.</b> Everything is checked in Java before the native call, with the rules of
 * {@link SegmentRules}, and a violation throws {@link IllegalArgumentException} in the project's style,
 * {@code sgemm.a: expected X but was Y}; C is then untouched. The rules: {@code M, N, K >= 0}; the segments are non-null, native (heap segments are
 * rejected), alive, accessible from the calling thread and aligned to the element size; C is writable;
 * each leading dimension is at least its row width (and at least 1); each segment holds the elements the
 * call addresses; and the addressed bytes of C overlap neither A's nor B's (A and B may overlap each
 * other).
 *
 * <p>The segments must stay alive for the duration of the call: do not close their arena from another
 * thread while a call runs (the JNI call cannot pin a shared arena the way an FFM downcall does).
 *
 * <p>Threads: OpenBLAS uses its own thread pool (size: {@code OPENBLAS_NUM_THREADS}, or all cores; see
 * {@link NativeLibraryInfo#openblasThreads()}); do not call this from inside a parallel loop that already
 * uses every core.
 */
public final class NativeGemm {

    private NativeGemm() {
    }

    /**
     * float32 GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, row-major. See the class documentation
     * for shapes, leading dimensions and the validation rules.
     *
     * @throws IllegalArgumentException if any argument is invalid (C is then untouched)
     * @throws IllegalStateException if the native library could not be loaded (with the reason)
     */
    public static void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                             float beta, MemorySegment c, int ldc) {
        validate("sgemm", DType.F32, transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        NativeLibraryInfo.requireLoaded();
        NativeBlasLibrary.sgemm(transA, transB, m, n, k,
                alpha, a.address(), lda, b.address(), ldb, beta, c.address(), ldc);
        keepReachable(a, b, c);
    }

    /**
     * float64 GEMM: {@code C = alpha * op(A) * op(B) + beta * C}, row-major. See the class documentation
     * for shapes, leading dimensions and the validation rules.
     *
     * @throws IllegalArgumentException if any argument is invalid (C is then untouched)
     * @throws IllegalStateException if the native library could not be loaded (with the reason)
     */
    public static void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double alpha, MemorySegment a, int lda, MemorySegment b, int ldb,
                             double beta, MemorySegment c, int ldc) {
        validate("dgemm", DType.F64, transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
        NativeLibraryInfo.requireLoaded();
        NativeBlasLibrary.dgemm(transA, transB, m, n, k,
                alpha, a.address(), lda, b.address(), ldb, beta, c.address(), ldc);
        keepReachable(a, b, c);
    }

    /**
     * Number of elements a row-major {@code rows x width} matrix with leading dimension {@code ld} spans:
     * {@code (rows - 1) * ld + width}, or 0 when {@code rows} or {@code width} is 0.
     *
     * @throws IllegalArgumentException on negative sizes or {@code ld < max(1, width)}
     */
    public static long requiredElements(int rows, int width, int ld) {
        nonNegative(null, "rows", rows);
        nonNegative(null, "width", width);
        if (ld < Math.max(1, width)) {
            throw SegmentRules.fail(null, "ld", "expected >= max(1, width) = " + Math.max(1, width) + " but was "
                    + ld);
        }
        return extent(rows, width, ld);
    }

    // ------------------------------------------------------------------------------------------------

    /**
     * Keeps the segments (and so memory of automatic arenas) reachable until the native call that used their
     * raw addresses has returned: called after it, this is the last use the JIT must respect.
     */
    private static void keepReachable(MemorySegment a, MemorySegment b, MemorySegment c) {
        Reference.reachabilityFence(a);
        Reference.reachabilityFence(b);
        Reference.reachabilityFence(c);
    }

    private static long extent(int rows, int width, int ld) {
        if (rows == 0 || width == 0) {
            return 0;
        }
        return (long) (rows - 1) * ld + width; // < 2^62: no overflow
    }

    private static void validate(String op, DType dtype, boolean transA, boolean transB, int m, int n, int k,
                                 MemorySegment a, int lda, MemorySegment b, int ldb,
                                 MemorySegment c, int ldc) {
        nonNegative(op, "m", m);
        nonNegative(op, "n", n);
        nonNegative(op, "k", k);

        checkSegment(op, "a", a, dtype);
        checkSegment(op, "b", b, dtype);
        checkSegment(op, "c", c, dtype);
        SegmentRules.writable(op, "c", c);

        // Stored shapes (rows x width) of A, B and C in row-major order.
        int aRows = transA ? k : m, aWidth = transA ? m : k;
        int bRows = transB ? n : k, bWidth = transB ? k : n;
        String aShape = transA ? "K x M (transA=true)" : "M x K (transA=false)";
        String bShape = transB ? "N x K (transB=true)" : "K x N (transB=false)";
        checkLd(op, "lda", lda, aWidth, "A stored " + aShape + ", M=" + m + " K=" + k);
        checkLd(op, "ldb", ldb, bWidth, "B stored " + bShape + ", K=" + k + " N=" + n);
        checkLd(op, "ldc", ldc, n, "C stored M x N, M=" + m + " N=" + n);

        long aBytes = checkSize(op, "a", a, aRows, aWidth, lda, "lda", dtype, "A stored " + aShape);
        long bBytes = checkSize(op, "b", b, bRows, bWidth, ldb, "ldb", dtype, "B stored " + bShape);
        long cBytes = checkSize(op, "c", c, m, n, ldc, "ldc", dtype, "C stored M x N");

        // C is written while A and B are read; A and B may overlap each other.
        SegmentRules.disjoint(op, "c", c, cBytes, "a", a, aBytes);
        SegmentRules.disjoint(op, "c", c, cBytes, "b", b, bBytes);
    }

    private static void nonNegative(String op, String name, int value) {
        if (value < 0) throw SegmentRules.fail(op, name, "expected >= 0 but was " + value);
    }

    /** The rules of SegmentRules a native operand needs: present, off-heap, alive, accessible, aligned. */
    private static void checkSegment(String op, String name, MemorySegment s, DType dtype) {
        SegmentRules.present(op, name, s, "a native (off-heap) segment of " + dtype.numpyName() + " elements");
        // Before the other rules: the native code needs a stable address, which a heap array does not have.
        SegmentRules.offHeap(op, name, s);
        SegmentRules.alive(op, name, s);
        SegmentRules.accessible(op, name, s);
        SegmentRules.aligned(op, name, s, dtype.bytes());
    }

    private static void checkLd(String op, String name, int ld, int width, String what) {
        int min = Math.max(1, width);
        if (ld < min) {
            throw SegmentRules.fail(op, name, "expected >= " + min + " (max(1, row width) for " + what + ") but was "
                    + ld);
        }
    }

    /** The segment holds the (rows-1)*ld+width elements the call addresses; returns their bytes. */
    private static long checkSize(String op, String name, MemorySegment s, int rows, int width, int ld,
                                  String ldName, DType dtype, String what) {
        long elems = extent(rows, width, ld);
        SegmentRules.holds(op, name, s, elems, dtype, "for " + what + ": (rows-1)*" + ldName + "+width with "
                + rows + " rows of " + width + ", " + ldName + "=" + ld);
        return elems * dtype.bytes(); // < 2^62 elements: holds() has checked the bytes fit in a long
    }
}
