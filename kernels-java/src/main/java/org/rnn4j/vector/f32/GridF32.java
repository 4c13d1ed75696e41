package org.rnn4j.vector.f32;

import java.lang.foreign.MemorySegment;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.vector.CellKind;
import org.rnn4j.vector.GateLayout;
import org.rnn4j.vector.Species;
import org.rnn4j.vector.Team;
import org.rnn4j.vector.TeamRunner;
import org.rnn4j.vector.TeamTask;
import org.rnn4j.vector.VectorPlan;

/**
 * The grid level of the {@code vector} backend in float32: layers, directions and time. Per layer direction the
 * forward runs one input GEMM over all T·N rows (row blocks shared among the team), then per step the cell:
 * the recurrent GEMM and the post-GEMM passes for each member's share of hidden units, and one barrier. The
 * backward runs per step the post-GEMM backward and the dh GEMM, and after the time loop one GEMM each for
 * dW_ih, dW_hh and dX over all steps, plus the bias (and peephole) reductions. Variable lengths are handled
 * inside the loops: step s runs the samples still active, each at its own time index (reverse direction:
 * len - 1 - s), and finished samples keep their state.
 *
 * <p>One instance per workspace plan: it owns the scratch (allocated on first use) and is used by one call at a
 * time. Members of a team write disjoint parts of every shared buffer, and every output element is computed by
 * one member in one fixed order, so results are bitwise identical for any number of threads.
 */
public final class GridF32 implements TeamTask {
    static final int NR = GemmF32.NR;
    static final int MR = GemmF32.MR;
    static final int V = Species.F32.length();
    static final int W = Float.BYTES;
    /** K block of the weight-gradient GEMMs (rows of dG per pass): {@link VectorPlan#GRADIENT_K_BLOCK}. */
    static final int KC = VectorPlan.GRADIENT_K_BLOCK;

    final VectorPlan plan;
    final RnnConfig cfg;
    final GateLayout gl;
    final CellKind kind;
    final int hidden, hp, dirs, layers, fw, dgw, sw, yw;
    /** Row stride of dG: {@link VectorPlan#gradientStride}. */
    final int ldg;
    /** Row strides of the transposed weight-gradient accumulators (dW_ihᵀ, dW_hhᵀ, a reset-before GRU's dW_hnᵀ). */
    final int ldIh, ldHh, ldHn;
    /** The dG columns W_hh sees, {@code [hCol0, hCol1)} (a reset-before GRU's W_hn: {@code [2Hp, 3Hp)} apart). */
    final int hCol0, hCol1;
    final int tCap, nCap, nPad, tnPad;
    final int members;
    final int inWidthMax, inPadMax;

    // Forward scratch.
    float[] big; // Gx in forward, dG of all steps in backward: tnPad x max(fw, dgw) (+ slack for tile overreads)
    float[] gh;
    float[] hbuf;
    float[] cst;
    float[] rh;
    float[][] aRows;
    long[] xOff;
    int[] order;
    int[] count;
    int[] len;
    boolean identityOrder;
    int maxLen;
    long[] tabA;
    long[] tabB;
    // Step API: layer > 0 inputs in the padded internal layout.
    float[] xPad;
    MemorySegment xPadSeg;
    // Backward scratch.
    float[] dgStep;
    float[][] dy;
    float[] dhCarry, dcCarry, dhC, drh;
    float[] stage;
    float[] tiles; // a K block of the weight-gradient GEMMs' B rows as MR-column tiles (RowsF32#packTiles)
    float[][] memberPanel; // per member: one dG panel of a K block, then a row buffer for packTiles
    float[] accIh, accHh, accHn;
    float[] colSums;
    float[] peepSums;
    long[] prevOff, cPrevOff, rhOff;

    // The job the team runs next (set by the calling thread before TeamRunner.run: no lambda, no allocation).
    private int job;
    private static final int FORWARD_LAYER = 1, BACKWARD_LAYER = 2, STEP_FORWARD = 3;
    private PackedWeightsF32 jw;
    private MemorySegment jx;
    private SequenceArgs ja;
    private MemorySegment jws;
    private int jl, jd, jslot, jN, jRows;
    private boolean jTraining;
    private GradientArgs jg;

    public GridF32(VectorPlan plan) {
        this.plan = plan;
        this.cfg = plan.capacity().config();
        this.gl = plan.layout();
        this.kind = gl.kind;
        this.hidden = cfg.hiddenSize();
        this.hp = gl.hp;
        this.dirs = cfg.directions();
        this.layers = cfg.layers();
        this.fw = gl.fwdWidth();
        this.dgw = gl.dgWidth();
        this.ldg = plan.ldg;
        this.ldIh = VectorPlan.gradientStride(gl.dgXWidth(), W);
        this.hCol0 = gl.dgHOffset();
        this.hCol1 = kind == CellKind.GRU_RESET_BEFORE ? 2 * hp : dgw;
        this.ldHh = VectorPlan.gradientStride(hCol1 - hCol0, W);
        this.ldHn = VectorPlan.gradientStride(hp, W);
        this.sw = plan.savedWidth();
        this.yw = plan.yWidth();
        this.tCap = plan.capacity().seqLength();
        this.nCap = plan.capacity().batch();
        this.nPad = plan.nPad;
        this.tnPad = plan.tnPad;
        this.members = plan.members;
        this.inWidthMax = plan.inWidthMax;
        this.inPadMax = plan.inPadMax;
    }

    static int roundUp(int x, int m) {
        return (x + m - 1) / m * m;
    }

    // ------------------------------------------------------------------------------------------ scratch

    private void forwardScratch() {
        if (big != null) return;
        big = new float[tnPad * Math.max(fw, ldg) + Math.max(fw, ldg) + 8 * V];
        gh = new float[nPad * fw];
        hbuf = new float[2 * nPad * hp];
        cst = new float[nPad * hp];
        rh = kind == CellKind.GRU_RESET_BEFORE ? new float[nPad * hp] : null;
        int mcRows = GemmF32.rowBlock(inWidthMax);
        aRows = new float[members][Math.max(nPad * hp, mcRows * inWidthMax)];
        int rows = tCap * nCap;
        xOff = new long[rows];
        tabA = new long[rows];
        tabB = new long[rows];
        order = new int[nCap];
        count = new int[tCap];
        len = new int[nCap];
        if (plan.isStep() && cfg.layers() > 1) {
            xPad = new float[nPad * dirs * hp];
            xPadSeg = MemorySegment.ofArray(xPad);
        }
    }

    private void backwardScratch() {
        forwardScratch();
        if (dgStep != null) return;
        dgStep = new float[2 * nPad * ldg + 8 * V];
        dy = new float[][] {new float[tnPad * yw], plan.isStep() || layers == 1 ? null : new float[tnPad * yw]};
        dhCarry = new float[nPad * hp];
        dcCarry = new float[nPad * hp];
        dhC = new float[nPad * hp];
        drh = kind == CellKind.GRU_RESET_BEFORE ? new float[nPad * hp] : null;
        stage = new float[tnPad * inPadMax];
        tiles = new float[KC * (roundUp(inPadMax, MR) + 2 * roundUp(hp, MR))];
        memberPanel = new float[members][KC * NR + roundUp(Math.max(inPadMax, hp), MR)];
        accIh = new float[roundUp(inPadMax, MR) * ldIh];
        accHh = new float[roundUp(hp, MR) * ldHh];
        accHn = kind == CellKind.GRU_RESET_BEFORE ? new float[roundUp(hp, MR) * ldHn] : null;
        colSums = new float[dgw];
        peepSums = kind == CellKind.LSTM_PEEPHOLE ? new float[3 * hp] : null;
        int rows = tCap * nCap;
        prevOff = new long[rows];
        cPrevOff = new long[rows];
        rhOff = kind == CellKind.GRU_RESET_BEFORE ? new long[rows] : null;
    }

    // ------------------------------------------------------------------------------------------ schedule

    /**
     * The samples in processing order (longest first, ties by index) and how many are active at each step: step
     * s runs samples order[0 .. count[s]). With no lengths or non-increasing lengths the order is the identity and
     * the recurrent GEMM reads the state rows in place.
     */
    private void schedule(int T, int N, SequenceArgs a) {
        for (int n = 0; n < N; n++) {
            order[n] = n;
            len[n] = a.length(n);
        }
        boolean sorted = true;
        for (int n = 1; n < N; n++) if (a.length(n) > a.length(n - 1)) sorted = false;
        if (!sorted) {
            // insertion sort by length, descending, stable: N is a batch size
            for (int i = 1; i < N; i++) {
                int x = order[i], len = a.length(x), j = i - 1;
                while (j >= 0 && a.length(order[j]) < len) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = x;
            }
        }
        identityOrder = sorted;
        maxLen = a.length(order[0]);
        for (int s = 0, active = N; s < maxLen; s++) {
            while (active > 0 && a.length(order[active - 1]) <= s) active--;
            count[s] = active;
        }
    }

    private void scheduleAll(int N) {
        for (int n = 0; n < N; n++) {
            order[n] = n;
            len[n] = 1;
        }
        identityOrder = true;
        maxLen = 1;
        count[0] = N;
    }

    /** Time index of sample n at processing step s in direction d. */
    private static int time(int s, int d, int len) {
        return d == 0 ? s : len - 1 - s;
    }

    // ------------------------------------------------------------------------------------------ forward

    /** Forward of the whole stack. */
    public void forward(PackedF32 w, SequenceArgs a, MemorySegment ws, TeamRunner pool) {
        forwardScratch();
        int T = a.seqLength(), N = a.batch();
        boolean training = plan.mode() == Mode.TRAINING;
        schedule(T, N, a);
        int rows = T * N;
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < dirs; d++) {
                int slot = l * dirs + d;
                PackedWeightsF32 pw = w.get(l, d);
                // Input rows: the caller's x (any layout) or the layer below's output; past a length: zeros.
                MemorySegment src;
                if (l == 0) {
                    src = a.input();
                    inputRows(a, T, N, cfg.inputSize(), 0, xOff);
                } else {
                    src = ws;
                    layerRows(a, T, N, plan.y(l - 1), 0, xOff);
                }
                RowsF32.readState(a.h0() == null ? null : a.h0(), (long) slot * N * hidden * W, N, hidden, hbuf, hp);
                if (kind.isLstm()) {
                    RowsF32.readState(a.c0(), (long) slot * N * hidden * W, N, hidden, cst, hp);
                }
                if (training) {
                    RowsF32.save(hbuf, N, hp, ws, plan.h0(slot));
                    if (kind.isLstm()) RowsF32.save(cst, N, hp, ws, plan.c0(slot));
                }
                job = FORWARD_LAYER;
                jw = pw;
                jx = src;
                ja = a;
                jws = ws;
                jl = l;
                jd = d;
                jslot = slot;
                jN = N;
                jRows = rows;
                jTraining = training;
                if (pool.canShare(src) && pool.canShare(ws)) pool.run(this);
                else pool.runAlone(this);
                // Final states: sample n's last step wrote half (len & 1) of the ping-pong buffer.
                if (a.hN() != null) {
                    for (int n = 0; n < N; n++) {
                        int half = len[n] & 1;
                        MemorySegment.copy(hbuf, half * nPad * hp + n * hp, a.hN(), RowsF32.F,
                                ((long) slot * N + n) * hidden * W, hidden);
                    }
                }
                if (a.cN() != null) RowsF32.writeState(cst, 0, hp, N, hidden, a.cN(), (long) slot * N * hidden * W);
            }
        }
        if (a.output() != null) {
            int L = layers - 1;
            for (int d = 0; d < dirs; d++) {
                for (int t = 0; t < T; t++) {
                    for (int n = 0; n < N; n++) {
                        int r = t * N + n;
                        tabA[r] = t < a.length(n) ? plan.y(L) + ((long) r * yw + (long) d * hp) * W : -1;
                        tabB[r] = (cfg.layout().offset(t, n, T, N, cfg.outputSize()) + (long) d * hidden) * W;
                    }
                }
                RowsF32.copyRows(ws, tabA, a.output(), tabB, rows, hidden);
            }
        }
    }

    @Override
    public void run(Team team) {
        switch (job) {
            case FORWARD_LAYER -> {
                inputGemm(team, jw, jx, xOff, jRows);
                team.barrier();
                timeLoop(team, jw, jws, jl, jd, jslot, jN, jTraining);
            }
            case BACKWARD_LAYER -> backwardLayer(team);
            default -> throw new IllegalStateException("no job " + job);
        }
    }

    /** Byte offsets of the caller's input rows r = t·N + n ({@code cols} wide, any layout); -1 past a length. */
    private void inputRows(SequenceArgs a, int T, int N, int cols, int extraBytes, long[] out) {
        Layout lay = cfg.layout();
        for (int t = 0; t < T; t++) {
            for (int n = 0; n < N; n++) {
                out[t * N + n] = t < a.length(n) ? lay.offset(t, n, T, N, cols) * W + extraBytes : -1;
            }
        }
    }

    /** Byte offsets of layer-output rows r = t·N + n at {@code base} (+ column bytes); -1 past a length. */
    private void layerRows(SequenceArgs a, int T, int N, long base, int extraBytes, long[] out) {
        for (int t = 0; t < T; t++) {
            for (int n = 0; n < N; n++) {
                int r = t * N + n;
                out[r] = t < a.length(n) ? base + (long) r * yw * W + extraBytes : -1;
            }
        }
    }

    /** Gx[rows] = X · W_ihᵀ + bias, row blocks shared among the team. */
    private void inputGemm(Team team, PackedWeightsF32 pw, MemorySegment x, long[] rowOff, int rows) {
        int K = pw.inWidth;
        int mc = GemmF32.rowBlock(K);
        int rowsPad = roundUp(rows, MR);
        int blocks = (rowsPad + mc - 1) / mc;
        float[] a = aRows[team.index];
        for (int blk = team.from(blocks, 1); blk < team.to(blocks, 1); blk++) {
            int r0 = blk * mc, r1 = Math.min(rowsPad, r0 + mc);
            int real = Math.min(r1, rows) - r0;
            RowsF32.gather(x, rowOff, r0, real, K, a, 0, K);
            java.util.Arrays.fill(a, real * K, (r1 - r0) * K, 0f);
            GemmF32.multiply(a, -r0 * K, K, 1, r0, r0 + real, pw.wihT, 0, K * NR, K, 0, fw / NR, big, 0, fw, false, mc);
            RowsF32.addBias(big, r0, r0 + real, fw, pw.biasX);
        }
    }

    /** The recurrent part: per step the cell (GEMM + post-GEMM) for this member's units, then a barrier. */
    private void timeLoop(Team team, PackedWeightsF32 pw, MemorySegment ws, int l, int d, int slot, int N,
                          boolean training) {
        int grains = hp / NR;
        int q0 = team.from(grains, 1), q1 = team.to(grains, 1);
        float[] aBuf = aRows[team.index];
        long gBase = training && sw > 0 ? plan.gates(slot) : -1;
        long cBase = training && kind.isLstm() ? plan.cells(slot) : -1;
        long yBase = plan.y(l) + (long) d * hp * W;
        for (int s = 0; s < maxLen; s++) {
            int m = count[s], mPad = roundUp(m, MR);
            int prev = (s & 1) * nPad * hp, next = ((s + 1) & 1) * nPad * hp;
            float[] A;
            int aOff;
            if (identityOrder) {
                A = hbuf;
                aOff = prev;
            } else {
                for (int i = 0; i < m; i++) System.arraycopy(hbuf, prev + order[i] * hp, aBuf, i * hp, hidden);
                java.util.Arrays.fill(aBuf, m * hp, mPad * hp, 0f);
                A = aBuf;
                aOff = 0;
            }
            // A single row is a GEMV, bound by streaming the weights: one call over all of this member's panels
            // keeps four panels in flight. More rows go grain by grain, so each grain's Gh stays in cache for its
            // post-GEMM pass.
            // Odd steps take the grains in reverse: W_hh streams through L2 (4 MiB at H = 512 against 1-2 MiB of
            // L2), and the panels a step used last are still there when the next step starts with them (batch 1, D:
            // 4.7 -> 4.3 ms). Every grain is computed the same way in either order.
            boolean gemv = m == 1, reverse = (s & 1) == 1;
            if (gemv) recurrentGemm(pw, A, aOff, 1, q0, q1, false, reverse);
            for (int qi = q0; qi < q1; qi++) {
                int q = reverse ? q0 + q1 - 1 - qi : qi;
                if (!gemv) recurrentGemm(pw, A, aOff, m, q, q + 1, false, false);
                cellForward(pw, m, q, 2 * q, 2 * q + 2, s, d, N, ws, prev, next, yBase, gBase, cBase, false);
            }
            if (kind == CellKind.GRU_RESET_BEFORE) {
                team.barrier(); // W_hn multiplies r ⊙ h of every unit
                if (gemv) recurrentGemm(pw, rh, 0, 1, q0, q1, true, false);
                for (int q = q0; q < q1; q++) {
                    if (!gemv) recurrentGemm(pw, rh, 0, m, q, q + 1, true, false);
                    cellForward(pw, m, q, 2 * q, 2 * q + 2, s, d, N, ws, prev, next, yBase, gBase, cBase, true);
                }
            }
            team.barrier();
        }
    }

    /**
     * The recurrent GEMM of unit grains [q0, q1) for the first {@code rows} rows of A into Gh: every gate's panels
     * of those units ({@code nOnly}: only the n gate's, the reset-before GRU's second GEMM).
     */
    private void recurrentGemm(PackedWeightsF32 pw, float[] A, int aOff, int rows, int q0, int q1, boolean nOnly,
                               boolean descending) {
        int K = hidden, ps = K * NR;
        int per = gl.panelsPerGrain();
        if (!nOnly) {
            if (rows == 1) {
                GemmF32.gemv(A, aOff, 1, pw.whhTg, 0, ps * pw.whhGroup, pw.whhGroup, K, per * q0, per * q1, gh, 0, false,
                        descending);
            } else {
                GemmF32.multiply(A, aOff, hp, 1, 0, rows, pw.whhT, 0, ps, K, per * q0, per * q1, gh, 0, fw, false, rows);
            }
        }
        if (kind == CellKind.GRU_LINEAR_BEFORE_RESET || nOnly) {
            int n0 = gl.nPanel0();
            GemmF32.multiply(A, aOff, hp, 1, 0, rows, pw.whhT, 0, ps, K, n0 + q0, n0 + q1, gh, 0, fw, false, rows);
        }
    }

    /** The post-GEMM pass of one cell step for unit grain q (unit blocks [b0, b1)) of the m active rows. */
    private void cellForward(PackedWeightsF32 pw, int m, int q, int b0, int b1, int s, int d, int N, MemorySegment ws,
                             int prev, int next, long yBase, long gBase, long cBase, boolean secondHalf) {
        int H = hidden;
        MemorySegment gates = gBase >= 0 ? ws : null;
        switch (kind) {
            case LSTM, LSTM_PEEPHOLE -> {
                MemorySegment cSaved = cBase >= 0 ? ws : null;
                // Rows in schedule order are consecutive rows of every operand when they share a time index (no
                // varlen reordering): then one call per pass covers them all.
                boolean linear = kind == CellKind.LSTM && identityOrder && (d == 0 || len[order[0]] == len[order[m - 1]]);
                if (linear) {
                    int t = time(s, d, len[order[0]]), r = t * N;
                    LstmPostGemmF32.activate(big, r * fw, fw, gh, 0, fw, m, b0, b1, gates, gBase + (long) r * sw * W,
                            (long) sw * W);
                    LstmPostGemmF32.update(gh, 0, fw, m, b0, b1, cst, 0, hp, hbuf, next, hp, ws,
                            yBase + (long) r * yw * W, (long) yw * W, H, cSaved, cBase + (long) r * hp * W,
                            (long) hp * W);
                    break;
                }
                for (int i = 0; i < m; i++) {
                    int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                    long gOff = gBase + (long) r * sw * W;
                    long csOff = cBase + (long) r * hp * W;
                    long yOff = yBase + (long) r * yw * W;
                    if (kind == CellKind.LSTM) {
                        LstmPostGemmF32.activate(big, r * fw, fw, gh, i * fw, fw, 1, b0, b1, gates, gOff, 0);
                        LstmPostGemmF32.update(gh, i * fw, fw, 1, b0, b1, cst, n * hp, hp, hbuf, next + n * hp, hp, ws,
                                yOff, 0, H, cSaved, csOff, 0);
                    } else {
                        LstmPostGemmF32.activatePeephole(big, r * fw, gh, i * fw, b0, b1, cst, n * hp, pw.peep, hp,
                                gates, gOff);
                        LstmPostGemmF32.updateCellPeephole(gh, i * fw, b0, b1, cst, n * hp, pw.peep, hp, cSaved, csOff,
                                gates, gOff);
                        LstmPostGemmF32.updateHidden(gh, i * fw, b0, b1, cst, n * hp, hbuf, next + n * hp, ws, yOff, H);
                    }
                }
            }
            case GRU_LINEAR_BEFORE_RESET -> {
                for (int i = 0; i < m; i++) {
                    int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                    long gOff = gBase + (long) r * sw * W;
                    GruPostGemmF32.activateResetUpdate(big, r * fw, gh, i * fw, b0, b1, gates, gOff);
                    GruPostGemmF32.update(big, r * fw, gh, i * fw, 2 * hp, pw.bhn, b0, b1, hbuf, prev + n * hp, hbuf,
                            next + n * hp, ws, yBase + (long) r * yw * W, H, gates, gOff);
                }
            }
            case GRU_RESET_BEFORE -> {
                if (!secondHalf) {
                    for (int i = 0; i < m; i++) {
                        int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                        long gOff = gBase + (long) r * sw * W;
                        GruPostGemmF32.activateResetUpdate(big, r * fw, gh, i * fw, b0, b1, gates, gOff);
                        GruPostGemmF32.resetHidden(gh, i * fw, b0, b1, hbuf, prev + n * hp, rh, i * hp, gates,
                                gOff + 3L * hp * W);
                    }
                    if (q == 0) java.util.Arrays.fill(rh, m * hp, roundUp(m, MR) * hp, 0f);
                } else {
                    for (int i = 0; i < m; i++) {
                        int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                        GruPostGemmF32.update(big, r * fw, gh, i * fw, 2 * hp, null, b0, b1, hbuf, prev + n * hp, hbuf,
                                next + n * hp, ws, yBase + (long) r * yw * W, H, gates, gBase + (long) r * sw * W);
                    }
                }
            }
            case RNN_TANH, RNN_RELU -> {
                boolean relu = kind == CellKind.RNN_RELU;
                for (int i = 0; i < m; i++) {
                    int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                    RnnPostGemmF32.forward(big, r * fw, gh, i * fw, relu, b0, b1, hbuf, next + n * hp, ws,
                            yBase + (long) r * yw * W, H);
                }
            }
        }
    }

    // ------------------------------------------------------------------------------------------ backward

    /** Backward through the whole stack, from the workspace of the training forward. */
    public void backward(PackedF32 w, SequenceArgs a, GradientArgs g, MemorySegment ws, TeamRunner pool) {
        backwardScratch();
        int T = a.seqLength(), N = a.batch(), rows = T * N;
        schedule(T, N, a);
        // dY of the top layer: the caller's gradOutput (any layout) in the padded internal layout.
        float[] dyIn = dy[0];
        for (int d = 0; d < dirs; d++) {
            for (int t = 0; t < T; t++) {
                for (int n = 0; n < N; n++) {
                    tabA[t * N + n] = (cfg.layout().offset(t, n, T, N, cfg.outputSize()) + (long) d * hidden) * W;
                }
            }
            RowsF32.readRows(g.gradOutput(), tabA, rows, hidden, hp, dyIn, d * hp, yw);
        }
        for (int l = layers - 1; l >= 0; l--) {
            float[] dyLayer = dy[(layers - 1 - l) & 1];
            float[] dxOut = l > 0 ? dy[(layers - l) & 1] : stage;
            for (int d = 0; d < dirs; d++) {
                int slot = l * dirs + d;
                PackedWeightsF32 pw = w.get(l, d);
                readCarry(g.gradHN(), g.gradCN(), slot, N);
                if (l == 0) inputRows(a, T, N, cfg.inputSize(), 0, xOff);
                else layerRows(a, T, N, plan.y(l - 1), 0, xOff);
                prevTables(l, d, slot, T, N);
                for (int t = 0; t < T; t++) {
                    for (int n = 0; n < N; n++) {
                        if (t >= len[n]) java.util.Arrays.fill(big, (t * N + n) * ldg, (t * N + n + 1) * ldg, 0f);
                    }
                }
                boolean wantDx = l > 0 || g.gradInput() != null;
                runBackward(pool, pw, ws, l, d, slot, N, rows, dyLayer, l == 0 ? a.input() : ws, dxOut,
                        l > 0 ? yw : pw.inPad, wantDx, g.weightGrads() != null);
                if (g.weightGrads() != null) storeWeightGrads(pw, g.weightGrads(), l, d, g.accumulate());
                writeCarry(g.gradH0(), g.gradC0(), slot, N);
            }
        }
        if (g.gradInput() != null) {
            inputRows(a, T, N, cfg.inputSize(), 0, tabA);
            for (int r = 0; r < rows; r++) {
                if (tabA[r] < 0) { // past a length: the gradient is zero there
                    int t = r / N, n = r % N;
                    tabA[r] = cfg.layout().offset(t, n, T, N, cfg.inputSize()) * W;
                    java.util.Arrays.fill(stage, r * w.get(0, 0).inPad, r * w.get(0, 0).inPad + cfg.inputSize(), 0f);
                }
            }
            RowsF32.writeRows(stage, 0, w.get(0, 0).inPad, rows, cfg.inputSize(), g.gradInput(), tabA);
        }
    }

    private PackedWeightsF32 bw;
    private MemorySegment bws, bx;
    private int bl, bd, bslot, bN, bRows, bLdx;
    private float[] bdy, bdx;
    private boolean bWantDx, bWantW;

    private void runBackward(TeamRunner pool, PackedWeightsF32 pw, MemorySegment ws, int l, int d, int slot, int N,
                             int rows, float[] dyLayer, MemorySegment x, float[] dxOut, int ldx, boolean wantDx,
                             boolean wantW) {
        job = BACKWARD_LAYER;
        bw = pw;
        bws = ws;
        bx = x;
        bl = l;
        bd = d;
        bslot = slot;
        bN = N;
        bRows = rows;
        bdy = dyLayer;
        bdx = dxOut;
        bLdx = ldx;
        bWantDx = wantDx;
        bWantW = wantW;
        if (pool.canShare(x) && pool.canShare(ws)) pool.run(this);
        else pool.runAlone(this);
    }

    private void backwardLayer(Team team) {
        timeLoopBackward(team, bw, bws, bl, bd, bslot, bN, bdy);
        team.barrier();
        if (bWantW) {
            weightGrads(team, bw, bws, bx, bRows);
            if (peepSums != null) peepholeGrads(team, bws, bRows);
        }
        if (bWantDx) {
            int rowsPad = roundUp(bRows, MR);
            int mc = GemmF32.rowBlock(dgw);
            int r0 = team.from(rowsPad, MR), r1 = Math.min(team.to(rowsPad, MR), bRows);
            if (r0 < r1) {
                GemmF32.multiply(big, 0, ldg, 1, r0, r1, bw.wih, 0, gl.dgXWidth() * NR, gl.dgXWidth(), 0,
                        bw.inPad / NR, bdx, 0, bLdx, bd > 0, mc);
            }
        }
    }

    /** dh and dc carried into the last step: gradHN, gradCN (zero when absent), padded. */
    private void readCarry(MemorySegment gradHN, MemorySegment gradCN, int slot, int N) {
        RowsF32.readState(gradHN, (long) slot * N * hidden * W, N, hidden, dhCarry, hp);
        if (kind.isLstm()) RowsF32.readState(gradCN, (long) slot * N * hidden * W, N, hidden, dcCarry, hp);
    }

    private void writeCarry(MemorySegment gradH0, MemorySegment gradC0, int slot, int N) {
        if (gradH0 != null) RowsF32.writeState(dhCarry, 0, hp, N, hidden, gradH0, (long) slot * N * hidden * W);
        if (gradC0 != null && kind.isLstm()) {
            RowsF32.writeState(dcCarry, 0, hp, N, hidden, gradC0, (long) slot * N * hidden * W);
        }
    }

    /**
     * Per row r = (t, n): where h_{t-1} and c_{t-1} of that step are (the previous step's output, or the saved
     * initial state at the sample's first step), where c_t and r ⊙ h_{t-1} are; -1 past the sample's length.
     */
    private void prevTables(int l, int d, int slot, int T, int N) {
        long yBase = plan.y(l) + (long) d * hp * W;
        for (int t = 0; t < T; t++) {
            for (int n = 0; n < N; n++) {
                int r = t * N + n;
                if (t >= len[n]) {
                    prevOff[r] = -1;
                    cPrevOff[r] = -1;
                    tabB[r] = -1;
                    if (rhOff != null) rhOff[r] = -1;
                    continue;
                }
                int tp = d == 0 ? t - 1 : t + 1;
                boolean first = d == 0 ? t == 0 : t + 1 >= len[n];
                int rp = tp * N + n;
                prevOff[r] = first ? plan.h0(slot) + (long) n * hp * W : yBase + (long) rp * yw * W;
                if (kind.isLstm()) {
                    cPrevOff[r] = first ? plan.c0(slot) + (long) n * hp * W : plan.cells(slot) + (long) rp * hp * W;
                    tabB[r] = plan.cells(slot) + (long) r * hp * W;
                }
                if (rhOff != null) rhOff[r] = plan.gates(slot) + ((long) r * sw + 3L * hp) * W;
            }
        }
    }

    /** The recurrent part backward: per step the post-GEMM backward for this member's units, then the dh GEMM. */
    private void timeLoopBackward(Team team, PackedWeightsF32 pw, MemorySegment ws, int l, int d, int slot, int N,
                                  float[] dyIn) {
        int grains = hp / NR;
        int q0 = team.from(grains, 1), q1 = team.to(grains, 1);
        long gBase = sw > 0 ? plan.gates(slot) : -1;
        long cBase = kind.isLstm() ? plan.cells(slot) : -1;
        long yBase = plan.y(l) + (long) d * hp * W;
        int H = hidden;
        boolean lbr = kind == CellKind.GRU_LINEAR_BEFORE_RESET;
        for (int s = maxLen - 1; s >= 0; s--) {
            int m = count[s], mPad = roundUp(m, MR);
            int dgS = (s & 1) * nPad * ldg;
            for (int q = q0; q < q1; q++) {
                int b0 = 2 * q, b1 = 2 * q + 2;
                for (int i = 0; i < m; i++) {
                    int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                    int dyOff = r * yw + d * hp;
                    switch (kind) {
                        case LSTM, LSTM_PEEPHOLE -> LstmPostGemmF32.backward(ws, gBase + (long) r * sw * W, ws,
                                cBase + (long) r * hp * W, ws, cPrevOff[r], dyIn, dyOff, dhCarry, n * hp, dcCarry,
                                n * hp, dgStep, dgS + i * ldg, big, r * ldg, b0, b1, H,
                                kind == CellKind.LSTM_PEEPHOLE ? pw.peep : null, hp);
                        case GRU_LINEAR_BEFORE_RESET, GRU_RESET_BEFORE -> GruPostGemmF32.backward(ws,
                                gBase + (long) r * sw * W, 2 * hp, ws, prevOff[r], dyIn, dyOff, dhCarry, n * hp, dhC,
                                i * hp, dgStep, dgS + i * ldg, big, r * ldg, lbr ? 0 : 2 * hp, lbr ? hp : 0, 3 * hp,
                                lbr, b0, b1, H);
                        case RNN_TANH, RNN_RELU -> RnnPostGemmF32.backward(ws, yBase + (long) r * yw * W, dyIn, dyOff,
                                dhCarry, n * hp, kind == CellKind.RNN_RELU, dgStep, dgS + i * ldg, big, r * ldg, b0,
                                b1, H);
                    }
                }
            }
            if (mPad > m) {
                // rows past m feed the tile's spare rows: keep them finite
                java.util.Arrays.fill(dgStep, dgS + m * ldg, dgS + mPad * ldg, 0f);
            }
            team.barrier();
            // dh_{t-1} for this member's units: one GEMM call over its panels (a GEMV for a single row).
            int rowsG = m;
            switch (kind) {
                case LSTM, LSTM_PEEPHOLE, RNN_TANH, RNN_RELU -> GemmF32.multiply(dgStep, dgS, ldg, 1, 0, rowsG, pw.whh,
                        0, pw.whhK * NR, pw.whhK, q0, q1, dhC, 0, hp, false, mPad);
                case GRU_LINEAR_BEFORE_RESET -> GemmF32.multiply(dgStep, dgS + hp, ldg, 1, 0, rowsG, pw.whh, 0,
                        pw.whhK * NR, 3 * hp, q0, q1, dhC, 0, hp, true, mPad);
                case GRU_RESET_BEFORE -> {
                    // drh = dan · W_hn (every unit's dan), then dar and the r ⊙ drh part of dh, then the rz GEMM.
                    GemmF32.multiply(dgStep, dgS + 2 * hp, ldg, 1, 0, rowsG, pw.whh, 2 * hp * NR, pw.whhK * NR, hp, q0,
                            q1, drh, 0, hp, false, mPad);
                    for (int i = 0; i < m; i++) {
                        int n = order[i], t = time(s, d, len[n]), r = t * N + n;
                        GruPostGemmF32.backwardReset(ws, gBase + (long) r * sw * W, ws, prevOff[r], drh, i * hp, dhC,
                                i * hp, dgStep, dgS + i * ldg, big, r * ldg, 2 * q0, 2 * q1, H);
                    }
                    team.barrier();
                    GemmF32.multiply(dgStep, dgS, ldg, 1, 0, rowsG, pw.whh, 0, pw.whhK * NR, 2 * hp, q0, q1, dhC, 0,
                            hp, true, mPad);
                }
            }
            for (int q = q0; q < q1; q++) {
                int u0 = q * NR;
                for (int i = 0; i < m; i++) System.arraycopy(dhC, i * hp + u0, dhCarry, order[i] * hp + u0, NR);
            }
        }
    }

    /**
     * dW_ih, dW_hh (and a reset-before GRU's dW_hn) over all steps, transposed, and the bias gradients, in one pass
     * over dG. Each is {@code accT[n][m] = Σ over rows k of B[k][n] · dG[k][col0 + m]}: B the layer input (dW_ih)
     * or h_{t-1} (dW_hh; r ⊙ h_{t-1} for dW_hn) rows, read through their row tables. Transposed, so that the wide
     * dG is the panel side, read row by row in vectors, and the narrow B (a quarter of dG's width for an LSTM) is
     * what gets regrouped into MR-wide tiles; dG read down its columns as the broadcast side measured 11% slower
     * (each k a new cache line, which pushes the panel out of L1). Per K block the team regroups B's tiles (shared
     * out); then each member, for each of its panels of NR dG columns, copies the panel's rows once into its own
     * L1-sized buffer (summing them into the bias gradients as it goes) and runs the tiles of every product that
     * reads those columns against it. Every element is one FMA chain per K block, the blocks added in order: the
     * same bits for any number of threads.
     */
    private void weightGrads(Team team, PackedWeightsF32 pw, MemorySegment ws, MemorySegment x, int rows) {
        boolean hn = kind == CellKind.GRU_RESET_BEFORE;
        int xTiles = (pw.inWidth + MR - 1) / MR, hTiles = (hidden + MR - 1) / MR;
        int hAt = KC * roundUp(inPadMax, MR), nAt = hAt + KC * roundUp(hp, MR);
        int xCols = gl.dgXOffset() + gl.dgXWidth();
        int panels = dgw / NR, p0 = team.from(panels, 1), p1 = team.to(panels, 1);
        float[] panel = memberPanel[team.index];
        for (int k0 = 0; k0 < rows; k0 += KC) {
            int kc = Math.min(KC, rows - k0);
            boolean add = k0 > 0;
            packTiles(team, x, xOff, k0, kc, pw.inWidth, xTiles, panel, 0);
            packTiles(team, ws, prevOff, k0, kc, hidden, hTiles, panel, hAt);
            if (hn) packTiles(team, ws, rhOff, k0, kc, hidden, hTiles, panel, nAt);
            team.barrier();
            for (int p = p0; p < p1; p++) {
                int c = p * NR;
                RowsF32.copyPanel(big, k0 * ldg + c, ldg, kc, panel, colSums, c, add);
                if (c < xCols) runTiles(0, xTiles, kc, panel, accIh, ldIh, c - gl.dgXOffset(), add);
                if (c >= hCol0 && c < hCol1) runTiles(hAt, hTiles, kc, panel, accHh, ldHh, c - hCol0, add);
                if (hn && c >= hCol1 && c < 3 * hp) runTiles(nAt, hTiles, kc, panel, accHn, ldHn, c - hCol1, add);
            }
            team.barrier();
        }
    }

    /** This member's share of B's tiles for one K block ({@link RowsF32#packTiles}), at {@code tiles[at]}. */
    private void packTiles(Team team, MemorySegment src, long[] rowOff, int k0, int kc, int cols, int count,
                           float[] buf, int at) {
        RowsF32.packTiles(src, rowOff, k0, kc, cols, team.from(count, 1), team.to(count, 1), buf, KC * NR, tiles, at);
    }

    /** All tiles of one product against the panel in {@code panel[0]}: column {@code col} of {@code accT}. */
    private void runTiles(int at, int count, int kc, float[] panel, float[] accT, int ldt, int col, boolean add) {
        for (int t = 0; t < count; t++) {
            GemmF32.tile(tiles, at + t * kc * MR, 1, MR, panel, 0, kc, accT, t * MR * ldt + col, ldt, add);
        }
    }

    /** Peephole gradients (sums of dG ⊙ c), columns shared out; the bias gradients came with weightGrads. */
    private void peepholeGrads(Team team, MemorySegment ws, int rows) {
        int blocks = hp / V;
        for (int b = team.from(blocks, 1); b < team.to(blocks, 1); b++) {
            int u = b * V;
            RowsF32.weightedSum(big, ldg, gl.fwdColumn(0, u), rows, ws, cPrevOff, u, peepSums, u);
            RowsF32.weightedSum(big, ldg, gl.fwdColumn(1, u), rows, ws, cPrevOff, u, peepSums, hp + u);
            RowsF32.weightedSum(big, ldg, gl.fwdColumn(3, u), rows, ws, tabB, u, peepSums, 2 * hp + u);
        }
    }

    /** Writes (or adds) the accumulated gradients of layer l, direction d into the caller's buffers. */
    private void storeWeightGrads(PackedWeightsF32 pw, RnnParameters out, int l, int d, boolean accumulate) {
        int G = gl.gates(), H = hidden;
        for (int g = 0; g < G; g++) {
            MemorySegment wi = out.gateBlock(ParamKind.WEIGHT_IH, l, d, g);
            MemorySegment wh = out.gateBlock(ParamKind.WEIGHT_HH, l, d, g);
            MemorySegment bi = out.gateBlock(ParamKind.BIAS_IH, l, d, g);
            MemorySegment bh = out.gateBlock(ParamKind.BIAS_HH, l, d, g);
            boolean hn = kind == CellKind.GRU_RESET_BEFORE && g == 2;
            float[] accH = hn ? accHn : accHh;
            int ldH = hn ? ldHn : ldHh;
            for (int j = 0; j < H; j++) {
                int xc = gl.dgXColumn(g, j), hc = hn ? j : gl.dgHColumn(g, j) - gl.dgHOffset();
                for (int c = 0; c < pw.inputs; c++) {
                    put(wi, (long) j * pw.inputs + c, accIh[pw.inColumn(c) * ldIh + xc], accumulate);
                }
                for (int k = 0; k < H; k++) put(wh, (long) j * H + k, accH[k * ldH + hc], accumulate);
                put(bi, j, colSums[gl.dgXColumn(g, j)], accumulate);
                put(bh, j, colSums[gl.dgHColumn(g, j)], accumulate);
            }
        }
        if (peepSums != null) {
            for (int g = 0; g < 3; g++) {
                MemorySegment p = out.gateBlock(ParamKind.WEIGHT_PEEPHOLE, l, d, g);
                for (int j = 0; j < H; j++) put(p, j, peepSums[g * hp + j], accumulate);
            }
        }
    }

    private static void put(MemorySegment s, long i, float v, boolean accumulate) {
        s.setAtIndex(RowsF32.F, i, accumulate ? s.getAtIndex(RowsF32.F, i) + v : v);
    }

    // ------------------------------------------------------------------------------------------ single steps

    /** One step of layer {@code layer}, direction {@code dir}: the sequence machinery with T = 1. */
    public void stepForward(PackedF32 w, int layer, int dir, StepArgs st, MemorySegment ws, TeamRunner pool) {
        forwardScratch();
        int N = st.batch();
        boolean training = plan.mode() == Mode.TRAINING;
        scheduleAll(N);
        PackedWeightsF32 pw = w.get(layer, dir);
        MemorySegment src = stepInput(pw, st.input(), N);
        RowsF32.readState(st.hPrev(), 0, N, hidden, hbuf, hp);
        if (kind.isLstm()) RowsF32.readState(st.cPrev(), 0, N, hidden, cst, hp);
        if (training) {
            RowsF32.save(hbuf, N, hp, ws, plan.h0(0));
            if (kind.isLstm()) RowsF32.save(cst, N, hp, ws, plan.c0(0));
        }
        job = FORWARD_LAYER;
        jw = pw;
        jx = src;
        jws = ws;
        jl = 0;
        jd = 0;
        jslot = 0;
        jN = N;
        jRows = N;
        jTraining = training;
        if (pool.canShare(src) && pool.canShare(ws)) pool.run(this);
        else pool.runAlone(this);
        RowsF32.writeState(hbuf, nPad * hp, hp, N, hidden, st.hNext(), 0);
        if (st.cNext() != null) RowsF32.writeState(cst, 0, hp, N, hidden, st.cNext(), 0);
    }

    /** The input rows of a step: the caller's for layer 0; above it, padded per direction as the packing expects. */
    private MemorySegment stepInput(PackedWeightsF32 pw, MemorySegment input, int N) {
        if (pw.layer == 0) {
            for (int n = 0; n < N; n++) xOff[n] = (long) n * pw.inputs * W;
            return input;
        }
        for (int n = 0; n < N; n++) {
            for (int dd = 0; dd < dirs; dd++) {
                int o = n * pw.inWidth + dd * hp;
                MemorySegment.copy(input, RowsF32.F, ((long) n * pw.inputs + (long) dd * hidden) * W, xPad, o, hidden);
                java.util.Arrays.fill(xPad, o + hidden, o + hp, 0f);
            }
            xOff[n] = (long) n * pw.inWidth * W;
        }
        return xPadSeg;
    }

    /** Backward of one step, from the step workspace its training stepForward filled. */
    public void stepBackward(PackedF32 w, int layer, int dir, StepArgs st, StepGradients g, MemorySegment ws,
                             TeamRunner pool) {
        backwardScratch();
        int N = st.batch();
        scheduleAll(N);
        PackedWeightsF32 pw = w.get(layer, dir);
        MemorySegment src = stepInput(pw, st.input(), N);
        RowsF32.readState(g.gradHNext(), 0, N, hidden, dy[0], hp);
        java.util.Arrays.fill(dhCarry, 0, N * hp, 0f);
        if (kind.isLstm()) RowsF32.readState(g.gradCNext(), 0, N, hidden, dcCarry, hp);
        prevTables(0, 0, 0, 1, N);
        boolean wantW = g.weightGrads() != null;
        runBackward(pool, pw, ws, 0, 0, 0, N, N, dy[0], src, stage, pw.inPad, g.gradInput() != null, wantW);
        if (wantW) storeWeightGrads(pw, g.weightGrads(), layer, dir, g.accumulate());
        if (g.gradHPrev() != null) RowsF32.writeState(dhCarry, 0, hp, N, hidden, g.gradHPrev(), 0);
        if (g.gradCPrev() != null && kind.isLstm()) RowsF32.writeState(dcCarry, 0, hp, N, hidden, g.gradCPrev(), 0);
        if (g.gradInput() != null) {
            for (int n = 0; n < N; n++) {
                if (layer == 0) {
                    MemorySegment.copy(stage, n * pw.inPad, g.gradInput(), RowsF32.F, (long) n * pw.inputs * W,
                            pw.inputs);
                } else {
                    for (int dd = 0; dd < dirs; dd++) {
                        MemorySegment.copy(stage, n * pw.inPad + dd * hp, g.gradInput(), RowsF32.F,
                                ((long) n * pw.inputs + (long) dd * hidden) * W, hidden);
                    }
                }
            }
        }
    }
}
