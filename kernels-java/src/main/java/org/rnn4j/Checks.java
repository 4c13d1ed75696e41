package org.rnn4j;

import java.lang.foreign.MemorySegment;

/**
 * The argument checks every entry point shares. Each failure is an {@link IllegalArgumentException} that
 * names the argument, what was expected and what was given, thrown before anything is computed or written.
 */
final class Checks {
    private Checks() {}

    /**
     * Checks that {@code seg} can hold {@code elements} values of {@code dtype}: not null, alive, large enough,
     * writable when {@code output}, and, for heap segments, backed by the array type of {@code dtype}.
     */
    public static void tensor(String name, MemorySegment seg, long elements, DType dtype, boolean output) {
        if (seg == null) {
            throw new IllegalArgumentException(name + ": expected a segment of " + elements + " "
                    + dtype.numpyName() + " elements but was null");
        }
        if (!seg.scope().isAlive()) {
            throw new IllegalArgumentException(name + ": expected a live segment but its arena is closed");
        }
        if (!seg.isAccessibleBy(Thread.currentThread())) {
            throw new IllegalArgumentException(name + ": expected a segment accessible by the calling thread but it is "
                    + "confined to another thread");
        }
        Object base = seg.heapBase().orElse(null);
        if (base != null) {
            boolean ok = dtype == DType.F32 ? base instanceof float[] : base instanceof double[];
            if (!ok) {
                throw new IllegalArgumentException(name + ": expected " + dtype.numpyName() + " data ("
                        + (dtype == DType.F32 ? "float[]" : "double[]") + ") but was backed by "
                        + base.getClass().getSimpleName() + " (dtype mismatch)");
            }
        }
        long need = bytes(name, elements, dtype);
        if (seg.byteSize() < need) {
            throw new IllegalArgumentException(name + ": expected at least " + elements + " " + dtype.numpyName()
                    + " elements (" + need + " bytes) but the segment has " + seg.byteSize() + " bytes ("
                    + seg.byteSize() / dtype.bytes() + " elements)");
        }
        if (output && seg.isReadOnly()) {
            throw new IllegalArgumentException(name + ": expected a writable segment but it is read-only");
        }
    }

    /** {@code elements · dtype.bytes()}, or an exception naming {@code name} when that does not fit in a long. */
    static long bytes(String name, long elements, DType dtype) {
        try {
            return Math.multiplyExact(elements, (long) dtype.bytes());
        } catch (ArithmeticException e) {
            throw new IllegalArgumentException(name + ": expected a size that fits in 2^63 bytes but " + elements + " "
                    + dtype.numpyName() + " elements do not");
        }
    }

    /** Whether {@link #tensor} would accept {@code seg}: lets hot paths build the argument name only on failure. */
    public static boolean isValidTensor(MemorySegment seg, long elements, DType dtype, boolean output) {
        if (seg == null || !seg.scope().isAlive() || !seg.isAccessibleBy(Thread.currentThread())) return false;
        Object base = seg.heapBase().orElse(null);
        if (base != null && !(dtype == DType.F32 ? base instanceof float[] : base instanceof double[])) return false;
        return elements <= Long.MAX_VALUE / dtype.bytes() && seg.byteSize() >= elements * dtype.bytes()
                && !(output && seg.isReadOnly());
    }

    /** Like {@link #tensor} but null is allowed (an optional argument). */
    public static void optionalTensor(String name, MemorySegment seg, long elements, DType dtype, boolean output) {
        if (seg != null) tensor(name, seg, elements, dtype, output);
    }

    /** Rejects a segment that a cell without memory cell cannot use (c0, cN and their gradients for GRU and RNN). */
    public static void absent(String name, Object value, Cell cell) {
        if (value != null) {
            throw new IllegalArgumentException(name + ": expected null because " + cell.id()
                    + " has no cell state but a segment was given");
        }
    }

    public static void positive(String name, int value) {
        if (value < 1) throw new IllegalArgumentException(name + ": expected >= 1 but was " + value);
    }

    public static void inRange(String name, int value, int lo, int hi) {
        if (value < lo || value > hi) {
            throw new IllegalArgumentException(name + ": expected a value in " + lo + ".." + hi + " but was " + value);
        }
    }

    static MemorySegment wrap(String name, float[] a) {
        if (a == null) throw new IllegalArgumentException(name + ": expected a float[] but was null");
        return MemorySegment.ofArray(a);
    }

    static MemorySegment wrap(String name, double[] a) {
        if (a == null) throw new IllegalArgumentException(name + ": expected a double[] but was null");
        return MemorySegment.ofArray(a);
    }

    /** Wraps heap data for an optional argument: null stays null. */
    static MemorySegment wrapOptional(float[] a) {
        return a == null ? null : MemorySegment.ofArray(a);
    }

    static MemorySegment wrapOptional(double[] a) {
        return a == null ? null : MemorySegment.ofArray(a);
    }
}
