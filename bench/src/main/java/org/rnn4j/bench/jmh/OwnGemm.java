package org.rnn4j.bench.jmh;

import java.util.SplittableRandom;
import java.util.function.IntConsumer;
import org.rnn4j.vector.Species;
import org.rnn4j.vector.f32.GemmF32;
import org.rnn4j.vector.f64.GemmF64;

/**
 * The {@code vector} backend's own packed GEMM ({@link GemmF32#multiply}, {@link GemmF64#multiply}: panels of B
 * packed once, 6-row register-blocked micro-kernels, rows blocked by {@code rowBlock(K)}) on a square
 * {@code C = A·B} of {@code size}, at K threads: member t of a {@link Team} computes all rows against its own range
 * of B's panels (no reduction is shared). The kernel works on Java arrays, as inside the backend; they are made and
 * B is packed once. A and C have their rows rounded up to a multiple of the micro-kernel's 6 rows (padding rows are
 * zero; at 2048 that is 0.2% extra work, not counted in the flops).
 *
 * <p>Touches {@code jdk.incubator.vector}: make it only where the Vector API is available.
 */
public final class OwnGemm implements AutoCloseable {
    private final Team team;
    private final IntConsumer part;

    public OwnGemm(boolean f64, int size, int threads, long seed) {
        int mr = Species.MR;
        int nr = f64 ? GemmF64.NR : GemmF32.NR;
        int rows = (size + mr - 1) / mr * mr;
        int panels = (size + nr - 1) / nr;
        int K = size;
        int ldc = panels * nr;
        int panelStride = K * nr;
        SplittableRandom rnd = new SplittableRandom(seed);
        team = new Team(threads);
        int k = team.size();
        if (f64) {
            double[] a = new double[rows * K], b = new double[panels * panelStride], c = new double[rows * ldc];
            for (int i = 0; i < size * K; i++) a[i] = 2 * rnd.nextDouble() - 1;
            for (int kk = 0; kk < K; kk++) {
                for (int col = 0; col < size; col++) b[(col / nr) * panelStride + kk * nr + col % nr] = 2 * rnd.nextDouble() - 1;
            }
            int mc = GemmF64.rowBlock(K);
            part = t -> GemmF64.multiply(a, 0, K, 1, 0, rows, b, 0, panelStride, K, panels * t / k, panels * (t + 1) / k,
                    c, 0, ldc, false, mc);
        } else {
            float[] a = new float[rows * K], b = new float[panels * panelStride], c = new float[rows * ldc];
            for (int i = 0; i < size * K; i++) a[i] = (float) (2 * rnd.nextDouble() - 1);
            for (int kk = 0; kk < K; kk++) {
                for (int col = 0; col < size; col++) {
                    b[(col / nr) * panelStride + kk * nr + col % nr] = (float) (2 * rnd.nextDouble() - 1);
                }
            }
            int mc = GemmF32.rowBlock(K);
            part = t -> GemmF32.multiply(a, 0, K, 1, 0, rows, b, 0, panelStride, K, panels * t / k, panels * (t + 1) / k,
                    c, 0, ldc, false, mc);
        }
    }

    /** One {@code C = A·B}. */
    public void run() {
        team.run(part);
    }

    @Override
    public void close() {
        team.close();
    }
}
