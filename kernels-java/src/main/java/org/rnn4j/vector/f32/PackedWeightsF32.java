package org.rnn4j.vector.f32;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import org.rnn4j.ParamId;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.vector.CellKind;
import org.rnn4j.vector.GateLayout;

/**
 * One layer direction's weights, packed once (and again on {@code refresh}) into the GEMM panel format of
 * {@link GemmF32} for each product that uses them: {@code W_ihᵀ} and {@code W_hhᵀ} for the forward GEMMs (columns
 * in the forward gate layout), {@code W_ih} and {@code W_hh} for the backward ones (rows in dG's order), plus
 * the biases folded as the forward pass adds them.
 */
final class PackedWeightsF32 {
    static final int NR = GemmF32.NR;
    static final ValueLayout.OfFloat F = ValueLayout.JAVA_FLOAT_UNALIGNED;

    final GateLayout gl;
    final int layer;
    final int dir;
    /** K of the input GEMM: I for layer 0; D·Hp above (the layer below's padded output). */
    final int inWidth;
    final int inPad;
    final int hidden;
    final int inputs; // the real input columns: I or D·H
    final int directions;
    final float[] wihT; // K = inWidth, N = fwdWidth
    final float[] whhT; // K = H, N = fwdWidth
    final float[] whhTg; // the same, panels in groups of four, for the batch-1 GEMV (one stream); null if not used
    final int whhGroup;
    final float[] wih;  // K = dgXWidth, N = inPad
    final float[] whh;  // K = recurrent dG width, N = Hp
    final int whhK;
    final float[] biasX; // fwdWidth: b_ih + b_hh where they add before the activation
    final float[] bhn;   // Hp: b_hn of the linear-before-reset GRU (multiplied by r), else null
    final float[] peep;  // 3·Hp: p_i, p_f, p_o, else null

    PackedWeightsF32(RnnConfig cfg, GateLayout gl, int layer, int dir) {
        this.gl = gl;
        this.layer = layer;
        this.dir = dir;
        this.hidden = cfg.hiddenSize();
        this.directions = cfg.directions();
        this.inputs = cfg.layerInputSize(layer);
        this.inWidth = layer == 0 ? cfg.inputSize() : directions * gl.hp;
        this.inPad = (inWidth + NR - 1) / NR * NR;
        int fw = gl.fwdWidth();
        wihT = new float[inWidth * fw];
        whhT = new float[hidden * fw];
        // A second copy with four panels interleaved per k makes the batch-1 GEMV one contiguous stream of W_hh
        // (~20% more bandwidth); kept apart because the tiles need the plain panels' constant stride. Used where a
        // grain's panels are whole groups (the LSTM).
        whhGroup = gl.panelsPerGrain() % 4 == 0 ? 4 : 1;
        whhTg = whhGroup > 1 ? new float[hidden * fw] : whhT;
        wih = new float[gl.dgXWidth() * inPad];
        whhK = gl.kind == CellKind.GRU_LINEAR_BEFORE_RESET ? 3 * gl.hp : gl.fwdWidth();
        whh = new float[whhK * gl.hp];
        biasX = new float[fw];
        bhn = gl.kind == CellKind.GRU_LINEAR_BEFORE_RESET ? new float[gl.hp] : null;
        peep = gl.kind == CellKind.LSTM_PEEPHOLE ? new float[3 * gl.hp] : null;
    }

    /** The internal input column of the layer's PyTorch input column {@code c}: below layer 0, directions are padded. */
    int inColumn(int c) {
        return layer == 0 ? c : (c / hidden) * gl.hp + c % hidden;
    }

    /** Index of (k, col) in a panel-packed B with K rows (one panel per group). */
    static int packed(int k, int col, int K) {
        return GemmF32.packedIndex(k, col, K, 1);
    }

    /** The recurrent dG column (K row of {@link #whh}) of gate g, unit j. */
    int whhRow(int g, int j) {
        return gl.kind == CellKind.GRU_LINEAR_BEFORE_RESET ? gl.dgHColumn(g, j) - gl.hp : gl.dgHColumn(g, j);
    }

    /** Re-reads and re-packs everything from the caller's segments. */
    void load(RnnParameters p) {
        int G = gl.gates(), H = hidden;
        float[] row = new float[Math.max(inputs, H)];
        for (int g = 0; g < G; g++) {
            MemorySegment wi = p.gateBlock(id(ParamKind.WEIGHT_IH), g);
            MemorySegment wh = p.gateBlock(id(ParamKind.WEIGHT_HH), g);
            MemorySegment bi = p.gateBlock(id(ParamKind.BIAS_IH), g);
            MemorySegment bh = p.gateBlock(id(ParamKind.BIAS_HH), g);
            for (int j = 0; j < H; j++) {
                int col = gl.fwdColumn(g, j);
                MemorySegment.copy(wi, F, (long) j * inputs * Float.BYTES, row, 0, inputs);
                int xr = gl.dgXColumn(g, j);
                for (int c = 0; c < inputs; c++) {
                    int k = inColumn(c);
                    wihT[packed(k, col, inWidth)] = row[c];
                    wih[packed(xr, k, gl.dgXWidth())] = row[c];
                }
                MemorySegment.copy(wh, F, (long) j * H * Float.BYTES, row, 0, H);
                int hr = whhRow(g, j);
                for (int k = 0; k < H; k++) {
                    whhT[packed(k, col, H)] = row[k];
                    if (whhGroup > 1) whhTg[GemmF32.packedIndex(k, col, H, whhGroup)] = row[k];
                    whh[packed(hr, k, whhK)] = row[k];
                }
                float b = bi.getAtIndex(F, j);
                float bhh = bh.getAtIndex(F, j);
                if (bhn != null && g == 2) {
                    biasX[col] = b;
                    bhn[j] = bhh;
                } else {
                    biasX[col] = b + bhh;
                }
            }
        }
        if (peep != null) {
            for (int g = 0; g < 3; g++) {
                MemorySegment s = p.gateBlock(id(ParamKind.WEIGHT_PEEPHOLE), g);
                for (int j = 0; j < H; j++) peep[g * gl.hp + j] = s.getAtIndex(F, j);
            }
        }
    }

    private ParamId id(ParamKind kind) {
        return new ParamId(kind, layer, dir == 1);
    }
}
