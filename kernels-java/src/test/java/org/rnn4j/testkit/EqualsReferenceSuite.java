package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
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
 * Contract (q) of docs/contract.md: the backend under test gives the reference backend's numbers, within its
 * tolerance by the conformance metric ({@code max|got − want| / max(1, max|want|)} ≤ 1e-10 in float64, its
 * float32 tolerance in float32 against the reference's float64 results on the same float-rounded data), on
 * random configurations and on edge shapes, for a training forward with its backward, an inference forward,
 * and single steps (training and inference step workspaces). Skipped for the reference itself.
 */
public abstract class EqualsReferenceSuite extends BackendSuite {

    protected EqualsReferenceSuite(BackendUnderTest backend) {
        super(backend);
    }

    @BeforeEach
    void notTheOracle() {
        assumeFalse(backend.oracle(), "the reference is the oracle: it is not compared with itself");
    }

    private Stream<DynamicTest> compare(List<Kit.Case> cases) {
        List<DynamicTest> tests = new ArrayList<>();
        for (Kit.Case c : cases) {
            for (DType dt : DType.values()) {
                tests.add(dynamicTest(c.name() + " " + dt, () -> {
                    Kit.Net net = Kit.Net.random(c.cfg(), c.seed());
                    Kit.Problem p = Kit.Problem.random(c.cfg(), c.T(), c.N(), c.lengths(), c.seed() + 1000);
                    Kit.assertMatchesReference(c.name(), backend, net, p, dt, c.cfg().layout());
                }));
            }
        }
        return tests.stream();
    }

    @TestFactory
    Stream<DynamicTest> randomConfigurations() {
        return compare(Kit.randomCases(4242, 24, 6, 5, 9, 3, 700));
    }

    @TestFactory
    Stream<DynamicTest> edgeShapes() {
        return compare(Kit.edgeCases());
    }

    /**
     * A step forward and backward of layer 1, reverse direction, of a 2-layer bidirectional network (input D·H
     * wide), with all states and gradients given, in a TRAINING step workspace; then an INFERENCE step.
     */
    @TestFactory
    Stream<DynamicTest> singleSteps() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 900;
        for (Cell cell : Cell.all()) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(dynamicTest(cell.id() + " " + dt, () -> {
                    Kit.Net net = Kit.Net.random(Kit.config(cell, 5, 7, 2, true, DType.F64, Layout.TIME_MAJOR), sd);
                    if (dt == DType.F32) net = net.roundedToFloat();
                    List<double[]> want, got;
                    try (Rnn r = net.as(DType.F64, Layout.TIME_MAJOR).rnn(BackendUnderTest.REFERENCE)) {
                        want = step(net.as(DType.F64, Layout.TIME_MAJOR), r, sd, dt);
                    }
                    try (Rnn r = net.as(dt, Layout.TIME_MAJOR).rnn(backend)) {
                        got = step(net.as(dt, Layout.TIME_MAJOR), r, sd, dt);
                    }
                    for (int i = 0; i < want.size(); i++) {
                        Kit.assertWithin(cell.id() + " " + dt + " step result #" + i, want.get(i), got.get(i),
                                backend.tolerance(dt));
                    }
                }));
            }
        }
        return tests.stream();
    }

    /**
     * hNext, cNext, gradInput, gradHPrev, gradCPrev and every weight gradient of one training step of layer 1,
     * reverse direction, on 3 samples, then hNext of an inference step; data drawn from {@code seed} and rounded
     * to float when {@code data} is F32 (so the reference and a float32 backend see the same values).
     */
    static List<double[]> step(Kit.Net net, Rnn rnn, long seed, DType data) {
        RnnConfig c = net.cfg;
        DType dt = c.dtype();
        int N = 3, layer = 1, dir = 1;
        int in = N * c.layerInputSize(layer), nh = N * c.hiddenSize();
        boolean lstm = c.cell().hasCellState();
        Random r = new Random(seed);
        double[] x = Kit.random(r, in, 1), h = Kit.random(r, nh, 0.5), cs = Kit.random(r, nh, 0.5);
        double[] gh = Kit.random(r, nh, 1), gc = Kit.random(r, nh, 1);
        if (data == DType.F32) {
            x = Kit.roundToFloat(x);
            h = Kit.roundToFloat(h);
            cs = Kit.roundToFloat(cs);
            gh = Kit.roundToFloat(gh);
            gc = Kit.roundToFloat(gc);
        }
        MemorySegment hNext = Kit.filled(nh, dt, Double.NaN), cNext = lstm ? Kit.filled(nh, dt, Double.NaN) : null;
        MemorySegment gi = Kit.filled(in, dt, Double.NaN), ghp = Kit.filled(nh, dt, Double.NaN);
        MemorySegment gcp = lstm ? Kit.filled(nh, dt, Double.NaN) : null;
        RnnParameters dw = net.gradBuffers(0.0);
        StepArgs s = new StepArgs().batch(N).input(Kit.seg(x, dt)).hPrev(Kit.seg(h, dt))
                .cPrev(lstm ? Kit.seg(cs, dt) : null).hNext(hNext).cNext(cNext);
        List<double[]> out = new ArrayList<>();
        try (StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N)) {
            rnn.stepForward(layer, dir, s, ws);
            rnn.stepBackward(layer, dir, s, new StepGradients().gradHNext(Kit.seg(gh, dt))
                    .gradCNext(lstm ? Kit.seg(gc, dt) : null).gradInput(gi).gradHPrev(ghp).gradCPrev(gcp)
                    .weightGrads(dw), ws);
        }
        out.add(Kit.read(hNext, dt));
        out.add(lstm ? Kit.read(cNext, dt) : new double[0]);
        out.add(Kit.read(gi, dt));
        out.add(Kit.read(ghp, dt));
        out.add(lstm ? Kit.read(gcp, dt) : new double[0]);
        out.addAll(List.of(net.read(dw)));
        MemorySegment hInference = Kit.filled(nh, dt, Double.NaN);
        try (StepWorkspace ws = rnn.newStepWorkspace(Mode.INFERENCE, N)) {
            rnn.stepForward(layer, dir, new StepArgs().batch(N).input(Kit.seg(x, dt)).hPrev(Kit.seg(h, dt))
                    .cPrev(lstm ? Kit.seg(cs, dt) : null).hNext(hInference), ws);
        }
        out.add(Kit.read(hInference, dt));
        return out;
    }
}
