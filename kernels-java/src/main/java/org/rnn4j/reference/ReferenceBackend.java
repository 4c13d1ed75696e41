package org.rnn4j.reference;

import java.lang.foreign.MemorySegment;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;

/**
 * The float64 oracle. Loops over layers, directions, samples and steps one vector at a time, exactly as the
 * equations read; float32 data is widened on the way in and rounded once on the way out. A training forward
 * saves one {@link StepRecord} per (layer, direction, t, n) in the workspace, and backward replays them.
 */
public final class ReferenceBackend implements RnnBackend {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public PreparedWeights prepare(RnnConfig config, RnnParameters weights) {
        return new ReferenceWeights(config, weights);
    }

    @Override
    public ExecutionPlan plan(PreparedWeights weights, RnnPlan capacity, Mode mode) {
        return ReferencePlan.of(capacity, mode);
    }

    @Override
    public ExecutionPlan stepPlan(PreparedWeights weights, int maxBatch, Mode mode) {
        return ReferencePlan.of(new RnnPlan(weights.config(), 1, maxBatch), mode);
    }

    @Override
    public void forward(PreparedWeights prepared, ExecutionPlan ep, SequenceArgs a, MemorySegment ws) {
        ReferenceWeights w = (ReferenceWeights) prepared;
        ReferencePlan plan = (ReferencePlan) ep;
        Mode mode = plan.mode();
        RnnConfig c = w.config();
        int T = a.seqLength(), N = a.batch(), H = c.hiddenSize(), D = c.directions();
        double[][][] layerIn = readSequence(a.input(), c.dtype(), c.layout(), T, N, c.inputSize());
        for (int l = 0; l < c.layers(); l++) {
            double[][][] out = new double[T][N][D * H];
            for (int d = 0; d < D; d++) {
                LayerWeights lw = w.get(l, d);
                StepRecord rec = new StepRecord(H, c.gates());
                for (int n = 0; n < N; n++) {
                    int len = a.length(n);
                    int row = l * D + d;
                    readState(a.h0(), c.dtype(), row, n, N, rec.hPrev);
                    readState(a.c0(), c.dtype(), row, n, N, rec.cPrev);
                    for (int s = 0; s < len; s++) {
                        int t = d == 0 ? s : len - 1 - s;
                        CellMath.forward(lw, layerIn[t][n], rec);
                        if (mode == Mode.TRAINING) rec.save(ws, plan.recordAt(l, d, t, n));
                        System.arraycopy(rec.h, 0, out[t][n], d * H, H);
                        System.arraycopy(rec.h, 0, rec.hPrev, 0, H);
                        System.arraycopy(rec.c, 0, rec.cPrev, 0, H);
                    }
                    writeState(a.hN(), c.dtype(), row, n, N, rec.hPrev, false);
                    writeState(a.cN(), c.dtype(), row, n, N, rec.cPrev, false);
                }
            }
            layerIn = out;
        }
        writeSequence(a.output(), c.dtype(), c.layout(), layerIn, c.outputSize(), false);
    }

    @Override
    public void backward(PreparedWeights prepared, ExecutionPlan ep, SequenceArgs a, GradientArgs g,
                         MemorySegment ws) {
        ReferenceWeights w = (ReferenceWeights) prepared;
        ReferencePlan plan = (ReferencePlan) ep;
        RnnConfig c = w.config();
        DType dt = c.dtype();
        int T = a.seqLength(), N = a.batch(), H = c.hiddenSize(), D = c.directions();
        double[][][] dOut = readSequence(g.gradOutput(), dt, c.layout(), T, N, c.outputSize());
        for (int n = 0; n < N; n++) {
            // The output past a sample's length is the constant 0: no gradient flows back from it.
            for (int t = a.length(n); t < T; t++) java.util.Arrays.fill(dOut[t][n], 0);
        }
        double[][][] x0 = readSequence(a.input(), dt, c.layout(), T, N, c.inputSize());
        StepRecord rec = new StepRecord(H, c.gates());
        double[] dh = new double[H], dc = new double[H], dhPrev = new double[H], dcPrev = new double[H];
        for (int l = c.layers() - 1; l >= 0; l--) {
            double[][][] in = l == 0 ? x0 : layerOutput(plan, ws, l - 1, a, rec);
            double[][][] dIn = new double[T][N][c.layerInputSize(l)];
            for (int d = 0; d < D; d++) {
                LayerWeights lw = w.get(l, d);
                LayerGrads gr = lw.newGrads();
                int row = l * D + d;
                for (int n = 0; n < N; n++) {
                    int len = a.length(n);
                    readState(g.gradHN(), dt, row, n, N, dh);
                    readState(g.gradCN(), dt, row, n, N, dc);
                    for (int s = len - 1; s >= 0; s--) {
                        int t = d == 0 ? s : len - 1 - s;
                        rec.load(ws, plan.recordAt(l, d, t, n));
                        for (int j = 0; j < H; j++) dh[j] += dOut[t][n][d * H + j];
                        CellMath.backward(lw, in[t][n], rec, dh, dc, dIn[t][n], dhPrev, dcPrev, gr);
                        System.arraycopy(dhPrev, 0, dh, 0, H);
                        System.arraycopy(dcPrev, 0, dc, 0, H);
                    }
                    writeState(g.gradH0(), dt, row, n, N, dh, false);
                    writeState(g.gradC0(), dt, row, n, N, dc, false);
                }
                if (g.weightGrads() != null) LayerWeights.store(gr, g.weightGrads(), l, d, g.accumulate());
            }
            dOut = dIn;
        }
        writeSequence(g.gradInput(), dt, c.layout(), dOut, c.inputSize(), false);
    }

    /** Rebuilds layer {@code layer}'s output sequence from the saved records (0 past each sample's length). */
    private static double[][][] layerOutput(ReferencePlan plan, MemorySegment ws, int layer, SequenceArgs a,
                                            StepRecord rec) {
        RnnConfig c = plan.capacity().config();
        int H = c.hiddenSize();
        double[][][] out = new double[a.seqLength()][a.batch()][c.outputSize()];
        for (int d = 0; d < c.directions(); d++) {
            for (int n = 0; n < a.batch(); n++) {
                for (int t = 0; t < a.length(n); t++) {
                    rec.load(ws, plan.recordAt(layer, d, t, n));
                    System.arraycopy(rec.h, 0, out[t][n], d * H, H);
                }
            }
        }
        return out;
    }

    // ---------------------------------------------------------------- single steps

    @Override
    public void stepForward(PreparedWeights prepared, ExecutionPlan plan, int layer, int dir, StepArgs s,
                            MemorySegment ws) {
        Mode mode = plan.mode();
        ReferenceWeights w = (ReferenceWeights) prepared;
        RnnConfig c = w.config();
        LayerWeights lw = w.get(layer, dir);
        DType dt = c.dtype();
        int H = c.hiddenSize(), in = c.layerInputSize(layer);
        StepRecord rec = new StepRecord(H, c.gates());
        double[] x = new double[in];
        long recDoubles = StepRecord.doubles(H, c.gates());
        for (int n = 0; n < s.batch(); n++) {
            Tensors.read(s.input(), dt, (long) n * in, x);
            Tensors.read(s.hPrev(), dt, (long) n * H, rec.hPrev);
            Tensors.read(s.cPrev(), dt, (long) n * H, rec.cPrev);
            CellMath.forward(lw, x, rec);
            Tensors.write(s.hNext(), dt, (long) n * H, rec.h, false);
            if (s.cNext() != null) Tensors.write(s.cNext(), dt, (long) n * H, rec.c, false);
            if (mode == Mode.TRAINING) rec.save(ws, n * recDoubles);
        }
    }

    @Override
    public void stepBackward(PreparedWeights prepared, ExecutionPlan plan, int layer, int dir, StepArgs s,
                             StepGradients g, MemorySegment ws) {
        ReferenceWeights w = (ReferenceWeights) prepared;
        RnnConfig c = w.config();
        LayerWeights lw = w.get(layer, dir);
        DType dt = c.dtype();
        int H = c.hiddenSize(), in = c.layerInputSize(layer);
        StepRecord rec = new StepRecord(H, c.gates());
        LayerGrads gr = lw.newGrads();
        double[] x = new double[in], dx = new double[in];
        double[] dh = new double[H], dc = new double[H], dhPrev = new double[H], dcPrev = new double[H];
        long recDoubles = StepRecord.doubles(H, c.gates());
        for (int n = 0; n < s.batch(); n++) {
            Tensors.read(s.input(), dt, (long) n * in, x);
            rec.load(ws, n * recDoubles);
            Tensors.read(g.gradHNext(), dt, (long) n * H, dh);
            Tensors.read(g.gradCNext(), dt, (long) n * H, dc);
            java.util.Arrays.fill(dx, 0);
            CellMath.backward(lw, x, rec, dh, dc, dx, dhPrev, dcPrev, gr);
            if (g.gradInput() != null) Tensors.write(g.gradInput(), dt, (long) n * in, dx, false);
            if (g.gradHPrev() != null) Tensors.write(g.gradHPrev(), dt, (long) n * H, dhPrev, false);
            if (g.gradCPrev() != null) Tensors.write(g.gradCPrev(), dt, (long) n * H, dcPrev, false);
        }
        if (g.weightGrads() != null) LayerWeights.store(gr, g.weightGrads(), layer, dir, g.accumulate());
    }

    // ---------------------------------------------------------------- tensor I/O

    private static double[][][] readSequence(MemorySegment s, DType dt, Layout layout, int T, int N, int C) {
        double[][][] x = new double[T][N][C];
        if (s == null) return x;
        for (int t = 0; t < T; t++) {
            for (int n = 0; n < N; n++) Tensors.read(s, dt, layout.offset(t, n, T, N, C), x[t][n]);
        }
        return x;
    }

    private static void writeSequence(MemorySegment s, DType dt, Layout layout, double[][][] x, int C, boolean acc) {
        if (s == null) return;
        int T = x.length, N = x[0].length;
        for (int t = 0; t < T; t++) {
            for (int n = 0; n < N; n++) Tensors.write(s, dt, layout.offset(t, n, T, N, C), x[t][n], acc);
        }
    }

    /** Reads row {@code row}, sample {@code n} of a [L·D, N, H] state tensor (zeros when absent). */
    private static void readState(MemorySegment s, DType dt, int row, int n, int N, double[] dst) {
        Tensors.read(s, dt, ((long) row * N + n) * dst.length, dst);
    }

    private static void writeState(MemorySegment s, DType dt, int row, int n, int N, double[] src, boolean acc) {
        if (s != null) Tensors.write(s, dt, ((long) row * N + n) * src.length, src, acc);
    }
}
