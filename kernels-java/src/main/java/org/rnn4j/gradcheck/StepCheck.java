package org.rnn4j.gradcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;
import org.rnn4j.Mode;
import org.rnn4j.spi.RnnBackend;

/**
 * {@link GradientChecker#checkStep} on the single-step API: stepForward (training step workspace) + stepBackward of one
 * layer and direction against central differences of L = Σ hNext·gradHNext [+ Σ cNext·gradCNext].
 */
final class StepCheck {
    private StepCheck() {}

    static List<TensorCheck> run(GradientChecker chk, RnnBackend backend, GradcheckStepData d) {
        RnnConfig cfg = d.config();
        int layer = d.layer(), dir = d.direction(), N = d.batch();
        boolean hasC = cfg.cell().hasCellState();
        long stE = (long) N * cfg.hiddenSize();
        List<TensorCheck> rows = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = F64.weights(cfg, arena, d.weightsView());
            InputAndStates in = new InputAndStates(arena, d.inputView(), d.hPrevView(), d.cPrevView(), stE, hasC);
            MemorySegment gHN = d.gradHNextView() == null ? null : F64.of(arena, d.gradHNextView(), stE);
            MemorySegment gCN = d.gradCNextView() == null ? null : F64.of(arena, d.gradCNextView(), stE);
            MemorySegment hNext = F64.alloc(arena, stE), cNext = hasC ? F64.alloc(arena, stE) : null;
            RnnParameters dw = F64.nanGrads(cfg, arena); // other layers must keep these NaNs bit for bit

            StepArgs step = new StepArgs().batch(N).input(in.x).hPrev(in.h).cPrev(in.c).hNext(hNext).cNext(cNext);
            StepGradients grads = new StepGradients().gradHNext(gHN).gradCNext(gCN).gradInput(in.dx).gradHPrev(in.dh)
                    .gradCPrev(in.dc).weightGrads(dw).accumulate(false);
            try (Rnn rnn = Rnn.create(cfg, w, backend);
                 StepWorkspace train = rnn.newStepWorkspace(Mode.TRAINING, N);
                 StepWorkspace infer = rnn.newStepWorkspace(Mode.INFERENCE, N)) {
                List<ParamId> mine = d.steppedIds(), others = new ArrayList<>(cfg.parameterIds());
                others.removeAll(mine);
                // Analytic: overwrite, then a second step pair that must accumulate.
                rnn.stepForward(layer, dir, step, train);
                rnn.stepBackward(layer, dir, step, grads, train);
                Operand[] states = in.read("hPrev", "cPrev");
                List<Operand> params = Operand.params(w, dw, mine, cfg);
                rnn.stepForward(layer, dir, step, train);
                rnn.stepBackward(layer, dir, step, grads.accumulate(true), train);
                double[] twice = F64.concat(F64.readAll(dw, mine, cfg), 1);
                double[] untouched = F64.concat(F64.readAll(dw, others, cfg), 1);

                // Numeric: the forwards are inference steps.
                FiniteDifferences.Loss loss = () -> {
                    rnn.stepForward(layer, dir, step, infer);
                    return (gHN != null ? F64.dot(hNext, gHN, stE) : 0) + (gCN != null ? F64.dot(cNext, gCN, stE) : 0);
                };
                rows.addAll(chk.compareAll(loss, params, rnn::weightsChanged, cfg, states));
                rows.add(chk.close("weightGrads(accumulate)", twice, F64.concat(Operand.analytic(params), 2)));
                if (!others.isEmpty()) {
                    double[] nan = new double[untouched.length];
                    java.util.Arrays.fill(nan, Double.NaN);
                    rows.add(Comparisons.exact("weightGrads(other layers untouched)", untouched, nan));
                }
            }
        }
        return rows;
    }
}
