package org.rnn4j.vector.f32;

import static org.rnn4j.vector.f32.ActivationsF32.scaledTanh;
import static org.rnn4j.vector.f32.ActivationsF32.tanh;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
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
final class LstmPostGemmF32 {
    private LstmPostGemmF32() {}

    static final VectorSpecies<Float> S = Species.F32;
    static final int V = S.length();
    static final int W = Float.BYTES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /**
     * Gates i, f, g, o of blocks [b0, b1) of {@code rows} rows: z = gx + gh, activated in place in {@code gh} (and
     * saved). Row k of each operand is {@code stride} past row k - 1 (segment strides in bytes).
     */
    static void activate(float[] gx, int gxOff, int gxStride, float[] gh, int ghOff, int ghStride, int rows, int b0,
                         int b1, MemorySegment gates, long gOff, long gStride) {
        for (int row = 0; row < rows; row++, gxOff += gxStride, ghOff += ghStride, gOff += gStride) {
            for (int v = 4 * b0; v < 4 * b1; v++) {
                int o = v * V;
                boolean isG = (v & 3) == 2;
                FloatVector z = FloatVector.fromArray(S, gx, gxOff + o).add(FloatVector.fromArray(S, gh, ghOff + o));
                FloatVector a = scaledTanh(z, isG ? 1f : 0.5f, isG ? 0f : 0.5f);
                a.intoArray(gh, ghOff + o);
                if (gates != null) a.intoMemorySegment(gates, gOff + (long) o * W, LE);
            }
        }
    }

    /** Peephole form: i and f see p ⊙ c_{t-1}; g is activated; o's pre-activation stays raw (it needs c_t). */
    static void activatePeephole(float[] gx, int gxOff, float[] gh, int ghOff, int b0, int b1, float[] c, int cOff,
                                 float[] peep, int hp, MemorySegment gates, long gOff) {
        for (int v = 4 * b0; v < 4 * b1; v++) {
            int o = v * V, g = v & 3, unit = (v >> 2) * V;
            FloatVector z = FloatVector.fromArray(S, gx, gxOff + o).add(FloatVector.fromArray(S, gh, ghOff + o));
            if (g == 3) {
                z.intoArray(gh, ghOff + o);
                continue;
            }
            if (g < 2) z = FloatVector.fromArray(S, peep, g * hp + unit).fma(FloatVector.fromArray(S, c, cOff + unit), z);
            FloatVector a = scaledTanh(z, g == 2 ? 1f : 0.5f, g == 2 ? 0f : 0.5f);
            a.intoArray(gh, ghOff + o);
            if (gates != null) a.intoMemorySegment(gates, gOff + (long) o * W, LE);
        }
    }

    /**
     * c_t = f ⊙ c_{t-1} + i ⊙ g (in place in {@code c}, and saved); h_t = o ⊙ tanh(c_t), padded units zero; for
     * {@code rows} rows, each operand's rows {@code stride} apart (segment strides in bytes).
     */
    static void update(float[] act, int actOff, int actStride, int rows, int b0, int b1, float[] c, int cOff,
                       int cStride, float[] h, int hOff, int hStride, MemorySegment y, long yOff, long yStride,
                       int hidden, MemorySegment cSaved, long csOff, long csStride) {
        for (int row = 0; row < rows; row++, actOff += actStride, cOff += cStride, hOff += hStride, yOff += yStride,
                csOff += csStride) {
            for (int b = b0; b < b1; b++) {
                int o = actOff + 4 * b * V, u = b * V;
                FloatVector i = FloatVector.fromArray(S, act, o);
                FloatVector f = FloatVector.fromArray(S, act, o + V);
                FloatVector g = FloatVector.fromArray(S, act, o + 2 * V);
                FloatVector og = FloatVector.fromArray(S, act, o + 3 * V);
                FloatVector cn = f.fma(FloatVector.fromArray(S, c, cOff + u), i.mul(g));
                FloatVector hn = og.mul(tanh(cn));
                if (u + V > hidden) hn = hn.blend(0f, S.indexInRange(u, hidden).not());
                cn.intoArray(c, cOff + u);
                hn.intoArray(h, hOff + u);
                hn.intoMemorySegment(y, yOff + (long) u * W, LE);
                if (cSaved != null) cn.intoMemorySegment(cSaved, csOff + (long) u * W, LE);
            }
        }
    }

    /** Peephole form, part one: c_t as in {@link #update}, then o = σ(z_o + p_o ⊙ c_t), in place in {@code act}. */
    static void updateCellPeephole(float[] act, int actOff, int b0, int b1, float[] c, int cOff, float[] peep, int hp,
                                   MemorySegment cSaved, long csOff, MemorySegment gates, long gOff) {
        for (int b = b0; b < b1; b++) {
            int o = actOff + 4 * b * V, u = b * V;
            FloatVector i = FloatVector.fromArray(S, act, o);
            FloatVector f = FloatVector.fromArray(S, act, o + V);
            FloatVector g = FloatVector.fromArray(S, act, o + 2 * V);
            FloatVector cn = f.fma(FloatVector.fromArray(S, c, cOff + u), i.mul(g));
            FloatVector zo = FloatVector.fromArray(S, peep, 2 * hp + u).fma(cn, FloatVector.fromArray(S, act, o + 3 * V));
            FloatVector og = scaledTanh(zo, 0.5f, 0.5f);
            og.intoArray(act, o + 3 * V);
            cn.intoArray(c, cOff + u);
            if (cSaved != null) cn.intoMemorySegment(cSaved, csOff + (long) u * W, LE);
            if (gates != null) og.intoMemorySegment(gates, gOff + (long) (4 * b + 3) * V * W, LE);
        }
    }

    /** Peephole form, part two: h_t = o ⊙ tanh(c_t) from the updated {@code c}. */
    static void updateHidden(float[] act, int actOff, int b0, int b1, float[] c, int cOff, float[] h, int hOff,
                             MemorySegment y, long yOff, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            FloatVector og = FloatVector.fromArray(S, act, actOff + 4 * b * V + 3 * V);
            FloatVector hn = og.mul(tanh(FloatVector.fromArray(S, c, cOff + u)));
            if (u + V > hidden) hn = hn.blend(0f, S.indexInRange(u, hidden).not());
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
                         long cpOffB, float[] dy, int dyOff, float[] dhCarry, int dhOff, float[] dc, int dcOff,
                         float[] dg, int dgOff, float[] dgAll, int dgAllOff, int b0, int b1, int hidden, float[] peep,
                         int hp) {
        for (int b = b0; b < b1; b++) {
            int u = b * V, o = 4 * b * V;
            long go = gOff + (long) o * W;
            FloatVector i = FloatVector.fromMemorySegment(S, gates, go, LE);
            FloatVector f = FloatVector.fromMemorySegment(S, gates, go + V * W, LE);
            FloatVector g = FloatVector.fromMemorySegment(S, gates, go + 2L * V * W, LE);
            FloatVector og = FloatVector.fromMemorySegment(S, gates, go + 3L * V * W, LE);
            FloatVector c = FloatVector.fromMemorySegment(S, cSeg, cOffB + (long) u * W, LE);
            FloatVector cp = FloatVector.fromMemorySegment(S, cPrevSeg, cpOffB + (long) u * W, LE);
            FloatVector dh = FloatVector.fromArray(S, dy, dyOff + u).add(FloatVector.fromArray(S, dhCarry, dhOff + u));
            FloatVector tc = tanh(c);
            FloatVector one = FloatVector.broadcast(S, 1f);
            FloatVector dao = dh.mul(tc).mul(og).mul(one.sub(og));
            FloatVector dct = dh.mul(og).mul(one.sub(tc.mul(tc))).add(FloatVector.fromArray(S, dc, dcOff + u));
            if (peep != null) dct = FloatVector.fromArray(S, peep, 2 * hp + u).fma(dao, dct);
            FloatVector dai = dct.mul(g).mul(i).mul(one.sub(i));
            FloatVector daf = dct.mul(cp).mul(f).mul(one.sub(f));
            FloatVector dag = dct.mul(i).mul(one.sub(g.mul(g)));
            FloatVector dcp = dct.mul(f);
            if (peep != null) {
                dcp = FloatVector.fromArray(S, peep, u).fma(dai, dcp);
                dcp = FloatVector.fromArray(S, peep, hp + u).fma(daf, dcp);
            }
            if (u + V > hidden) {
                VectorMask<Float> pad = S.indexInRange(u, hidden).not();
                dai = dai.blend(0f, pad);
                daf = daf.blend(0f, pad);
                dag = dag.blend(0f, pad);
                dao = dao.blend(0f, pad);
                dcp = dcp.blend(0f, pad);
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
