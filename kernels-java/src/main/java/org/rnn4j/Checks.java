package org.rnn4j;

import java.lang.foreign.MemorySegment;
import org.rnn4j.spi.SegmentRules;

/**
 * The argument checks of the API's entry points, composed from the segment rules of {@link SegmentRules}
 * (each rule is stated there once) and the size rules below. Each failure is an
 * {@link IllegalArgumentException} that names the argument, what was expected and what was given, thrown
 * before anything is computed or written.
 */
final class Checks {
    private Checks() {}

    /**
     * {@code seg} can hold {@code elements} values of {@code dtype}: not null, alive, accessible, backed by the
     * array type of {@code dtype} when on the heap, large enough, and writable when {@code output}.
     * {@code note} is appended to the message when the segment is missing (why it is required).
     */
    static void tensor(String prefix, Object name, MemorySegment seg, long elements, DType dtype, boolean output,
                       String note) {
        if (seg == null) {
            SegmentRules.present(prefix, name, null, "a segment of " + elements + " " + dtype.numpyName()
                    + " elements" + note);
        }
        SegmentRules.alive(prefix, name, seg);
        SegmentRules.accessible(prefix, name, seg);
        SegmentRules.elementType(prefix, name, seg, dtype);
        SegmentRules.holds(prefix, name, seg, elements, dtype);
        if (output) SegmentRules.writable(prefix, name, seg);
    }

    static void tensor(String name, MemorySegment seg, long elements, DType dtype, boolean output) {
        tensor(null, name, seg, elements, dtype, output, "");
    }

    static void tensor(String name, MemorySegment seg, long elements, DType dtype, boolean output, String note) {
        tensor(null, name, seg, elements, dtype, output, note);
    }

    /** Like {@link #tensor} but null is allowed (an optional argument). */
    static void optionalTensor(String name, MemorySegment seg, long elements, DType dtype, boolean output) {
        if (seg != null) tensor(null, name, seg, elements, dtype, output, "");
    }

    /** Raw memory of at least {@code bytes} bytes (a workspace given by the caller). */
    static void memory(String name, MemorySegment seg, long bytes, boolean written) {
        SegmentRules.usable(null, name, seg, "a segment of " + bytes + " bytes");
        if (written) SegmentRules.writable(null, name, seg);
        SegmentRules.holdsBytes(null, name, seg, bytes);
    }

    /** Rejects a segment that a cell without memory cell cannot use (c0, cN and their gradients for GRU and RNN). */
    static void absent(String name, Object value, Cell cell) {
        if (value != null) {
            throw new IllegalArgumentException(name + ": expected null because " + cell.id()
                    + " has no cell state but a segment was given");
        }
    }

    static void positive(String name, int value) {
        if (value < 1) throw new IllegalArgumentException(name + ": expected >= 1 but was " + value);
    }

    static void inRange(String name, int value, int lo, int hi) {
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
