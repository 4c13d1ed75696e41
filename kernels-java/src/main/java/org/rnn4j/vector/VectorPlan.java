package org.rnn4j.vector;

import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnPlan;
import org.rnn4j.spi.ExecutionPlan;

/**
 * The {@code vector} backend's plan of one workspace: where each layer direction's saved state sits in the
 * workspace (byte offsets for the capacity's T and N; rows inside a block are dense for the call's T·N), and,
 * created on first use, the dtype's execution object with its scratch (GEMM inputs and outputs, carried
 * states, gradients) on the Java heap, where the kernels run fastest.
 *
 * <p>Workspace (TRAINING), per layer: the output Y [T·N][D·Hp]; per layer direction: the activated gates
 * [T·N][savedWidth], the cell states [T·N][Hp] (LSTM), and copies of h0 and c0 [N][Hp]. INFERENCE: two
 * output buffers that the layers use in turn. A step plan holds one step of one layer direction: Y [N][Hp],
 * gates, c, h0, c0.
 */
public final class VectorPlan implements ExecutionPlan {
    final RnnPlan capacity;
    final Mode mode;
    final boolean step;
    final GateLayout layout;
    final int elementBytes;
    /** Per layer (sequence plans; index 0 for step plans): offset of Y. */
    final long[] yOffset;
    /** Per layer direction: offsets of saved gates, cell states, h0 and c0 (-1 where absent). */
    final long[] gatesOffset;
    final long[] cOffset;
    final long[] h0Offset;
    final long[] c0Offset;
    final int savedWidth;
    /** Elements per row of Y: D·Hp for sequences, Hp for steps. */
    final int yWidth;
    private final long bytes;
    /** The dtype's execution state (GridF32 or GridF64), made on first use by the backend. */
    Object execution;

    // Sizes of the heap scratch (elements; see GridF32), computed here once so allocation and reporting agree.
    /** Rows of a step (N) and of a sequence (T·N), padded to the GEMM tile height. */
    public final int nPad, tnPad;
    /** Row stride of dG (see GridF32#ldg). */
    public final int ldg;
    /** Widest K of an input GEMM (I, or D·Hp above layer 0) and that padded to the panel width. */
    public final int inWidthMax, inPadMax;
    /** The team size the scratch is made for (per-member buffers). */
    public final int members;
    private final long scratchElements;

    /** The largest heap array the JVM allocates: the scratch is kept in arrays. */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 64;

    VectorPlan(RnnPlan capacity, Mode mode, boolean step, int lanes, int members) {
        this.capacity = capacity;
        this.mode = mode;
        this.step = step;
        RnnConfig c = capacity.config();
        this.layout = new GateLayout(CellKind.of(c.cell()), c.hiddenSize(), lanes);
        this.elementBytes = c.dtype().bytes();
        int hp = layout.hp;
        this.savedWidth = layout.kind.isLstm() || layout.kind.isGru() ? 4 * hp : 0;
        boolean lstm = layout.kind.isLstm();
        long rows = (long) capacity.seqLength() * capacity.batch();
        int N = capacity.batch();
        int slots = step ? 1 : c.stateRows();
        int layers = step ? 1 : c.layers();
        this.yWidth = step ? hp : c.directions() * hp;
        yOffset = new long[Math.max(layers, 2)];
        gatesOffset = new long[slots];
        cOffset = new long[slots];
        h0Offset = new long[slots];
        c0Offset = new long[slots];
        java.util.Arrays.fill(gatesOffset, -1);
        java.util.Arrays.fill(cOffset, -1);
        java.util.Arrays.fill(h0Offset, -1);
        java.util.Arrays.fill(c0Offset, -1);
        long at = 0;
        if (mode == Mode.TRAINING) {
            for (int l = 0; l < layers; l++) {
                yOffset[l] = at;
                at = align(at + rows * yWidth * elementBytes);
            }
            for (int s = 0; s < slots; s++) {
                if (savedWidth > 0) {
                    gatesOffset[s] = at;
                    at = align(at + rows * savedWidth * elementBytes);
                }
                if (lstm) {
                    cOffset[s] = at;
                    at = align(at + rows * hp * elementBytes);
                }
                h0Offset[s] = at;
                at = align(at + (long) N * hp * elementBytes);
                if (lstm) {
                    c0Offset[s] = at;
                    at = align(at + (long) N * hp * elementBytes);
                }
            }
        } else {
            // Inference: layer l writes buffer l % 2 and reads buffer (l - 1) % 2; a step writes buffer 0.
            for (int b = 0; b < (step || layers == 1 ? 1 : 2); b++) {
                yOffset[b] = at;
                at = align(at + rows * yWidth * elementBytes);
            }
            if (step || layers == 1) yOffset[1] = yOffset[0];
            for (int l = 2; l < yOffset.length; l++) yOffset[l] = yOffset[l % 2];
        }
        this.bytes = at;

        this.members = members;
        int mr = Species.MR, nr = 2 * lanes;
        int fw = layout.fwdWidth(), dgw = layout.dgWidth();
        this.ldg = gradientStride(dgw, elementBytes);
        this.nPad = roundUp(capacity.batch(), mr);
        long tn = (long) capacity.seqLength() * capacity.batch();
        int wide = Math.max(fw, ldg);
        if (roundUp(tn, mr) * wide > MAX_ARRAY) {
            throw new IllegalArgumentException("maxSeqLength*maxBatch: expected at most " + (MAX_ARRAY / wide / mr * mr)
                    + " for the vector backend, which keeps the gates of all T·N rows ([T·N][" + wide + "] for " + c
                    + ") in one Java array, but was " + tn + "; split the sequence into chunks (carry the states) or "
                    + "use the native backend");
        }
        this.tnPad = (int) roundUp(tn, mr);
        this.inWidthMax = Math.max(c.inputSize(), step || c.layers() > 1 ? c.directions() * hp : 0);
        this.inPadMax = (int) roundUp(inWidthMax, nr);
        long aRowsEach = Math.max((long) nPad * hp, (long) gemmRowBlock(inWidthMax, elementBytes) * inWidthMax);
        long fwd = (long) tnPad * wide + wide + 8L * lanes + (long) nPad * fw + 2L * nPad * hp + 2L * nPad * hp
                + members * aRowsEach + (step && c.layers() > 1 ? (long) nPad * c.directions() * hp : 0);
        long bwd = 2L * nPad * ldg + (step || c.layers() == 1 ? 1 : 2) * (long) tnPad * yWidth + 4L * nPad * hp
                + (long) tnPad * inPadMax
                + (long) GRADIENT_K_BLOCK * (roundUp(inPadMax, mr) + 2L * roundUp(hp, mr))
                + members * ((long) GRADIENT_K_BLOCK * nr + roundUp(Math.max(inPadMax, hp), mr))
                + (roundUp(inPadMax, mr) + roundUp(hp, mr)) * (long) gradientStride(dgw, elementBytes)
                + roundUp(hp, mr) * (long) gradientStride(hp, elementBytes) + dgw + 3L * hp;
        this.scratchElements = fwd + (mode == Mode.TRAINING ? bwd : 0);
        this.scratchTableBytes = rows * Long.BYTES * (mode == Mode.TRAINING ? 6 : 3) + 3L * capacity.batch() * 4
                + (long) capacity.seqLength() * 4;
    }

    private final long scratchTableBytes;

    private static long roundUp(long x, int m) {
        return (x + m - 1) / m * m;
    }

    private static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    /**
     * Rows of dG per pass of the weight-gradient GEMMs: a panel of them (NR columns) is 32 KiB in float32 at 512
     * bits, which stays in L1 while every tile runs against it (at 512 it would not; with dG read in place, before
     * the transposed products, 512 measured no faster and 128 slower).
     */
    public static final int GRADIENT_K_BLOCK = 256;

    /**
     * Row stride of a matrix the weight-gradient GEMMs stream by rows (dG, and the transposed weight-gradient
     * accumulators): its width, plus one cache line when the width is a multiple of 128 elements. With a stride of a
     * multiple of 4 KiB successive rows fall into the same L1 set and evict each other (4K aliasing: dG read that
     * way measured 40% slower than the other GEMMs).
     */
    public static int gradientStride(int width, int elementBytes) {
        return width % 128 == 0 ? width + 64 / elementBytes : width;
    }

    /** Rows per block of A for a GEMM with K columns (as the dtype's Gemm class chooses). */
    static int gemmRowBlock(int K, int elementBytes) {
        int mc = (256 * 1024 / elementBytes) / Math.max(1, Math.min(K, 512));
        return Math.max(Species.MR, Math.min(32 * Species.MR, mc / Species.MR * Species.MR));
    }

    /**
     * Bytes of Java heap the backend keeps beside this workspace (GEMM operands, carried states, gradients,
     * tables), allocated on the workspace's first call (backward's part on its first backward).
     */
    @Override
    public long scratchBytes() {
        return scratchElements * elementBytes + scratchTableBytes;
    }

    private static long align(long at) {
        return (at + 63) & ~63L;
    }

    @Override
    public RnnPlan capacity() {
        return capacity;
    }

    @Override
    public Mode mode() {
        return mode;
    }

    @Override
    public long workspaceBytes() {
        return bytes;
    }

    public GateLayout layout() {
        return layout;
    }

    /** Offset of layer {@code l}'s output Y (inference: the buffer that layer writes). */
    public long y(int l) {
        return yOffset[l];
    }

    public long gates(int slot) {
        return gatesOffset[slot];
    }

    public long cells(int slot) {
        return cOffset[slot];
    }

    public long h0(int slot) {
        return h0Offset[slot];
    }

    public long c0(int slot) {
        return c0Offset[slot];
    }

    public int savedWidth() {
        return savedWidth;
    }

    public int yWidth() {
        return yWidth;
    }

    public boolean isStep() {
        return step;
    }

    public Object execution() {
        return execution;
    }

    public void execution(Object e) {
        execution = e;
    }
}
