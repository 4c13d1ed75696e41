package org.rnn4j.spi;

import java.lang.foreign.MemorySegment;
import org.rnn4j.DType;

/**
 * Every rule a segment argument can break, each stated once with its message, for the API's validation and
 * for backends that add entry points of their own (the native GEMM). A failure is an
 * {@link IllegalArgumentException} in the project's one style, {@code name: expected X but was Y}.
 *
 * <p>A name comes in two parts, {@code prefix} (may be null) and {@code name}, joined with a dot only when a
 * rule fails: callers that check every parameter of a network ({@code weights.weight_ih_l0}, ...) allocate
 * nothing while the rules hold.
 */
public final class SegmentRules {
    private SegmentRules() {}

    /** Not null; {@code what} says what was expected, e.g. "a segment of 12 float32 elements". */
    public static void present(String prefix, Object name, MemorySegment s, String what) {
        if (s == null) throw fail(prefix, name, "expected " + what + " but was null");
    }

    /** Its arena is open. */
    public static void alive(String prefix, Object name, MemorySegment s) {
        if (!s.scope().isAlive()) throw fail(prefix, name, "expected a live segment but its arena is closed");
    }

    /** The calling thread may access it (not confined to another thread). */
    public static void accessible(String prefix, Object name, MemorySegment s) {
        if (!s.isAccessibleBy(Thread.currentThread())) {
            throw fail(prefix, name, "expected a segment accessible by the calling thread but it is confined to "
                    + "another thread");
        }
    }

    /** Present, alive and accessible: the rules every segment argument shares. */
    public static void usable(String prefix, Object name, MemorySegment s, String what) {
        present(prefix, name, s, what);
        alive(prefix, name, s);
        accessible(prefix, name, s);
    }

    /** Not read-only (it is written). */
    public static void writable(String prefix, Object name, MemorySegment s) {
        if (s.isReadOnly()) throw fail(prefix, name, "expected a writable segment but it is read-only");
    }

    /**
     * A heap segment is backed by the array type of {@code dtype} (float[] for F32, double[] for F64); native
     * segments carry no element type and pass. Allocation-free for native segments only (the JDK reports the
     * backing array through an Optional).
     */
    public static void elementType(String prefix, Object name, MemorySegment s, DType dtype) {
        if (s.isNative()) return;
        Object base = s.heapBase().orElse(null);
        if (base == null) return; // a read-only heap view: the JDK does not reveal its array
        boolean ok = dtype == DType.F32 ? base instanceof float[] : base instanceof double[];
        if (!ok) {
            throw fail(prefix, name, "expected " + dtype.numpyName() + " data ("
                    + (dtype == DType.F32 ? "float[]" : "double[]") + ") but was backed by "
                    + base.getClass().getSimpleName() + " (dtype mismatch)");
        }
    }

    /** Holds at least {@code elements} values of {@code dtype}; the element count must fit in bytes. */
    public static void holds(String prefix, Object name, MemorySegment s, long elements, DType dtype) {
        holds(prefix, name, s, elements, dtype, null);
    }

    /**
     * The same, with {@code why} (may be null) naming the formula behind the count in the message, e.g.
     * "for A stored M x K: (rows-1)*lda+width with 3 rows of 5, lda=7".
     */
    public static void holds(String prefix, Object name, MemorySegment s, long elements, DType dtype, String why) {
        long need = bytes(prefix, name, elements, dtype);
        if (s.byteSize() < need) {
            throw fail(prefix, name, "expected at least " + elements + " " + dtype.numpyName() + " elements (" + need
                    + " bytes)" + (why == null ? "" : " " + why) + " but the segment has " + s.byteSize()
                    + " bytes (" + s.byteSize() / dtype.bytes() + " elements)");
        }
    }

    /** Holds at least {@code bytes} bytes. */
    public static void holdsBytes(String prefix, Object name, MemorySegment s, long bytes) {
        if (s.byteSize() < bytes) {
            throw fail(prefix, name, "expected at least " + bytes + " bytes but was " + s.byteSize() + " bytes");
        }
    }

    /** Native (off-heap) memory: code outside the JVM needs a stable address. */
    public static void offHeap(String prefix, Object name, MemorySegment s) {
        if (!s.isNative()) {
            throw fail(prefix, name, "expected a native (off-heap) segment, allocated with an Arena, but was a heap "
                    + "segment of " + s.byteSize() + " bytes");
        }
    }

    /** Its address is a multiple of {@code alignment} bytes. */
    public static void aligned(String prefix, Object name, MemorySegment s, int alignment) {
        if (s.address() % alignment != 0) {
            throw fail(prefix, name, "expected an address aligned to " + alignment + " bytes but was 0x"
                    + Long.toHexString(s.address()));
        }
    }

    /**
     * The first {@code bytes} of {@code s} (an output) share no byte with the first {@code otherBytes} of
     * {@code other}: a kernel writes its outputs while it still reads its inputs. Native segments are compared
     * by address range; when either is a heap segment the JDK decides ({@code asOverlappingSlice}).
     */
    public static void disjoint(String prefix, Object name, MemorySegment s, long bytes, String otherName,
                                MemorySegment other, long otherBytes) {
        long b = Math.min(bytes, s.byteSize()), ob = Math.min(otherBytes, other.byteSize());
        if (b <= 0 || ob <= 0) return; // an empty extent touches nothing
        boolean overlap = s.isNative() && other.isNative()
                ? s.address() < other.address() + ob && other.address() < s.address() + b
                : s.asSlice(0, b).asOverlappingSlice(other.asSlice(0, ob)).isPresent();
        if (overlap) throw overlapping(prefix, name, otherName);
    }

    /** The failure of output {@code prefix.name} that shares memory with {@code otherName}. */
    public static IllegalArgumentException overlapping(String prefix, Object name, String otherName) {
        return fail(prefix, name, "expected memory disjoint from " + otherName + " but the two overlap");
    }

    /** {@code elements · dtype.bytes()}, or a failure naming the argument when that does not fit in a long. */
    public static long bytes(String prefix, Object name, long elements, DType dtype) {
        try {
            return Math.multiplyExact(elements, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw fail(prefix, name, "expected a size that fits in 2^63 bytes but " + elements + " "
                    + dtype.numpyName() + " elements do not");
        }
    }

    /** The failure of argument {@code prefix.name}: {@code "name: " + message}. */
    public static IllegalArgumentException fail(String prefix, Object name, String message) {
        return new IllegalArgumentException((prefix == null ? "" : prefix + ".") + name + ": " + message);
    }
}
