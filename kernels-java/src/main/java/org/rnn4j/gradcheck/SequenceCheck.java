package org.rnn4j.gradcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.spi.RnnBackend;

/**
 * {@link GradientChecker#check} on the sequence API: training forward + backward against central differences
 * of L = Σ output·gradOutput + Σ hN·gradHN [+ Σ cN·gradCN].
 */
final class SequenceCheck {
    private SequenceCheck() {}

    static List<TensorCheck> run(GradientChecker chk, RnnBackend backend, GradcheckCase c) {
        RnnConfig cfg = c.config();
        int T = c.seqLength(), N = c.batch(), I = cfg.inputSize();
        boolean hasC = cfg.cell().hasCellState();
        long inE = (long) T * N * I, outE = (long) T * N * cfg.outputSize();
        long stE = (long) cfg.stateRows() * N * cfg.hiddenSize();
        int[] lengths = c.lengths();
        SplittableRandom rng = new SplittableRandom(c.seed());
        List<TensorCheck> rows = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = F64.randomWeights(cfg, arena, rng);
            MemorySegment x = F64.uniform(arena, inE, rng, 1);
            MemorySegment h0 = F64.uniform(arena, stE, rng, 1);
            MemorySegment c0 = hasC ? F64.uniform(arena, stE, rng, 1) : null;
            MemorySegment gOut = F64.uniform(arena, outE, rng, 1); // also past the lengths: must be ignored there
            MemorySegment gHN = F64.uniform(arena, stE, rng, 1);
            MemorySegment gCN = hasC ? F64.uniform(arena, stE, rng, 1) : null;
            MemorySegment out = F64.alloc(arena, outE), hN = F64.alloc(arena, stE);
            MemorySegment cN = hasC ? F64.alloc(arena, stE) : null;
            MemorySegment dx = F64.alloc(arena, inE), dh0 = F64.alloc(arena, stE);
            MemorySegment dc0 = hasC ? F64.alloc(arena, stE) : null;
            RnnParameters dw = F64.nanGrads(cfg, arena);
            F64.fill(dx, inE, Double.NaN);
            F64.fill(dh0, stE, Double.NaN);
            if (hasC) F64.fill(dc0, stE, Double.NaN);

            SequenceArgs args = new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).output(out).hN(hN).cN(cN)
                    .lengths(lengths);
            GradientArgs grads = new GradientArgs().gradOutput(gOut).gradHN(gHN).gradCN(gCN).gradInput(dx)
                    .gradH0(dh0).gradC0(dc0).weightGrads(dw).accumulate(false);
            try (Rnn rnn = Rnn.create(cfg, w, backend);
                 RnnWorkspace train = rnn.newWorkspace(Mode.TRAINING, T, N);
                 RnnWorkspace infer = rnn.newWorkspace(Mode.INFERENCE, T, N)) {
                // Analytic: overwrite into NaN-filled buffers, then a second pass that must accumulate.
                rnn.forward(args, train);
                rnn.backward(args, grads, train);
                double[] ax = F64.read(dx, inE), ah0 = F64.read(dh0, stE);
                double[] ac0 = hasC ? F64.read(dc0, stE) : null;
                List<ParamId> ids = cfg.parameterIds();
                List<double[]> aw = new ArrayList<>();
                for (ParamId id : ids) aw.add(F64.read(dw.get(id), cfg.parameterSize(id)));
                rnn.forward(args, train); // fresh saved state: a backend may consume its workspace in backward
                rnn.backward(args, grads.accumulate(true), train);
                double[] twice = concat(ids, dw, cfg), doubled = concatScaled(aw, 2);

                // Numeric.
                FiniteDifferences.Loss loss = () -> {
                    rnn.forward(args, infer);
                    return F64.dot(out, gOut, outE) + F64.dot(hN, gHN, stE) + (hasC ? F64.dot(cN, gCN, stE) : 0);
                };
                double l0 = loss.eval();
                rows.add(chk.compare("input", ax, x, inE, loss, null, l0, cfg));
                rows.add(chk.compare("h0", ah0, h0, stE, loss, null, l0, cfg));
                if (hasC) rows.add(chk.compare("c0", ac0, c0, stE, loss, null, l0, cfg));
                for (int k = 0; k < ids.size(); k++) {
                    ParamId id = ids.get(k);
                    rows.add(chk.compare(id.name(), aw.get(k), w.get(id), cfg.parameterSize(id), loss,
                            rnn::weightsChanged, l0, cfg));
                }
                if (lengths != null) rows.add(pastLengths(ax, cfg, T, N, lengths));
                rows.add(chk.close("weightGrads(accumulate)", twice, doubled));
            }
        }
        return rows;
    }

    /** Inputs at t ≥ length(n) do not influence the loss: their gradient must be exactly 0. */
    private static TensorCheck pastLengths(double[] gradInput, RnnConfig cfg, int T, int N, int[] lengths) {
        int I = cfg.inputSize();
        List<Integer> where = new ArrayList<>();
        for (int n = 0; n < N; n++) {
            for (int t = lengths[n]; t < T; t++) {
                int at = (int) cfg.layout().offset(t, n, T, N, I);
                for (int k = 0; k < I; k++) where.add(at + k);
            }
        }
        double[] g = new double[where.size()];
        for (int i = 0; i < g.length; i++) g[i] = gradInput[where.get(i)];
        TensorCheck r = Comparisons.exact("input(past length)", g, new double[g.length]);
        int worst = r.worstIndex() < 0 ? -1 : where.get(r.worstIndex()); // report the index in the input tensor
        return new TensorCheck(r.tensor(), r.elements(), worst, r.analytic(), r.numeric(), r.absError(),
                r.allowed(), r.passed(), 0);
    }

    private static double[] concat(List<ParamId> ids, RnnParameters p, RnnConfig cfg) {
        List<double[]> parts = new ArrayList<>();
        for (ParamId id : ids) parts.add(F64.read(p.get(id), cfg.parameterSize(id)));
        return concatScaled(parts, 1);
    }

    static double[] concatScaled(List<double[]> parts, double scale) {
        int n = 0;
        for (double[] a : parts) n += a.length;
        double[] out = new double[n];
        int at = 0;
        for (double[] a : parts) {
            for (double v : a) out[at++] = v * scale;
        }
        return out;
    }
}
