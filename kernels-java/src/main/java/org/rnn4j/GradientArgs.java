package org.rnn4j;

import java.lang.foreign.MemorySegment;

/**
 * The gradients of one backward call. Upstream gradients are inputs (null means zero); the rest are outputs
 * (null means not wanted, and the work for them is skipped where the backend can).
 *
 * <ul>
 *   <li>{@code gradOutput} like the output, {@code gradHN}/{@code gradCN} [L·D, N, H]: upstream, optional.</li>
 *   <li>{@code gradInput} like the input, {@code gradH0}/{@code gradC0} [L·D, N, H]: written, optional.</li>
 *   <li>{@code weightGrads}: one segment per parameter, optional as a whole. With {@code accumulate} the
 *       gradients are added to what the buffers hold (as oneDNN/cuDNN do, for gradient accumulation over
 *       micro-batches); otherwise they are overwritten.</li>
 * </ul>
 */
public final class GradientArgs {
    MemorySegment gradOutput;
    MemorySegment gradHN;
    MemorySegment gradCN;
    MemorySegment gradInput;
    MemorySegment gradH0;
    MemorySegment gradC0;
    RnnParameters weightGrads;
    boolean accumulate;

    public GradientArgs gradOutput(MemorySegment s) { this.gradOutput = s; return this; }
    public GradientArgs gradOutput(float[] a) { return gradOutput(Checks.wrapOptional(a)); }
    public GradientArgs gradOutput(double[] a) { return gradOutput(Checks.wrapOptional(a)); }

    public GradientArgs gradHN(MemorySegment s) { this.gradHN = s; return this; }
    public GradientArgs gradHN(float[] a) { return gradHN(Checks.wrapOptional(a)); }
    public GradientArgs gradHN(double[] a) { return gradHN(Checks.wrapOptional(a)); }

    public GradientArgs gradCN(MemorySegment s) { this.gradCN = s; return this; }
    public GradientArgs gradCN(float[] a) { return gradCN(Checks.wrapOptional(a)); }
    public GradientArgs gradCN(double[] a) { return gradCN(Checks.wrapOptional(a)); }

    public GradientArgs gradInput(MemorySegment s) { this.gradInput = s; return this; }
    public GradientArgs gradInput(float[] a) { return gradInput(Checks.wrapOptional(a)); }
    public GradientArgs gradInput(double[] a) { return gradInput(Checks.wrapOptional(a)); }

    public GradientArgs gradH0(MemorySegment s) { this.gradH0 = s; return this; }
    public GradientArgs gradH0(float[] a) { return gradH0(Checks.wrapOptional(a)); }
    public GradientArgs gradH0(double[] a) { return gradH0(Checks.wrapOptional(a)); }

    public GradientArgs gradC0(MemorySegment s) { this.gradC0 = s; return this; }
    public GradientArgs gradC0(float[] a) { return gradC0(Checks.wrapOptional(a)); }
    public GradientArgs gradC0(double[] a) { return gradC0(Checks.wrapOptional(a)); }

    public GradientArgs weightGrads(RnnParameters grads) { this.weightGrads = grads; return this; }

    /** true: add into the weight-gradient buffers; false (default): overwrite them. */
    public GradientArgs accumulate(boolean accumulate) { this.accumulate = accumulate; return this; }

    /** Makes this a copy of {@code g} (see {@link SequenceArgs#copyFrom}: calls validate and run on the copy). */
    GradientArgs copyFrom(GradientArgs g) {
        gradOutput = g.gradOutput;
        gradHN = g.gradHN;
        gradCN = g.gradCN;
        gradInput = g.gradInput;
        gradH0 = g.gradH0;
        gradC0 = g.gradC0;
        weightGrads = g.weightGrads;
        accumulate = g.accumulate;
        return this;
    }

    public MemorySegment gradOutput() { return gradOutput; }
    public MemorySegment gradHN() { return gradHN; }
    public MemorySegment gradCN() { return gradCN; }
    public MemorySegment gradInput() { return gradInput; }
    public MemorySegment gradH0() { return gradH0; }
    public MemorySegment gradC0() { return gradC0; }
    public RnnParameters weightGrads() { return weightGrads; }
    public boolean accumulate() { return accumulate; }
}
