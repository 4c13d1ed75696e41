package org.rnn4j.testkit;

import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * Contract (b) of docs/contract.md, the step API. A framework that drives time itself: stepForward over t, then stepBackward over t in reverse with the
 * weight gradients accumulated (starting from zeroed buffers), gives the same output, h_n, c_n and every
 * gradient as the sequence call. Every cell, one layer, unidirectional (and, as a bonus, both directions of a
 * bidirectional layer, the reverse one stepping from T-1 down to 0), with and without initial states, on the
 * edge shapes.
 */
public abstract class StepLoopSuite extends BackendSuite {

    protected StepLoopSuite(BackendUnderTest backend) {
        super(backend);
    }

    private static double[] slice(double[] a, long from, long len) {
        return a == null ? null : Arrays.copyOfRange(a, (int) from, (int) (from + len));
    }

    /** Runs one layer (uni- or bidirectional) with single steps; returns what the sequence call would. */
    Kit.Result stepLoop(Kit.Net net, Kit.Problem p) {
        RnnConfig c = net.cfg;
        if (c.layers() != 1) throw new IllegalArgumentException("one layer only");
        DType dt = c.dtype();
        int T = p.T, N = p.N, I = c.inputSize(), H = c.hiddenSize(), D = c.directions();
        boolean lstm = c.cell().hasCellState();
        int nh = N * H;
        Kit.Result r = new Kit.Result();
        r.y = new double[T * N * D * H];
        r.hN = new double[D * nh];
        r.cN = lstm ? new double[D * nh] : null;
        r.dx = new double[T * N * I];
        r.dh0 = new double[D * nh];
        r.dc0 = lstm ? new double[D * nh] : null;
        try (Rnn rnn = net.rnn(backend)) {
            RnnParameters dw = net.gradBuffers(0.0);
            // the framework's way: slices of one buffer, one step workspace per step it will differentiate
            long stepBytes = rnn.stepWorkspaceBytes(Mode.TRAINING, N);
            MemorySegment stepMemory = MemorySegment.ofArray(new long[(int) Math.max(1, (T * stepBytes + 7) / 8)]);
            for (int d = 0; d < D; d++) {
                double[] h = p.h0 == null ? new double[nh] : slice(p.h0, (long) d * nh, nh);
                double[] cs = !lstm ? null : p.c0 == null ? new double[nh] : slice(p.c0, (long) d * nh, nh);
                StepArgs[] steps = new StepArgs[T];
                // one training step workspace per step: each holds what its step's backward needs
                StepWorkspace[] saved = new StepWorkspace[T];
                for (int s = 0; s < T; s++) {
                    int t = d == 0 ? s : T - 1 - s;
                    MemorySegment hNext = Kit.filled(nh, dt, Double.NaN);
                    MemorySegment cNext = lstm ? Kit.filled(nh, dt, Double.NaN) : null;
                    // h0 absent at the first step: pass null (zero), as a framework would
                    boolean first = s == 0;
                    StepArgs a = new StepArgs().batch(N)
                            .input(Kit.seg(slice(p.x, (long) t * N * I, (long) N * I), dt))
                            .hPrev(first && p.h0 == null ? null : Kit.seg(h, dt))
                            .cPrev(lstm && !(first && p.c0 == null) ? Kit.seg(cs, dt) : null)
                            .hNext(hNext).cNext(cNext);
                    saved[t] = rnn.wrapStepWorkspace(stepMemory.asSlice((long) t * stepBytes, stepBytes),
                            Mode.TRAINING, N);
                    rnn.stepForward(0, d, a, saved[t]);
                    steps[t] = a;
                    h = Kit.read(hNext, dt);
                    if (lstm) cs = Kit.read(cNext, dt);
                    for (int n = 0; n < N; n++) System.arraycopy(h, n * H, r.y, ((t * N + n) * D + d) * H, H);
                }
                System.arraycopy(h, 0, r.hN, d * nh, nh);
                if (lstm) System.arraycopy(cs, 0, r.cN, d * nh, nh);

                double[] dh = p.dhN == null ? new double[nh] : slice(p.dhN, (long) d * nh, nh);
                double[] dc = !lstm ? null : p.dcN == null ? new double[nh] : slice(p.dcN, (long) d * nh, nh);
                for (int s = T - 1; s >= 0; s--) {
                    int t = d == 0 ? s : T - 1 - s;
                    double[] gh = dh.clone();
                    for (int n = 0; n < N; n++) {
                        for (int j = 0; j < H; j++) gh[n * H + j] += p.dy[((t * N + n) * D + d) * H + j];
                    }
                    MemorySegment gi = Kit.filled((long) N * I, dt, Double.NaN);
                    MemorySegment ghp = Kit.filled(nh, dt, Double.NaN);
                    MemorySegment gcp = lstm ? Kit.filled(nh, dt, Double.NaN) : null;
                    StepGradients g = new StepGradients().gradHNext(Kit.seg(gh, dt))
                            .gradCNext(lstm ? Kit.seg(dc, dt) : null)
                            .gradInput(gi).gradHPrev(ghp).gradCPrev(gcp).weightGrads(dw).accumulate(true);
                    rnn.stepBackward(0, d, steps[t], g, saved[t]);
                    double[] dxt = Kit.read(gi, dt);
                    for (int k = 0; k < N * I; k++) r.dx[t * N * I + k] += dxt[k];
                    dh = Kit.read(ghp, dt);
                    if (lstm) dc = Kit.read(gcp, dt);
                }
                System.arraycopy(dh, 0, r.dh0, d * nh, nh);
                if (lstm) System.arraycopy(dc, 0, r.dc0, d * nh, nh);
            }
            r.dw = net.read(dw);
        }
        return r;
    }

    @TestFactory
    Stream<DynamicTest> stepLoopEqualsSequenceCall() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 77;
        for (Cell cell : Cell.all()) {
            for (int[] s : Kit.SHAPES) {
                for (boolean bidir : new boolean[] {false, true}) {
                    if (bidir && s[3] > 1 && s[0] > 1 && s[2] > 20) continue; // keep the sweep short
                    for (DType dt : DType.values()) {
                        for (boolean states : new boolean[] {true, false}) {
                            long sd = seed++;
                            String name = cell.id() + (bidir ? " bidirectional " : " ") + Kit.shape(s) + " " + dt
                                    + (states ? "" : " without h0/c0/gradHN/gradCN");
                            tests.add(dynamicTest(name, () -> {
                                RnnConfig cfg = Kit.config(cell, s[2], s[3], 1, bidir, dt, Layout.TIME_MAJOR);
                                Kit.Net net = Kit.Net.random(cfg, sd);
                                Kit.Problem p = Kit.Problem.random(cfg, s[0], s[1], null, sd + 1);
                                if (!states) {
                                    p.h0 = null;
                                    p.c0 = null;
                                    p.dhN = null;
                                    p.dcN = null;
                                }
                                Kit.Result seq;
                                try (Rnn rnn = net.rnn(backend)) {
                                    seq = Kit.run(rnn, p);
                                }
                                Kit.Result loop = stepLoop(net, p);
                                // float64: the same arithmetic up to the order the weight gradients are summed;
                                // float32: the loop rounds h and c to float32 between steps, the sequence does not
                                if (dt == DType.F64) Kit.assertClose("step loop", seq, loop, 1e-12, 1e-13);
                                else Kit.assertClose("step loop", seq, loop, 2e-4, 2e-5);
                            }));
                        }
                    }
                }
            }
        }
        return tests.stream();
    }
}
