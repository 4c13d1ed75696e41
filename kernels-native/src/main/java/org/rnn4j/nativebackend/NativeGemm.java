package org.rnn4j.nativebackend;

import java.lang.foreign.MemorySegment;
import java.lang.ref.Reference;

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
 * <p><b>Validation.</b> Everything is checked in Java before the native call, and a violation throws
 * {@link IllegalArgumentException} naming the argument, what was expected and what was given; C is then
 * untouched. The rules: {@code M, N, K >= 0}; the segments are non-null, native (heap segments are
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
        validate("sgemm", Float.BYTES, "float", transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
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
        validate("dgemm", Double.BYTES, "double", transA, transB, m, n, k, a, lda, b, ldb, c, ldc);
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
        if (rows < 0 || width < 0) {
            throw new IllegalArgumentException(
                    "rows and width: expected >= 0, given rows=" + rows + ", width=" + width);
        }
        if (ld < Math.max(1, width)) {
            throw new IllegalArgumentException(
                    "ld: expected >= max(1, width) = " + Math.max(1, width) + ", given " + ld);
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

    private static void validate(String op, int elemBytes, String elemName, boolean transA, boolean transB,
                                 int m, int n, int k,
                                 MemorySegment a, int lda, MemorySegment b, int ldb,
                                 MemorySegment c, int ldc) {
        requireNonNegative(op, "m", m);
        requireNonNegative(op, "n", n);
        requireNonNegative(op, "k", k);

        checkSegment(op, "a", a, elemBytes, elemName);
        checkSegment(op, "b", b, elemBytes, elemName);
        checkSegment(op, "c", c, elemBytes, elemName);
        if (c.isReadOnly()) {
            throw new IllegalArgumentException(op + ": c: expected a writable segment (C is the output), "
                    + "given a read-only segment");
        }

        // Stored shapes (rows x width) of A, B and C in row-major order.
        int aRows = transA ? k : m, aWidth = transA ? m : k;
        int bRows = transB ? n : k, bWidth = transB ? k : n;
        String aShape = transA ? "K x M (transA=true)" : "M x K (transA=false)";
        String bShape = transB ? "N x K (transB=true)" : "K x N (transB=false)";
        checkLd(op, "lda", lda, aWidth, "A stored " + aShape + ", M=" + m + " K=" + k);
        checkLd(op, "ldb", ldb, bWidth, "B stored " + bShape + ", K=" + k + " N=" + n);
        checkLd(op, "ldc", ldc, n, "C stored M x N, M=" + m + " N=" + n);

        long aBytes = checkSize(op, "a", a, aRows, aWidth, lda, elemBytes, elemName, "A stored " + aShape);
        long bBytes = checkSize(op, "b", b, bRows, bWidth, ldb, elemBytes, elemName, "B stored " + bShape);
        long cBytes = checkSize(op, "c", c, m, n, ldc, elemBytes, elemName, "C stored M x N");

        checkNoOverlap(op, "a", a, aBytes, c, cBytes);
        checkNoOverlap(op, "b", b, bBytes, c, cBytes);
    }

    private static void requireNonNegative(String op, String name, int value) {
        if (value < 0) {
            throw new IllegalArgumentException(op + ": " + name + ": expected >= 0, given " + value);
        }
    }

    private static void checkSegment(String op, String name, MemorySegment s, int elemBytes, String elemName) {
        if (s == null) {
            throw new IllegalArgumentException(op + ": " + name + ": expected a native MemorySegment, given null");
        }
        if (!s.isNative()) {
            throw new IllegalArgumentException(op + ": " + name + ": expected a native (off-heap) MemorySegment, "
                    + "given a heap segment (" + s.byteSize() + " bytes); heap segments are not supported "
                    + "because the native code needs a stable address: allocate with an Arena");
        }
        if (!s.scope().isAlive()) {
            throw new IllegalArgumentException(op + ": " + name + ": expected an alive segment, "
                    + "given a segment whose arena is closed");
        }
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(op + ": " + name + ": expected a segment accessible from thread "
                    + Thread.currentThread().getName() + ", given a segment confined to another thread");
        }
        if (s.address() % elemBytes != 0) {
            throw new IllegalArgumentException(op + ": " + name + ": expected an address aligned to " + elemBytes
                    + " bytes (" + elemName + "), given address 0x" + Long.toHexString(s.address()));
        }
    }

    private static void checkLd(String op, String name, int ld, int width, String what) {
        int min = Math.max(1, width);
        if (ld < min) {
            throw new IllegalArgumentException(op + ": " + name + ": expected >= " + min
                    + " (max(1, row width) for " + what + "), given " + ld);
        }
    }

    private static long checkSize(String op, String name, MemorySegment s, int rows, int width, int ld,
                                  int elemBytes, String elemName, String what) {
        long elems = extent(rows, width, ld);
        long bytes;
        try {
            bytes = Math.multiplyExact(elems, (long) elemBytes);
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(op + ": " + name + ": " + what + " with " + rows + " rows of width "
                    + width + " and ld=" + ld + " spans " + elems + " " + elemName + "s, too many to address");
        }
        if (s.byteSize() < bytes) {
            throw new IllegalArgumentException(op + ": " + name + ": too small: " + what + " (" + rows + " rows x "
                    + width + ", ld=" + ld + ") needs (rows-1)*ld+width = " + elems + " " + elemName + "s = "
                    + bytes + " bytes, given a segment of " + s.byteSize() + " bytes");
        }
        return bytes;
    }

    private static void checkNoOverlap(String op, String inName, MemorySegment in, long inBytes,
                                       MemorySegment out, long outBytes) {
        if (inBytes == 0 || outBytes == 0) {
            return;
        }
        long inStart = in.address(), outStart = out.address();
        // Unsigned-safe for user-space addresses (< 2^63).
        if (inStart < outStart + outBytes && outStart < inStart + inBytes) {
            throw new IllegalArgumentException(op + ": c: expected an output that does not overlap input "
                    + inName + ", given c's addressed bytes [0x" + Long.toHexString(outStart) + ", 0x"
                    + Long.toHexString(outStart + outBytes) + ") overlapping " + inName + "'s [0x"
                    + Long.toHexString(inStart) + ", 0x" + Long.toHexString(inStart + inBytes) + ")");
        }
    }
}
