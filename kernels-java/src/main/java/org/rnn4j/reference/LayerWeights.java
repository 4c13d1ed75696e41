package org.rnn4j.reference;

import org.rnn4j.Cell;
import org.rnn4j.ParamId;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/** The float64 copy of one layer direction's parameters, in PyTorch layout (row-major, gates stacked by rows). */
final class LayerWeights {
    final Cell cell;
    final int in;
    final int hidden;
    final int gates;
    final double[] wih; // [G*H, in]
    final double[] whh; // [G*H, H]
    final double[] bih; // [G*H]
    final double[] bhh; // [G*H]
    final double[] peep; // [3, H] rows i, f, o; null without peepholes

    LayerWeights(RnnConfig config, int layer) {
        this.cell = config.cell();
        this.in = config.layerInputSize(layer);
        this.hidden = config.hiddenSize();
        this.gates = config.gates();
        int gh = gates * hidden;
        this.wih = new double[gh * in];
        this.whh = new double[gh * hidden];
        this.bih = new double[gh];
        this.bhh = new double[gh];
        this.peep = cell instanceof Cell.Lstm l && l.peepholes() ? new double[3 * hidden] : null;
    }

    /** Re-reads the parameters of layer {@code layer}, direction {@code dir} from the caller's segments. */
    void load(RnnParameters p, int layer, int dir) {
        read(p, ParamKind.WEIGHT_IH, layer, dir, wih);
        read(p, ParamKind.WEIGHT_HH, layer, dir, whh);
        read(p, ParamKind.BIAS_IH, layer, dir, bih);
        read(p, ParamKind.BIAS_HH, layer, dir, bhh);
        if (peep != null) read(p, ParamKind.WEIGHT_PEEPHOLE, layer, dir, peep);
    }

    /** Gradient accumulators shaped like these weights. */
    LayerGrads newGrads() {
        return new LayerGrads(wih.length, whh.length, bih.length, peep == null ? 0 : peep.length);
    }

    /** Writes {@code g} into the gradient segments of layer {@code layer}, direction {@code dir}. */
    static void store(LayerGrads g, RnnParameters out, int layer, int dir, boolean accumulate) {
        write(out, ParamKind.WEIGHT_IH, layer, dir, g.wih, accumulate);
        write(out, ParamKind.WEIGHT_HH, layer, dir, g.whh, accumulate);
        write(out, ParamKind.BIAS_IH, layer, dir, g.bih, accumulate);
        write(out, ParamKind.BIAS_HH, layer, dir, g.bhh, accumulate);
        if (g.peep.length > 0) write(out, ParamKind.WEIGHT_PEEPHOLE, layer, dir, g.peep, accumulate);
    }

    // Parameters are read and written gate block by gate block, through the one view every backend uses.

    private static void read(RnnParameters p, ParamKind kind, int layer, int dir, double[] dst) {
        ParamId id = new ParamId(kind, layer, dir == 1);
        int blocks = p.gateBlocks(id);
        int per = dst.length / blocks;
        double[] block = new double[per];
        for (int b = 0; b < blocks; b++) {
            Tensors.read(p.gateBlock(id, b), p.config().dtype(), 0, block);
            System.arraycopy(block, 0, dst, b * per, per);
        }
    }

    private static void write(RnnParameters p, ParamKind kind, int layer, int dir, double[] src, boolean accumulate) {
        ParamId id = new ParamId(kind, layer, dir == 1);
        int blocks = p.gateBlocks(id);
        int per = src.length / blocks;
        double[] block = new double[per];
        for (int b = 0; b < blocks; b++) {
            System.arraycopy(src, b * per, block, 0, per);
            Tensors.write(p.gateBlock(id, b), p.config().dtype(), 0, block, accumulate);
        }
    }
}
