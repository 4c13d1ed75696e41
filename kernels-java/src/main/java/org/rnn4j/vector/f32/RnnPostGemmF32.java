package org.rnn4j.vector.f32;

import static org.rnn4j.vector.f32.ActivationsF32.tanh;

import java.lang.foreign.MemorySegment;
import java.nio.ByteOrder;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorSpecies;
import org.rnn4j.vector.Species;

/** The vanilla RNN's post-GEMM passes (tanh or ReLU), forward and backward, for one row and blocks [b0, b1). */
final class RnnPostGemmF32 {
    private RnnPostGemmF32() {}

    static final VectorSpecies<Float> S = Species.F32;
    static final int V = S.length();
    static final int W = Float.BYTES;
    static final ByteOrder LE = ByteOrder.LITTLE_ENDIAN;

    /** h_t = act(gx + gh), padded units zero. */
    static void forward(float[] gx, int gxOff, float[] gh, int ghOff, boolean relu, int b0, int b1, float[] h,
                        int hOff, MemorySegment y, long yOff, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            FloatVector z = FloatVector.fromArray(S, gx, gxOff + u).add(FloatVector.fromArray(S, gh, ghOff + u));
            FloatVector hn = relu ? z.max(0f) : tanh(z);
            if (u + V > hidden) hn = hn.blend(0f, S.indexInRange(u, hidden).not());
            hn.intoArray(h, hOff + u);
            hn.intoMemorySegment(y, yOff + (long) u * W, LE);
        }
    }

    /** da = dh ⊙ act'(h), with h_t read back from the layer output and dh = dy + dhCarry. */
    static void backward(MemorySegment y, long yOff, float[] dy, int dyOff, float[] dhCarry, int dhOff, boolean relu,
                         float[] dg, int dgOff, float[] dgAll, int dgAllOff, int b0, int b1, int hidden) {
        for (int b = b0; b < b1; b++) {
            int u = b * V;
            FloatVector h = FloatVector.fromMemorySegment(S, y, yOff + (long) u * W, LE);
            FloatVector dh = FloatVector.fromArray(S, dy, dyOff + u).add(FloatVector.fromArray(S, dhCarry, dhOff + u));
            FloatVector da;
            if (relu) {
                da = dh.blend(0f, h.compare(jdk.incubator.vector.VectorOperators.GT, 0f).not());
            } else {
                da = dh.mul(h.mul(h).neg().add(1f));
            }
            if (u + V > hidden) {
                VectorMask<Float> pad = S.indexInRange(u, hidden).not();
                da = da.blend(0f, pad);
            }
            da.intoArray(dg, dgOff + u);
            da.intoArray(dgAll, dgAllOff + u);
        }
    }
}
