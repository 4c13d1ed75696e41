package org.rnn4j.gradcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
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

    static List<TensorCheck> run(GradientChecker chk, RnnBackend backend, GradcheckCase c, int layer, int dir) {
        RnnConfig cfg = c.config();
        if (layer < 0 || layer >= cfg.layers()) {
            throw new IllegalArgumentException("layer: expected a value in 0.." + (cfg.layers() - 1) + " but was " + layer);
        }
        if (dir < 0 || dir >= cfg.directions()) {
            throw new IllegalArgumentException("direction: expected a value in 0.." + (cfg.directions() - 1)
                    + " but was " + dir);
        }
        int N = c.batch();
        boolean hasC = cfg.cell().hasCellState();
        long inE = (long) N * cfg.layerInputSize(layer), stE = (long) N * cfg.hiddenSize();
        SplittableRandom rng = new SplittableRandom(c.seed());
        List<TensorCheck> rows = new ArrayList<>();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = F64.randomWeights(cfg, arena, rng);
            MemorySegment x = F64.uniform(arena, inE, rng, 1);
            MemorySegment hPrev = F64.uniform(arena, stE, rng, 1);
            MemorySegment cPrev = hasC ? F64.uniform(arena, stE, rng, 1) : null;
            MemorySegment gHN = F64.uniform(arena, stE, rng, 1);
            MemorySegment gCN = hasC ? F64.uniform(arena, stE, rng, 1) : null;
            MemorySegment hNext = F64.alloc(arena, stE), cNext = hasC ? F64.alloc(arena, stE) : null;
            MemorySegment dx = F64.alloc(arena, inE), dh = F64.alloc(arena, stE);
            MemorySegment dcp = hasC ? F64.alloc(arena, stE) : null;
            F64.fill(dx, inE, Double.NaN);
            F64.fill(dh, stE, Double.NaN);
            if (hasC) F64.fill(dcp, stE, Double.NaN);
            RnnParameters dw = F64.nanGrads(cfg, arena); // other layers must keep these NaNs bit for bit

            StepArgs step = new StepArgs().batch(N).input(x).hPrev(hPrev).cPrev(cPrev).hNext(hNext).cNext(cNext);
            StepGradients grads = new StepGradients().gradHNext(gHN).gradCNext(gCN).gradInput(dx).gradHPrev(dh)
                    .gradCPrev(dcp).weightGrads(dw).accumulate(false);
            try (Rnn rnn = Rnn.create(cfg, w, backend);
                 StepWorkspace train = rnn.newStepWorkspace(Mode.TRAINING, N);
                 StepWorkspace infer = rnn.newStepWorkspace(Mode.INFERENCE, N)) {
                List<ParamId> mine = new ArrayList<>(), others = new ArrayList<>();
                for (ParamId id : cfg.parameterIds()) {
                    (id.layer() == layer && id.direction() == dir ? mine : others).add(id);
                }
                // Analytic: overwrite, then a second step pair that must accumulate.
                rnn.stepForward(layer, dir, step, train);
                rnn.stepBackward(layer, dir, step, grads, train);
                double[] ax = F64.read(dx, inE), ahp = F64.read(dh, stE);
                double[] acp = hasC ? F64.read(dcp, stE) : null;
                List<double[]> aw = new ArrayList<>();
                for (ParamId id : mine) aw.add(F64.read(dw.get(id), cfg.parameterSize(id)));
                rnn.stepForward(layer, dir, step, train);
                rnn.stepBackward(layer, dir, step, grads.accumulate(true), train);
                List<double[]> twice = new ArrayList<>(), untouched = new ArrayList<>();
                for (ParamId id : mine) twice.add(F64.read(dw.get(id), cfg.parameterSize(id)));
                for (ParamId id : others) untouched.add(F64.read(dw.get(id), cfg.parameterSize(id)));
                // The numeric forwards are inference steps.

                FiniteDifferences.Loss loss = () -> {
                    rnn.stepForward(layer, dir, step, infer);
                    return F64.dot(hNext, gHN, stE) + (hasC ? F64.dot(cNext, gCN, stE) : 0);
                };
                double l0 = loss.eval();
                rows.add(chk.compare("input", ax, x, inE, loss, null, l0, cfg));
                rows.add(chk.compare("hPrev", ahp, hPrev, stE, loss, null, l0, cfg));
                if (hasC) rows.add(chk.compare("cPrev", acp, cPrev, stE, loss, null, l0, cfg));
                for (int k = 0; k < mine.size(); k++) {
                    ParamId id = mine.get(k);
                    rows.add(chk.compare(id.name(), aw.get(k), w.get(id), cfg.parameterSize(id), loss,
                            rnn::weightsChanged, l0, cfg));
                }
                rows.add(chk.close("weightGrads(accumulate)", SequenceCheck.concatScaled(twice, 1),
                        SequenceCheck.concatScaled(aw, 2)));
                if (!others.isEmpty()) {
                    double[] got = SequenceCheck.concatScaled(untouched, 1);
                    double[] nan = new double[got.length];
                    java.util.Arrays.fill(nan, Double.NaN);
                    rows.add(Comparisons.exact("weightGrads(other layers untouched)", got, nan));
                }
            }
        }
        return rows;
    }
}
