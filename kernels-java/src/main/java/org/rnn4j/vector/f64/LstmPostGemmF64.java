// GENERATED from the float32 source by GenerateFloat64 (kernels-java/src/test): do not edit.
package org.rnn4j.vector.f64;

import static org.rnn4j.vector.f64.ActivationsF64.scaledTanh;
import static org.rnn4j.vector.f64.ActivationsF64.tanh;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/**
 * The LSTM's post-GEMM passes (with and without peepholes), forward and backward, for one row (sample) and the
 * unit blocks {@code [b0, b1)} of V units: row layouts are those of {@link org.rnn4j.vector.GateLayout} (per
 * block the gates i, f, g, o one vector each). Each pass holds a single activation call site, so C2 inlines
 * it whole and no vector is ever boxed.
 *
 * <p>Offsets into arrays are element indices; offsets into segments are bytes. Segments: {@code y} the layer
 * output row (h), {@code gates} the saved activated gates (training, else null), {@code cSaved} the saved cell
 * state (training, else null), {@code cPrevSeg} the saved c_{t-1} (backward).
 */
final class LstmPostGemmF64 {
    private LstmPostGemmF64() {}

    static final VectorSpecies<Double> S = Species.F64;
    static final int V = S.length();
    static final int W = Double.BYTES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Gates i, f, g, o of blocks [b0, b1) of {@code rows} rows: z = gx + gh, activated in place in {@code gh} (and
     * saved). Row k of each operand is {@code stride} past row k - 1 (segment strides in bytes).
     */
    static void activate(double[] gx, int gxOff, int gxStride, double[] gh, int ghOff, int ghStride, int rows, int b0,
                         int b1, MemorySegment gates, long gOff, long gStride) {
        for (int row = 0; row < rows; row++, gxOff += gxStride, ghOff += ghStride, gOff += gStride) {
            for (int v = 4 * b0; v < 4 * b1; v++) {
                int o = v * V;
                boolean isG = (v & 3) == 2;
                DoubleVector z = DoubleVector.fromArray(S, gx, gxOff + o).add(DoubleVector.fromArray(S, gh, ghOff + o));
                DoubleVector a = scaledTanh(z, isG ? 1d : 0.5d, isG ? 0d : 0.5d);
                a.intoArray(gh, ghOff + o);
                if (gates != null) a.intoMemorySegment(gates, gOff + (long) o * W, LE);
            }
        }
    }

    /** Peephole form: i and f see p ⊙ c_{t-1}; g is activated; o's pre-activation stays raw (it needs c_t). */
    static void activatePeephole(double[] gx, int gxOff, double[] gh, int ghOff, int b0, int b1, double[] c, int cOff,
                                 double[] peep, int hp, MemorySegment gates, long gOff) {
        for (int v = 4 * b0; v < 4 * b1; v++) {
            int o = v * V, g = v & 3, unit = (v >> 2) * V;
            DoubleVector z = DoubleVector.fromArray(S, gx, gxOff + o).add(DoubleVector.fromArray(S, gh, ghOff + o));
            if (g == 3) {
                z.intoArray(gh, ghOff + o);
                continue;
            }
            if (g < 2) z = DoubleVector.fromArray(S, peep, g * hp + unit).fma(DoubleVector.fromArray(S, c, cOff + unit), z);
            DoubleVector a = scaledTanh(z, g == 2 ? 1d : 0.5d, g == 2 ? 0d : 0.5d);
            a.intoArray(gh, ghOff + o);
            if (gates != null) a.intoMemorySegment(gates, gOff + (long) o * W, LE);
        }
    }

    /**
     * c_t = f ⊙ c_{t-1} + i ⊙ g (in place in {@code c}, and saved); h_t = o ⊙ tanh(c_t), padded units zero; for
     * {@code rows} rows, each operand's rows {@code stride} apart (segment strides in bytes).
     */
    static void update(double[] act, int actOff, int actStride, int rows, int b0, int b1, double[] c, int cOff,
                       int cStride, double[] h, int hOff, int hStride, MemorySegment y, long yOff, long yStride,
                       int hidden, MemorySegment cSaved, long csOff, long csStride) {
        for (int row = 0; row < rows; row++, actOff += actStride, cOff += cStride, hOff += hStride, yOff += yStride,
                csOff += csStride) {
            for (int b = b0; b < b1; b++) {
                int o = actOff + 4 * b * V, u = b * V;
                DoubleVector i = DoubleVector.fromArray(S, act, o);
                DoubleVector f = DoubleVector.fromArray(S, act, o + V);
                DoubleVector g = DoubleVector.fromArray(S, act, o + 2 * V);
                DoubleVector og = DoubleVector.fromArray(S, act, o + 3 * V);
                DoubleVector cn = f.fma(DoubleVector.fromArray(S, c, cOff + u), i.mul(g));
                DoubleVector hn = og.mul(tanh(cn));
                if (u + V > hidden) hn = hn.blend(0d, S.indexInRange(u, hidden).not());
                cn.intoArray(c, cOff + u);
                hn.intoArray(h, hOff + u);
                hn.intoMemorySegment(y, yOff + (long) u * W, LE);
                if (cSaved != null) cn.intoMemorySegment(cSaved, csOff + (long) u * W, LE);
            }
        }
    }

    /** Peephole form, part one: c_t as in {@link #update}, then o = σ(z_o + p_o ⊙ c_t), in place in {@code act}. */
    static void updateCellPeephole(double[] act, int actOff, int b0, int b1, double[] c, int cOff, double[] peep, int hp,
                                   MemorySegment cSaved, long csOff, MemorySegment gates, long gOff) {
        for (int b = b0; b < b1; b++) {
            int o = actOff + 4 * b * V, u = b * V;
            DoubleVector i = DoubleVector.fromArray(S, act, o);
            DoubleVector f = DoubleVector.fromArray(S, act, o + V);
            DoubleVector g = DoubleVector.fromArray(S, act, o + 2 * V);
            DoubleVector cn = f.fma(DoubleVector.fromArray(S, c, cOff + u), i.mul(g));
            DoubleVector zo = DoubleVector.fromArray(S, peep, 2 * hp + u).fma(cn, DoubleVector.fromArray(S, act, o + 3 * V));
            DoubleVector og = scaledTanh(zo, 0.5d, 0.5d);
            og.intoArray(act, o + 3 * V);
            cn.intoArray(c, cOff + u);
            if (cSaved != null) cn.intoMemorySegment(cSaved, csOff + (long) u * W, LE);
            if (gates != null) og.intoMemorySegment(gates, gOff + (long) (4 * b + 3) * V * W, LE);
        }
    }

    /** Peephole form, part two: h_t = o ⊙ tanh(c_t) from the updated {@code c}. */
    static void updateHidden(double[] act, int actOff, int b0, int b1, double[] c, int cOff, double[] h, int hOff,
                             MemorySegment y, long yOff, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            DoubleVector og = DoubleVector.fromArray(S, act, actOff + 4 * b * V + 3 * V);
            DoubleVector hn = og.mul(tanh(DoubleVector.fromArray(S, c, cOff + u)));
            if (u + V > hidden) hn = hn.blend(0d, S.indexInRange(u, hidden).not());
            hn.intoArray(h, hOff + u);
            hn.intoMemorySegment(y, yOff + (long) u * W, LE);
        }
    }

    /**
     * Backward of one row: from the saved gates and cell states and the incoming dh (= dy + dhCarry) and dc
     * (= dcCarry), the pre-activation gradients into {@code dg} (and {@code dgAll}), and dc_{t-1} into
     * {@code dc} in place. {@code peep} null without peepholes. Padded units get exact zeros.
     */
    static void backward(MemorySegment gates, long gOff, MemorySegment cSeg, long cOffB, MemorySegment cPrevSeg,
                         long cpOffB, double[] dy, int dyOff, double[] dhCarry, int dhOff, double[] dc, int dcOff,
                         double[] dg, int dgOff, double[] dgAll, int dgAllOff, int b0, int b1, int hidden, double[] peep,
                         int hp) {
        for (int b = b0; b < b1; b++) {
            int u = b * V, o = 4 * b * V;
            long go = gOff + (long) o * W;
            DoubleVector i = DoubleVector.fromMemorySegment(S, gates, go, LE);
            DoubleVector f = DoubleVector.fromMemorySegment(S, gates, go + V * W, LE);
            DoubleVector g = DoubleVector.fromMemorySegment(S, gates, go + 2L * V * W, LE);
            DoubleVector og = DoubleVector.fromMemorySegment(S, gates, go + 3L * V * W, LE);
            DoubleVector c = DoubleVector.fromMemorySegment(S, cSeg, cOffB + (long) u * W, LE);
            DoubleVector cp = DoubleVector.fromMemorySegment(S, cPrevSeg, cpOffB + (long) u * W, LE);
            DoubleVector dh = DoubleVector.fromArray(S, dy, dyOff + u).add(DoubleVector.fromArray(S, dhCarry, dhOff + u));
            DoubleVector tc = tanh(c);
            DoubleVector one = DoubleVector.broadcast(S, 1d);
            DoubleVector dao = dh.mul(tc).mul(og).mul(one.sub(og));
            DoubleVector dct = dh.mul(og).mul(one.sub(tc.mul(tc))).add(DoubleVector.fromArray(S, dc, dcOff + u));
            if (peep != null) dct = DoubleVector.fromArray(S, peep, 2 * hp + u).fma(dao, dct);
            DoubleVector dai = dct.mul(g).mul(i).mul(one.sub(i));
            DoubleVector daf = dct.mul(cp).mul(f).mul(one.sub(f));
            DoubleVector dag = dct.mul(i).mul(one.sub(g.mul(g)));
            DoubleVector dcp = dct.mul(f);
            if (peep != null) {
                dcp = DoubleVector.fromArray(S, peep, u).fma(dai, dcp);
                dcp = DoubleVector.fromArray(S, peep, hp + u).fma(daf, dcp);
            }
            if (u + V > hidden) {
                VectorMask<Double> pad = S.indexInRange(u, hidden).not();
                dai = dai.blend(0d, pad);
                daf = daf.blend(0d, pad);
                dag = dag.blend(0d, pad);
                dao = dao.blend(0d, pad);
                dcp = dcp.blend(0d, pad);
            }
            dcp.intoArray(dc, dcOff + u);
            dai.intoArray(dg, dgOff + o);
            daf.intoArray(dg, dgOff + o + V);
            dag.intoArray(dg, dgOff + o + 2 * V);
            dao.intoArray(dg, dgOff + o + 3 * V);
            dai.intoArray(dgAll, dgAllOff + o);
            daf.intoArray(dgAll, dgAllOff + o + V);
            dag.intoArray(dgAll, dgAllOff + o + 2 * V);
            dao.intoArray(dgAll, dgAllOff + o + 3 * V);
        }
    }
}
