package org.rnn4j;

import java.lang.foreign.MemorySegment;

/**
 * The tensors of one sequence call. Reusable: a framework keeps one per call site and re-points it, so steady
 * state allocates nothing (the array overloads wrap without copying, but do create a small segment object).
 *
 * <ul>
 *   <li>{@code input}  [T, N, I] (or [N, T, I] batch-first), required.</li>
 *   <li>{@code output} [T, N, D·H] (or [N, T, D·H]), written by forward; positions past a sample's length are 0.</li>
 *   <li>{@code h0}, {@code c0} [L·D, N, H], optional: zero when null. {@code c0} only for LSTM.</li>
 *   <li>{@code hN}, {@code cN} [L·D, N, H], optional outputs: the states after each sample's last valid step.</li>
 *   <li>{@code lengths} [N], optional: sample n is valid for t &lt; lengths[n], each in 1..T; null means all T.</li>
 * </ul>
 * Backward takes the same arguments as the training forward that filled the workspace.
 */
public final class SequenceArgs {
    int seqLength;
    int batch;
    MemorySegment input;
    MemorySegment output;
    MemorySegment h0;
    MemorySegment c0;
    MemorySegment hN;
    MemorySegment cN;
    int[] lengths;

    /** Sets T and N. */
    public SequenceArgs shape(int seqLength, int batch) {
        this.seqLength = seqLength;
        this.batch = batch;
        return this;
    }

    public SequenceArgs input(MemorySegment s) { this.input = s; return this; }
    public SequenceArgs input(float[] a) { return input(Checks.wrapOptional(a)); }
    public SequenceArgs input(double[] a) { return input(Checks.wrapOptional(a)); }

    public SequenceArgs output(MemorySegment s) { this.output = s; return this; }
    public SequenceArgs output(float[] a) { return output(Checks.wrapOptional(a)); }
    public SequenceArgs output(double[] a) { return output(Checks.wrapOptional(a)); }

    public SequenceArgs h0(MemorySegment s) { this.h0 = s; return this; }
    public SequenceArgs h0(float[] a) { return h0(Checks.wrapOptional(a)); }
    public SequenceArgs h0(double[] a) { return h0(Checks.wrapOptional(a)); }

    public SequenceArgs c0(MemorySegment s) { this.c0 = s; return this; }
    public SequenceArgs c0(float[] a) { return c0(Checks.wrapOptional(a)); }
    public SequenceArgs c0(double[] a) { return c0(Checks.wrapOptional(a)); }

    public SequenceArgs hN(MemorySegment s) { this.hN = s; return this; }
    public SequenceArgs hN(float[] a) { return hN(Checks.wrapOptional(a)); }
    public SequenceArgs hN(double[] a) { return hN(Checks.wrapOptional(a)); }

    public SequenceArgs cN(MemorySegment s) { this.cN = s; return this; }
    public SequenceArgs cN(float[] a) { return cN(Checks.wrapOptional(a)); }
    public SequenceArgs cN(double[] a) { return cN(Checks.wrapOptional(a)); }

    /**
     * Per-sample lengths, one per sample, each in 1..T. Calls copy them before validating; backward checks
     * that they equal those of the training forward that filled the workspace.
     */
    public SequenceArgs lengths(int[] lengths) { this.lengths = lengths; return this; }

    public int seqLength() { return seqLength; }
    public int batch() { return batch; }
    public MemorySegment input() { return input; }
    public MemorySegment output() { return output; }
    public MemorySegment h0() { return h0; }
    public MemorySegment c0() { return c0; }
    public MemorySegment hN() { return hN; }
    public MemorySegment cN() { return cN; }
    /** The lengths (null: all T). In the copy a backend receives the array may be longer than N: use {@link #length}. */
    public int[] lengths() { return lengths; }

    /**
     * Makes this a copy of {@code a} whose lengths live in {@code lengthsBuffer}: calls validate and run on such
     * a copy, so a caller changing its arguments (or its lengths array) during a call cannot slip unchecked
     * values past validation. Throws when {@code a.lengths} has not exactly one entry per sample or does not
     * fit the buffer (the workspace's capacity).
     */
    SequenceArgs copyFrom(SequenceArgs a, int[] lengthsBuffer) {
        seqLength = a.seqLength;
        batch = a.batch;
        input = a.input;
        output = a.output;
        h0 = a.h0;
        c0 = a.c0;
        hN = a.hN;
        cN = a.cN;
        int[] l = a.lengths;
        if (l == null) {
            lengths = null;
            return this;
        }
        if (l.length != batch) {
            throw new IllegalArgumentException("lengths: expected " + batch + " entries (one per sample) but was "
                    + l.length);
        }
        if (batch > lengthsBuffer.length) {
            throw new IllegalArgumentException("workspace: expected room for N=" + batch + " but it was sized for N<="
                    + lengthsBuffer.length);
        }
        System.arraycopy(l, 0, lengthsBuffer, 0, batch);
        lengths = lengthsBuffer;
        return this;
    }

    /** Length of sample n: lengths[n], or T when no lengths were given. */
    public int length(int n) {
        return lengths == null ? seqLength : lengths[n];
    }
}
