// GENERATED from the float32 source by GenerateFloat64 (kernels-java/src/test): do not edit.
package org.rnn4j.vector.f64;

import static org.rnn4j.vector.f64.ActivationsF64.tanh;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.DoubleVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/** The vanilla RNN's post-GEMM passes (tanh or ReLU), forward and backward, for one row and blocks [b0, b1). */
final class RnnPostGemmF64 {
    private RnnPostGemmF64() {}

    static final VectorSpecies<Double> S = Species.F64;
    static final int V = S.length();
    static final int W = Double.BYTES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** h_t = act(gx + gh), padded units zero. */
    static void forward(double[] gx, int gxOff, double[] gh, int ghOff, boolean relu, int b0, int b1, double[] h,
                        int hOff, MemorySegment y, long yOff, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            DoubleVector z = DoubleVector.fromArray(S, gx, gxOff + u).add(DoubleVector.fromArray(S, gh, ghOff + u));
            DoubleVector hn = relu ? z.max(0d) : tanh(z);
            if (u + V > hidden) hn = hn.blend(0d, S.indexInRange(u, hidden).not());
            hn.intoArray(h, hOff + u);
            hn.intoMemorySegment(y, yOff + (long) u * W, LE);
        }
    }

    /** da = dh ⊙ act'(h), with h_t read back from the layer output and dh = dy + dhCarry. */
    static void backward(MemorySegment y, long yOff, double[] dy, int dyOff, double[] dhCarry, int dhOff, boolean relu,
                         double[] dg, int dgOff, double[] dgAll, int dgAllOff, int b0, int b1, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            DoubleVector h = DoubleVector.fromMemorySegment(S, y, yOff + (long) u * W, LE);
            DoubleVector dh = DoubleVector.fromArray(S, dy, dyOff + u).add(DoubleVector.fromArray(S, dhCarry, dhOff + u));
            DoubleVector da;
            if (relu) {
                da = dh.blend(0d, h.compare(jdk.incubator.vector.VectorOperators.GT, 0d).not());
            } else {
                da = dh.mul(h.mul(h).neg().add(1d));
            }
            if (u + V > hidden) {
                VectorMask<Double> pad = S.indexInRange(u, hidden).not();
                da = da.blend(0d, pad);
            }
            da.intoArray(dg, dgOff + u);
            da.intoArray(dgAll, dgAllOff + u);
        }
    }
}
