package org.rnn4j;

import java.lang.foreign.MemorySegment;

/**
 * Gradients of one cell step. {@code gradHNext}/{@code gradCNext} [N, H] upstream (null = zero);
 * {@code gradInput} [N, in], {@code gradHPrev}/{@code gradCPrev} [N, H] written (optional);
 * {@code weightGrads} of the whole network, of which only the stepped layer and direction are touched,
 * overwritten or accumulated per {@code accumulate} (a framework looping over time accumulates).
 */
public final class StepGradients {
    MemorySegment gradHNext;
    MemorySegment gradCNext;
    MemorySegment gradInput;
    MemorySegment gradHPrev;
    MemorySegment gradCPrev;
    RnnParameters weightGrads;
    boolean accumulate;

    public StepGradients gradHNext(MemorySegment s) { this.gradHNext = s; return this; }
    public StepGradients gradHNext(float[] a) { return gradHNext(Checks.wrapOptional(a)); }
    public StepGradients gradHNext(double[] a) { return gradHNext(Checks.wrapOptional(a)); }

    public StepGradients gradCNext(MemorySegment s) { this.gradCNext = s; return this; }
    public StepGradients gradCNext(float[] a) { return gradCNext(Checks.wrapOptional(a)); }
    public StepGradients gradCNext(double[] a) { return gradCNext(Checks.wrapOptional(a)); }

    public StepGradients gradInput(MemorySegment s) { this.gradInput = s; return this; }
    public StepGradients gradInput(float[] a) { return gradInput(Checks.wrapOptional(a)); }
    public StepGradients gradInput(double[] a) { return gradInput(Checks.wrapOptional(a)); }

    public StepGradients gradHPrev(MemorySegment s) { this.gradHPrev = s; return this; }
    public StepGradients gradHPrev(float[] a) { return gradHPrev(Checks.wrapOptional(a)); }
    public StepGradients gradHPrev(double[] a) { return gradHPrev(Checks.wrapOptional(a)); }

    public StepGradients gradCPrev(MemorySegment s) { this.gradCPrev = s; return this; }
    public StepGradients gradCPrev(float[] a) { return gradCPrev(Checks.wrapOptional(a)); }
    public StepGradients gradCPrev(double[] a) { return gradCPrev(Checks.wrapOptional(a)); }

    public StepGradients weightGrads(RnnParameters grads) { this.weightGrads = grads; return this; }
    public StepGradients accumulate(boolean accumulate) { this.accumulate = accumulate; return this; }

    /** Makes this a copy of {@code g}: step calls validate and run on the copy. */
    StepGradients copyFrom(StepGradients g) {
        gradHNext = g.gradHNext;
        gradCNext = g.gradCNext;
        gradInput = g.gradInput;
        gradHPrev = g.gradHPrev;
        gradCPrev = g.gradCPrev;
        weightGrads = g.weightGrads;
        accumulate = g.accumulate;
        return this;
    }

    public MemorySegment gradHNext() { return gradHNext; }
    public MemorySegment gradCNext() { return gradCNext; }
    public MemorySegment gradInput() { return gradInput; }
    public MemorySegment gradHPrev() { return gradHPrev; }
    public MemorySegment gradCPrev() { return gradCPrev; }
    public RnnParameters weightGrads() { return weightGrads; }
    public boolean accumulate() { return accumulate; }
}
