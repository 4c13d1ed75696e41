package org.rnn4j.reference;

import java.lang.foreign.MemorySegment;
import org.rnn4j.Cell;
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
        var dt = p.config().dtype();
        Tensors.read(p.get(ParamKind.WEIGHT_IH, layer, dir), dt, 0, wih);
        Tensors.read(p.get(ParamKind.WEIGHT_HH, layer, dir), dt, 0, whh);
        Tensors.read(p.get(ParamKind.BIAS_IH, layer, dir), dt, 0, bih);
        Tensors.read(p.get(ParamKind.BIAS_HH, layer, dir), dt, 0, bhh);
        if (peep != null) Tensors.read(p.get(ParamKind.WEIGHT_PEEPHOLE, layer, dir), dt, 0, peep);
    }

    /** Gradient accumulators shaped like these weights. */
    LayerGrads newGrads() {
        return new LayerGrads(wih.length, whh.length, bih.length, peep == null ? 0 : peep.length);
    }

    /** Writes {@code g} into the gradient segments of layer {@code layer}, direction {@code dir}. */
    static void store(LayerGrads g, RnnParameters out, int layer, int dir, boolean accumulate) {
        var dt = out.config().dtype();
        Tensors.write(out.get(ParamKind.WEIGHT_IH, layer, dir), dt, 0, g.wih, accumulate);
        Tensors.write(out.get(ParamKind.WEIGHT_HH, layer, dir), dt, 0, g.whh, accumulate);
        Tensors.write(out.get(ParamKind.BIAS_IH, layer, dir), dt, 0, g.bih, accumulate);
        Tensors.write(out.get(ParamKind.BIAS_HH, layer, dir), dt, 0, g.bhh, accumulate);
        MemorySegment p = out.get(ParamKind.WEIGHT_PEEPHOLE, layer, dir);
        if (p != null) Tensors.write(p, dt, 0, g.peep, accumulate);
    }
}
