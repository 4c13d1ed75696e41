package org.rnn4j.gradcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
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
 * of L = Σ output·gradOutput + Σ hN·gradHN [+ Σ cN·gradCN] (the terms whose upstream gradient is given).
 */
final class SequenceCheck {
    private SequenceCheck() {}

    static List<TensorCheck> run(GradientChecker chk, RnnBackend backend, GradcheckData d) {
        RnnConfig cfg = d.config();
        int T = d.seqLength(), N = d.batch();
        boolean hasC = cfg.cell().hasCellState();
        long outE = (long) T * N * cfg.outputSize();
        long stE = (long) cfg.stateRows() * N * cfg.hiddenSize();
        int[] lengths = d.lengthsView();
        List<TensorCheck> rows = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = F64.weights(cfg, arena, d.weightsView());
            InputAndStates in = new InputAndStates(arena, d.inputView(), d.h0View(), d.c0View(), stE, hasC);
            // gradOutput also past the lengths, where it must be ignored; a null upstream gradient: not in the loss
            MemorySegment gOut = d.gradOutputView() == null ? null : F64.of(arena, d.gradOutputView(), outE);
            MemorySegment gHN = d.gradHNView() == null ? null : F64.of(arena, d.gradHNView(), stE);
            MemorySegment gCN = d.gradCNView() == null ? null : F64.of(arena, d.gradCNView(), stE);
            MemorySegment out = F64.alloc(arena, outE), hN = F64.alloc(arena, stE);
            MemorySegment cN = hasC ? F64.alloc(arena, stE) : null;
            RnnParameters dw = F64.nanGrads(cfg, arena);

            SequenceArgs args = new SequenceArgs().shape(T, N).input(in.x).h0(in.h).c0(in.c).output(out).hN(hN).cN(cN)
                    .lengths(lengths == null ? null : lengths.clone());
            GradientArgs grads = new GradientArgs().gradOutput(gOut).gradHN(gHN).gradCN(gCN).gradInput(in.dx)
                    .gradH0(in.dh).gradC0(in.dc).weightGrads(dw).accumulate(false);
            try (Rnn rnn = Rnn.create(cfg, w, backend);
                 RnnWorkspace train = rnn.newWorkspace(Mode.TRAINING, T, N);
                 RnnWorkspace infer = rnn.newWorkspace(Mode.INFERENCE, T, N)) {
                // Analytic: overwrite into NaN-filled buffers, then a second pass that must accumulate.
                rnn.forward(args, train);
                rnn.backward(args, grads, train);
                Operand[] states = in.read("h0", "c0");
                List<ParamId> ids = cfg.parameterIds();
                List<Operand> params = Operand.params(w, dw, ids, cfg);
                rnn.forward(args, train); // fresh saved state: a backend may consume its workspace in backward
                rnn.backward(args, grads.accumulate(true), train);
                double[] twice = F64.concat(F64.readAll(dw, ids, cfg), 1);
                double[] doubled = F64.concat(Operand.analytic(params), 2);

                // Numeric.
                FiniteDifferences.Loss loss = () -> {
                    rnn.forward(args, infer);
                    return (gOut != null ? F64.dot(out, gOut, outE) : 0) + (gHN != null ? F64.dot(hN, gHN, stE) : 0)
                            + (gCN != null ? F64.dot(cN, gCN, stE) : 0);
                };
                rows.addAll(chk.compareAll(loss, params, rnn::weightsChanged, cfg, states));
                if (lengths != null) rows.add(pastLengths(states[0].analytic(), cfg, T, N, lengths));
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
}
