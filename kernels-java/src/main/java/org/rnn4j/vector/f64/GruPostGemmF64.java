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
 * The GRU's post-GEMM passes, both forms, forward and backward, for one row and unit blocks {@code [b0, b1)}.
 * Forward rows: {@code [r z]} blocked over 2Hp columns, then n over Hp (see {@link org.rnn4j.vector.GateLayout});
 * saved rows add a fourth Hp part, the "extra" vector: {@code W_hn h + b_hn} for the linear-before-reset form
 * (what r multiplies), {@code r ⊙ h_{t-1}} for the reset-before form (what W_hn multiplies).
 */
final class GruPostGemmF64 {
    private GruPostGemmF64() {}

    static final VectorSpecies<Double> S = Species.F64;
    static final int V = S.length();
    static final int W = Double.BYTES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** r and z of blocks [b0, b1): σ(gx + gh), in place in {@code gh} (and saved). */
    static void activateResetUpdate(double[] gx, int gxOff, double[] gh, int ghOff, int b0, int b1, MemorySegment gates,
                                    long gOff) {
        for (int v = 2 * b0; v < 2 * b1; v++) {
            int o = v * V;
            DoubleVector z = DoubleVector.fromArray(S, gx, gxOff + o).add(DoubleVector.fromArray(S, gh, ghOff + o));
            DoubleVector a = scaledTanh(z, 0.5d, 0.5d);
            a.intoArray(gh, ghOff + o);
            if (gates != null) a.intoMemorySegment(gates, gOff + (long) o * W, LE);
        }
    }

    /** Reset-before form: r ⊙ h_{t-1} into {@code rh} (the A of the second recurrent GEMM), and saved. */
    static void resetHidden(double[] act, int actOff, int b0, int b1, double[] hPrev, int hpOff, double[] rh, int rhOff,
                            MemorySegment gates, long extraOff) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            DoubleVector r = DoubleVector.fromArray(S, act, actOff + 2 * u);
            DoubleVector x = r.mul(DoubleVector.fromArray(S, hPrev, hpOff + u));
            x.intoArray(rh, rhOff + u);
            if (gates != null) x.intoMemorySegment(gates, extraOff + (long) u * W, LE);
        }
    }

    /**
     * n and h_t of blocks [b0, b1). Linear-before-reset ({@code bhn} non-null): n = tanh(gx_n + r ⊙ (gh_n + b_hn));
     * reset-before ({@code bhn} null, gh_n = W_hn (r ⊙ h) and b_hn folded into gx): n = tanh(gx_n + gh_n).
     * h_t = (1 - z) ⊙ n + z ⊙ h_{t-1}, padded units zero.
     */
    static void update(double[] gx, int gxOff, double[] act, int actOff, int nOff, double[] bhn, int b0, int b1,
                       double[] hPrev, int hpOff, double[] h, int hOff, MemorySegment y, long yOff, int hidden,
                       MemorySegment gates, long gOff) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            DoubleVector r = DoubleVector.fromArray(S, act, actOff + 2 * u);
            DoubleVector z = DoubleVector.fromArray(S, act, actOff + 2 * u + V);
            DoubleVector ghn = DoubleVector.fromArray(S, act, actOff + nOff + u);
            DoubleVector pre;
            if (bhn != null) {
                ghn = ghn.add(DoubleVector.fromArray(S, bhn, u));
                pre = r.fma(ghn, DoubleVector.fromArray(S, gx, gxOff + nOff + u));
            } else {
                pre = DoubleVector.fromArray(S, gx, gxOff + nOff + u).add(ghn);
            }
            DoubleVector n = tanh(pre);
            DoubleVector hp = DoubleVector.fromArray(S, hPrev, hpOff + u);
            DoubleVector hn = z.neg().add(1d).mul(n).add(z.mul(hp));
            if (u + V > hidden) hn = hn.blend(0d, S.indexInRange(u, hidden).not());
            hn.intoArray(h, hOff + u);
            hn.intoMemorySegment(y, yOff + (long) u * W, LE);
            if (gates != null) {
                n.intoMemorySegment(gates, gOff + (long) (nOff + u) * W, LE);
                if (bhn != null) ghn.intoMemorySegment(gates, gOff + (long) (nOff + hidden0(nOff) + u) * W, LE);
            }
        }
    }

    /** The extra part of a saved row starts Hp after the n part (nOff = 2Hp): at 3Hp. */
    private static int hidden0(int nOff) {
        return nOff / 2;
    }

    /**
     * Backward, first part (both forms): from saved r, z, n, extra and h_{t-1}, with dh = dy + dhCarry: dan, daz,
     * and for the linear-before-reset form also dar and dan ⊙ r; dh_{t-1}'s direct part dh ⊙ z into {@code dhp}.
     * dG offsets: {@code xn} (dan as W_in sees it), {@code rz} (dar, daz blocked), {@code hn} (as W_hn sees it).
     */
    static void backward(MemorySegment gates, long gOff, int nOff, MemorySegment hPrevSeg, long hpOffB, double[] dy,
                         int dyOff, double[] dhCarry, int dhOff, double[] dhp, int dhpOff, double[] dg, int dgOff,
                         double[] dgAll, int dgAllOff, int xn, int rz, int hn, boolean linearBeforeReset, int b0,
                         int b1, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            long go = gOff + (long) 2 * u * W;
            DoubleVector r = DoubleVector.fromMemorySegment(S, gates, go, LE);
            DoubleVector z = DoubleVector.fromMemorySegment(S, gates, go + (long) V * W, LE);
            DoubleVector n = DoubleVector.fromMemorySegment(S, gates, gOff + (long) (nOff + u) * W, LE);
            DoubleVector hp = DoubleVector.fromMemorySegment(S, hPrevSeg, hpOffB + (long) u * W, LE);
            DoubleVector dh = DoubleVector.fromArray(S, dy, dyOff + u).add(DoubleVector.fromArray(S, dhCarry, dhOff + u));
            DoubleVector one = DoubleVector.broadcast(S, 1d);
            DoubleVector dan = dh.mul(one.sub(z)).mul(one.sub(n.mul(n)));
            DoubleVector daz = dh.mul(hp.sub(n)).mul(z).mul(one.sub(z));
            DoubleVector dhDirect = dh.mul(z);
            // Computed for both forms (stored for one): a vector that is null on one path would be boxed.
            DoubleVector extra = DoubleVector.fromMemorySegment(S, gates, gOff + (long) (nOff + nOff / 2 + u) * W, LE);
            DoubleVector dar = dan.mul(extra).mul(r).mul(one.sub(r));
            DoubleVector dahn = dan.mul(r);
            if (u + V > hidden) {
                VectorMask<Double> pad = S.indexInRange(u, hidden).not();
                dan = dan.blend(0d, pad);
                daz = daz.blend(0d, pad);
                dhDirect = dhDirect.blend(0d, pad);
                dar = dar.blend(0d, pad);
                dahn = dahn.blend(0d, pad);
            }
            dhDirect.intoArray(dhp, dhpOff + u);
            dan.intoArray(dg, dgOff + xn + u);
            dan.intoArray(dgAll, dgAllOff + xn + u);
            daz.intoArray(dg, dgOff + rz + 2 * u + V);
            daz.intoArray(dgAll, dgAllOff + rz + 2 * u + V);
            if (linearBeforeReset) {
                dar.intoArray(dg, dgOff + rz + 2 * u);
                dar.intoArray(dgAll, dgAllOff + rz + 2 * u);
                dahn.intoArray(dg, dgOff + hn + u);
                dahn.intoArray(dgAll, dgAllOff + hn + u);
            }
        }
    }

    /**
     * Reset-before backward, second part: with drh = dan · W_hn (the GEMM between the parts), dar from
     * drh ⊙ h_{t-1}, and drh ⊙ r added to dh_{t-1}'s direct part.
     */
    static void backwardReset(MemorySegment gates, long gOff, MemorySegment hPrevSeg, long hpOffB, double[] drh,
                              int drhOff, double[] dhp, int dhpOff, double[] dg, int dgOff, double[] dgAll, int dgAllOff,
                              int b0, int b1, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            DoubleVector r = DoubleVector.fromMemorySegment(S, gates, gOff + (long) 2 * u * W, LE);
            DoubleVector hp = DoubleVector.fromMemorySegment(S, hPrevSeg, hpOffB + (long) u * W, LE);
            DoubleVector d = DoubleVector.fromArray(S, drh, drhOff + u);
            DoubleVector dar = d.mul(hp).mul(r).mul(r.neg().add(1d));
            DoubleVector dh = d.fma(r, DoubleVector.fromArray(S, dhp, dhpOff + u));
            if (u + V > hidden) {
                VectorMask<Double> pad = S.indexInRange(u, hidden).not();
                dar = dar.blend(0d, pad);
                dh = dh.blend(0d, pad);
            }
            dh.intoArray(dhp, dhpOff + u);
            dar.intoArray(dg, dgOff + 2 * u);
            dar.intoArray(dgAll, dgAllOff + 2 * u);
        }
    }
}
