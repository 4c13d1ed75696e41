package org.rnn4j.reference;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

/**
 * Everything one cell step of one sample computed that its backward needs: the states it started from, the
 * activated gates, the cell-specific extra vector and the new states. Serialised as float64 into workspaces
 * and step workspaces, {@link #doubles} values per record.
 *
 * <p>{@code extra}: for the linear-before-reset GRU, {@code W_hn h + b_hn}; for the reset-before GRU,
 * {@code r ⊙ h_prev}; unused (zero) otherwise.
 */
final class StepRecord {
    final double[] hPrev;
    final double[] cPrev;
    final double[] gates;
    final double[] extra;
    final double[] c;
    final double[] h;
    // The vectors in serialisation order, built once: save and load run once per step and sample.
    private final double[][] parts;

    StepRecord(int hidden, int gates) {
        hPrev = new double[hidden];
        cPrev = new double[hidden];
        this.gates = new double[gates * hidden];
        extra = new double[hidden];
        c = new double[hidden];
        h = new double[hidden];
        parts = new double[][] {hPrev, cPrev, this.gates, extra, c, h};
    }

    static long doubles(int hidden, int gates) {
        return (5L + gates) * hidden;
    }

    /** Writes this record at double index {@code at} of {@code seg}. */
    void save(MemorySegment seg, long at) {
        for (double[] a : parts) {
            MemorySegment.copy(a, 0, seg, ValueLayout.JAVA_DOUBLE_UNALIGNED, at * Double.BYTES, a.length);
            at += a.length;
        }
    }

    /** Reads the record at double index {@code at} of {@code seg}. */
    void load(MemorySegment seg, long at) {
        for (double[] a : parts) {
            MemorySegment.copy(seg, ValueLayout.JAVA_DOUBLE_UNALIGNED, at * Double.BYTES, a, 0, a.length);
            at += a.length;
        }
    }
}
