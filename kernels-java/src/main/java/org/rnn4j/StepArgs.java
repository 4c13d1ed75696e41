package org.rnn4j;

import java.lang.foreign.MemorySegment;

/**
 * One cell step of one layer and direction, for frameworks that drive the time loop themselves.
 * {@code input} [N, in], {@code hPrev}/{@code cPrev} [N, H] (optional, zero when null; c only for LSTM),
 * {@code hNext}/{@code cNext} [N, H] written (cNext optional). What backward needs is saved in the
 * {@link StepWorkspace} of the call.
 */
public final class StepArgs {
    int batch;
    MemorySegment input;
    MemorySegment hPrev;
    MemorySegment cPrev;
    MemorySegment hNext;
    MemorySegment cNext;

    public StepArgs batch(int batch) { this.batch = batch; return this; }

    public StepArgs input(MemorySegment s) { this.input = s; return this; }
    public StepArgs input(float[] a) { return input(Checks.wrapOptional(a)); }
    public StepArgs input(double[] a) { return input(Checks.wrapOptional(a)); }

    public StepArgs hPrev(MemorySegment s) { this.hPrev = s; return this; }
    public StepArgs hPrev(float[] a) { return hPrev(Checks.wrapOptional(a)); }
    public StepArgs hPrev(double[] a) { return hPrev(Checks.wrapOptional(a)); }

    public StepArgs cPrev(MemorySegment s) { this.cPrev = s; return this; }
    public StepArgs cPrev(float[] a) { return cPrev(Checks.wrapOptional(a)); }
    public StepArgs cPrev(double[] a) { return cPrev(Checks.wrapOptional(a)); }

    public StepArgs hNext(MemorySegment s) { this.hNext = s; return this; }
    public StepArgs hNext(float[] a) { return hNext(Checks.wrapOptional(a)); }
    public StepArgs hNext(double[] a) { return hNext(Checks.wrapOptional(a)); }

    public StepArgs cNext(MemorySegment s) { this.cNext = s; return this; }
    public StepArgs cNext(float[] a) { return cNext(Checks.wrapOptional(a)); }
    public StepArgs cNext(double[] a) { return cNext(Checks.wrapOptional(a)); }

    public int batch() { return batch; }
    public MemorySegment input() { return input; }
    public MemorySegment hPrev() { return hPrev; }
    public MemorySegment cPrev() { return cPrev; }
    public MemorySegment hNext() { return hNext; }
    public MemorySegment cNext() { return cNext; }

    /** Makes this a copy of {@code s}: step calls validate and run on the copy. */
    StepArgs copyFrom(StepArgs s) {
        batch = s.batch;
        input = s.input;
        hPrev = s.hPrev;
        cPrev = s.cPrev;
        hNext = s.hNext;
        cNext = s.cNext;
        return this;
    }
}
