package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.ParamKind;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepWorkspace;

/**
 * Contract (l) of docs/contract.md. Every output must be disjoint from every input and from every other output of the same call (backends write
 * outputs while still reading inputs). Each case builds one buffer holding both tensors with a single shared
 * element, or the very same segment for both, and expects an IllegalArgumentException naming both, with every
 * buffer untouched. Touching-but-disjoint tensors and inputs that alias each other are accepted.
 */
public abstract class OverlapValidationSuite extends BackendSuite {

    protected OverlapValidationSuite(BackendUnderTest backend) {
        super(backend);
    }

    /** Output-vs-input and output-vs-output pairs of the sequence and step calls, with the call that sees them. */
    static final List<String[]> PAIRS = List.of(
            new String[] {"forward", "output", "input"},
            new String[] {"forward", "output", "h0"},
            new String[] {"forward", "output", "c0"},
            new String[] {"forward", "hN", "h0"},
            new String[] {"forward", "hN", "input"},
            new String[] {"forward", "cN", "c0"},
            new String[] {"forward", "cN", "h0"},
            new String[] {"forward", "output", "hN"},
            new String[] {"forward", "output", "cN"},
            new String[] {"forward", "hN", "cN"},
            new String[] {"backward", "gradInput", "gradOutput"},
            new String[] {"backward", "gradInput", "input"},
            new String[] {"backward", "gradInput", "gradHN"},
            new String[] {"backward", "gradH0", "gradHN"},
            new String[] {"backward", "gradH0", "h0"},
            new String[] {"backward", "gradC0", "gradCN"},
            new String[] {"backward", "gradC0", "c0"},
            new String[] {"backward", "gradH0", "gradOutput"},
            new String[] {"backward", "gradInput", "gradH0"},
            new String[] {"backward", "gradInput", "gradC0"},
            new String[] {"backward", "gradH0", "gradC0"},
            new String[] {"stepForward", "step.hNext", "step.hPrev"},
            new String[] {"stepForward", "step.hNext", "step.input"},
            new String[] {"stepForward", "step.cNext", "step.cPrev"},
            new String[] {"stepForward", "step.cNext", "step.hPrev"},
            new String[] {"stepForward", "step.hNext", "step.cNext"},
            new String[] {"stepBackward", "step.gradHPrev", "step.gradHNext"},
            new String[] {"stepBackward", "step.gradHPrev", "step.hPrev"},
            new String[] {"stepBackward", "step.gradInput", "step.input"},
            new String[] {"stepBackward", "step.gradCPrev", "step.gradCNext"},
            new String[] {"stepBackward", "step.gradHPrev", "step.gradCPrev"},
            new String[] {"stepBackward", "step.gradInput", "step.gradHPrev"});

    static void prepare(Harness h, String call) {
        TensorValidationSuite.prepare(h, call);
    }

    static Executable call(Harness h, String call) {
        return () -> TensorValidationSuite.run(h, call);
    }

    /** Puts {@code a} and {@code b} into one buffer, a first, sharing exactly one element (the last of a). */
    static void overlapByOne(Harness h, String a, String b) {
        MemorySegment[] s = h.overlapping(h.get(a).byteSize(), h.get(b).byteSize(), h.dt.bytes());
        h.moveTo(a, s[0]);
        h.moveTo(b, s[1]);
    }

    /** Gives {@code a} and {@code b} the very same segment, big enough for both. */
    static void sameSegment(Harness h, String a, String b) {
        MemorySegment buf = h.sentinelBytes(Math.max(h.get(a).byteSize(), h.get(b).byteSize()));
        h.put(a, buf);
        h.put(b, buf);
    }

    /** Puts {@code a} right after {@code b} in one buffer, touching but disjoint. */
    static void adjacent(Harness h, String a, String b) {
        MemorySegment[] s = h.overlapping(h.get(b).byteSize(), h.get(a).byteSize(), 0);
        h.moveTo(b, s[0]);
        h.moveTo(a, s[1]);
    }

    static void expectOverlap(Harness h, Executable call, String a, String b) {
        String x = Harness.argName(a), y = Harness.argName(b);
        var before = h.snapshot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        String m = e.getMessage();
        assertTrue(m.startsWith(x + ": expected memory disjoint from " + y)
                        || m.startsWith(y + ": expected memory disjoint from " + x),
                () -> "message should name both '" + x + "' and '" + y + "': " + m);
        assertTrue(m.contains(" but ") && m.contains("overlap"), () -> "message should say they overlap: " + m);
        h.assertUntouched(before);
    }

    @TestFactory
    Stream<DynamicNode> outputOverlappingAnInputOrAnotherOutput() {
        return Harness.containerPerSetup(Harness.setups(backend), "", (setup, tests) -> {
            for (String[] p : PAIRS) {
                String call = p[0], a = p[1], b = p[2];
                boolean lstm = setup.cfg().cell().hasCellState();
                if (!lstm && (Harness.CELL_STATE.contains(a) || Harness.CELL_STATE.contains(b))) continue;
                String label = call + ": " + Harness.argName(a) + " / " + Harness.argName(b);
                tests.add(setup.test(label + " (one element)", h -> {
                    prepare(h, call);
                    overlapByOne(h, a, b);
                    expectOverlap(h, call(h, call), a, b);
                }));
                tests.add(setup.test(label + " (one element, other order)", h -> {
                    prepare(h, call);
                    overlapByOne(h, b, a);
                    expectOverlap(h, call(h, call), a, b);
                }));
                tests.add(setup.test(label + " (same segment)", h -> {
                    prepare(h, call);
                    sameSegment(h, a, b);
                    expectOverlap(h, call(h, call), a, b);
                }));
            }
        });
    }

    @TestFactory
    Stream<DynamicTest> touchingButDisjointIsAccepted() {
        return Harness.testPerSetup(Harness.twoSetups(backend), h -> {
            for (String[] p : PAIRS) {
                if (h.has(p[1]) && h.has(p[2])) adjacent(h, p[1], p[2]);
            }
            h.assertEveryCallAccepted();
        });
    }

    /** Inputs are only read: they may share memory with each other. */
    @TestFactory
    Stream<DynamicTest> inputsMayAliasEachOther() {
        return Harness.testPerSetup(Harness.setups(backend), h -> {
            h.forward();
            if (h.lstm) {
                h.put("c0", h.get("h0"));
                h.put("gradCN", h.get("gradHN"));
                h.put("step.cPrev", h.get("step.hPrev"));
                h.put("step.gradCNext", h.get("step.gradHNext"));
            }
            // gradHN reads the same memory as h0
            h.put("gradHN", h.get("h0"));
            h.assertEveryCallAccepted();
        });
    }

    // ---------------------------------------------------------------- weights and weight gradients

    /** Replaces weight (or weight-gradient) {@code id} by a slice of a buffer that shares one element with tensor {@code key}. */
    static void paramOverlapsTensor(Harness h, RnnParameters p, ParamId id, String key) {
        MemorySegment[] s = h.overlapping(p.get(id).byteSize(), h.get(key).byteSize(), h.dt.bytes());
        Harness.moveTo(p, id, s[0]);
        h.moveTo(key, s[1]);
    }

    @TestFactory
    Stream<DynamicNode> outputOverlappingAWeight() {
        return Harness.containerPerSetup(Harness.setups(backend), "", (setup, tests) -> {
            for (String[] c : new String[][] {{"forward", "output"}, {"forward", "hN"}, {"backward", "gradInput"},
                    {"backward", "gradH0"}, {"stepForward", "step.hNext"},
                    {"stepBackward", "step.gradInput"}, {"stepBackward", "step.gradHPrev"}}) {
                for (ParamKind kind : new ParamKind[] {ParamKind.WEIGHT_IH, ParamKind.BIAS_HH}) {
                    tests.add(setup.test(c[0] + ": " + Harness.argName(c[1]) + " / weights." + kind, h -> {
                        ParamId pid = new ParamId(kind, h.stepLayer, h.stepDir == 1);
                        paramOverlapsTensor(h, h.weights, pid, c[1]);
                        h.rebind(); // the Rnn binds a frozen copy of the weights
                        prepare(h, c[0]);
                        expectOverlap(h, call(h, c[0]), c[1], "weights." + pid.name());
                    }));
                }
            }
        });
    }

    @TestFactory
    Stream<DynamicNode> weightGradientOverlapping() {
        return Harness.containerPerSetup(Harness.setups(backend), "", (setup, tests) -> {
            for (String call : List.of("backward", "stepBackward")) {
                String pre = call.equals("backward") ? "" : "step.";
                // the same layer and direction the step call writes
                tests.add(setup.test(call + ": weightGrads == weights (same RnnParameters)", h -> {
                    prepare(h, call);
                    var before = h.snapshot();
                    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> {
                        if (call.equals("backward")) h.rnn.backward(h.args(), h.grads().weightGrads(h.weights), h.ws);
                        else h.rnn.stepBackward(h.stepLayer, h.stepDir, h.stepArgs(),
                                h.stepGrads().weightGrads(h.weights), h.stepWs);
                    });
                    String m = e.getMessage();
                    assertTrue(m.startsWith("weightGrads.") && m.contains(": expected memory disjoint from weights.")
                            && m.contains(" but the two overlap"), m);
                    h.assertUntouched(before);
                }));
                tests.add(setup.test(call + ": one weight gradient overlapping its weight", h -> {
                    prepare(h, call);
                    ParamId pid = new ParamId(ParamKind.WEIGHT_HH, h.stepLayer, h.stepDir == 1);
                    h.weightGrads.set(pid, h.weights.get(pid));
                    expectOverlap(h, call(h, call), "weightGrads." + pid.name(), "weights." + pid.name());
                }));
                tests.add(setup.test(call + ": a weight gradient overlapping another weight", h -> {
                    ParamId g = new ParamId(ParamKind.BIAS_IH, h.stepLayer, h.stepDir == 1);
                    ParamId w = new ParamId(ParamKind.WEIGHT_HH, h.stepLayer, h.stepDir == 1);
                    // one buffer, so that the gradient overlaps that weight's last element and nothing else
                    MemorySegment[] s = h.overlapping(h.weights.get(w).byteSize(), h.weightGrads.get(g).byteSize(),
                            h.dt.bytes());
                    Harness.moveTo(h.weights, w, s[0]);
                    h.rebind(); // the Rnn binds a frozen copy of the weights
                    prepare(h, call);
                    h.weightGrads.set(g, s[1]);
                    expectOverlap(h, call(h, call), "weightGrads." + g.name(), "weights." + w.name());
                }));
                tests.add(setup.test(call + ": two weight gradients overlapping", h -> {
                    prepare(h, call);
                    ParamId a = new ParamId(ParamKind.BIAS_IH, h.stepLayer, h.stepDir == 1);
                    ParamId b = new ParamId(ParamKind.BIAS_HH, h.stepLayer, h.stepDir == 1);
                    h.weightGrads.set(b, h.weightGrads.get(a));
                    expectOverlap(h, call(h, call), "weightGrads." + a.name(), "weightGrads." + b.name());
                }));
                for (String key : List.of(pre + "gradInput", pre + (call.equals("backward") ? "gradOutput" : "gradHNext"),
                        pre + "input", pre + (call.equals("backward") ? "gradH0" : "gradHPrev"))) {
                    tests.add(setup.test(call + ": a weight gradient overlapping " + Harness.argName(key), h -> {
                        prepare(h, call);
                        ParamId pid = new ParamId(ParamKind.WEIGHT_IH, h.stepLayer, h.stepDir == 1);
                        paramOverlapsTensor(h, h.weightGrads, pid, key);
                        expectOverlap(h, call(h, call), "weightGrads." + pid.name(), key);
                    }));
                }
            }
        });
    }

    /** A step backward writes only its own layer's and direction's weight gradients: the others may overlap its outputs. */
    @Test
    void stepBackwardAcceptsOverlapWithGradientsItDoesNotWrite() {
        try (Harness h = Harness.setups(backend).get(1).open()) { // 2 layers, bidirectional: the step is layer 1, reverse
            h.stepForward();
            ParamId other = new ParamId(ParamKind.WEIGHT_IH, 0, false);
            paramOverlapsTensor(h, h.weightGrads, other, "step.gradInput");
            assertDoesNotThrow(h::stepBackward);
        }
    }

    @Test
    void stepBackwardLeavesTheGradientsOfOtherLayersUntouched() {
        try (Harness h = Harness.setups(backend).get(1).open()) {
            h.stepForward();
            List<byte[]> before = new ArrayList<>();
            List<ParamId> others = h.cfg.parameterIds().stream()
                    .filter(i -> i.layer() != h.stepLayer || i.direction() != h.stepDir).toList();
            for (ParamId i : others) before.add(h.weightGrads.get(i).toArray(ValueLayout.JAVA_BYTE));
            h.stepBackward();
            for (int k = 0; k < others.size(); k++) {
                assertArrayEquals(before.get(k), h.weightGrads.get(others.get(k)).toArray(ValueLayout.JAVA_BYTE),
                        others.get(k).name());
            }
        }
    }

    // ---------------------------------------------------------------- the workspace

    /** Runs {@code call} with a wrapped workspace that shares one element with tensor {@code key}. */
    static void workspaceOverlapping(Harness h, String call, String key) {
        long wsBytes = h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N);
        MemorySegment[] s = h.overlapping(wsBytes, h.get(key).byteSize(), h.dt.bytes());
        RnnWorkspace ws = h.rnn.wrapWorkspace(s[0], Mode.TRAINING, h.T, h.N);
        if (call.equals("backward")) h.forwardOn(ws); // key is a backward-only tensor
        h.moveTo(key, s[1]);
        expectOverlap(h, call.equals("forward") ? () -> h.forwardOn(ws)
                : () -> h.backwardOn(ws), key, "workspace");
    }

    @TestFactory
    Stream<DynamicNode> workspaceOverlappingATensor() {
        return Harness.containerPerSetup(Harness.setups(backend), "", (setup, tests) -> {
            for (String[] c : new String[][] {{"forward", "output"}, {"forward", "hN"}, {"forward", "input"},
                    {"forward", "h0"}, {"backward", "gradInput"}, {"backward", "gradH0"},
                    {"backward", "gradOutput"}, {"backward", "gradHN"}}) {
                tests.add(setup.test(c[0] + ": workspace / " + c[1], h -> workspaceOverlapping(h, c[0], c[1])));
            }
            tests.add(setup.test("forward: workspace / weights.weight_hh_l0", h -> {
                long wsBytes = h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N);
                ParamId pid = new ParamId(ParamKind.WEIGHT_HH, 0, false);
                MemorySegment[] s = h.overlapping(wsBytes, h.weights.get(pid).byteSize(), h.dt.bytes());
                Harness.moveTo(h.weights, pid, s[1]);
                h.rebind();
                RnnWorkspace ws = h.rnn.wrapWorkspace(s[0], Mode.TRAINING, h.T, h.N);
                expectOverlap(h, () -> h.forwardOn(ws), "weights." + pid.name(), "workspace");
            }));
            tests.add(setup.test("backward: workspace / weightGrads.bias_ih_l0", h -> {
                long wsBytes = h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N);
                ParamId pid = new ParamId(ParamKind.BIAS_IH, 0, false);
                MemorySegment buf = h.sentinelBytes(wsBytes);
                RnnWorkspace ws = h.rnn.wrapWorkspace(buf, Mode.TRAINING, h.T, h.N);
                h.forwardOn(ws);
                h.weightGrads.set(pid, buf.asSlice(wsBytes / 2, h.weightGrads.get(pid).byteSize()));
                expectOverlap(h, () -> h.backwardOn(ws), "weightGrads." + pid.name(), "workspace");
            }));
        });
    }

    // ---------------------------------------------------------------- the step workspace

    /**
     * Runs {@code call} with a wrapped TRAINING step workspace that shares one element with tensor {@code key}
     * (for stepBackward the workspace is filled by a valid stepForward first). The step workspace is written by
     * both step calls, so it must be disjoint from their inputs and outputs alike.
     */
    static void stepWorkspaceOverlapping(Harness h, String call, String key) {
        long wsBytes = h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N);
        MemorySegment[] s = h.overlapping(wsBytes, h.get(key).byteSize(), h.dt.bytes());
        StepWorkspace ws = h.rnn.wrapStepWorkspace(s[0], Mode.TRAINING, h.N);
        if (call.equals("stepBackward")) h.stepForwardOn(ws);
        h.moveTo(key, s[1]);
        expectOverlap(h, call.equals("stepForward") ? () -> h.stepForwardOn(ws)
                : () -> h.stepBackwardOn(ws), key, "workspace");
    }

    @TestFactory
    Stream<DynamicNode> stepWorkspaceOverlappingATensor() {
        return Harness.containerPerSetup(Harness.setups(backend), "", (setup, tests) -> {
            for (String[] c : new String[][] {{"stepForward", "step.hNext"}, {"stepForward", "step.cNext"},
                    {"stepForward", "step.input"}, {"stepForward", "step.hPrev"}, {"stepForward", "step.cPrev"},
                    {"stepBackward", "step.gradInput"}, {"stepBackward", "step.gradHPrev"},
                    {"stepBackward", "step.gradCPrev"}, {"stepBackward", "step.gradHNext"},
                    {"stepBackward", "step.input"}}) {
                if (!setup.cfg().cell().hasCellState() && Harness.CELL_STATE.contains(c[1])) continue;
                tests.add(setup.test(c[0] + ": step workspace / " + Harness.argName(c[1]),
                        h -> stepWorkspaceOverlapping(h, c[0], c[1])));
            }
            tests.add(setup.test("stepForward: step workspace / weights of the stepped layer", h -> {
                long wsBytes = h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N);
                ParamId pid = new ParamId(ParamKind.WEIGHT_HH, h.stepLayer, h.stepDir == 1);
                MemorySegment[] s = h.overlapping(wsBytes, h.weights.get(pid).byteSize(), h.dt.bytes());
                Harness.moveTo(h.weights, pid, s[1]);
                h.rebind();
                StepWorkspace ws = h.rnn.wrapStepWorkspace(s[0], Mode.TRAINING, h.N);
                expectOverlap(h, () -> h.stepForwardOn(ws), "weights." + pid.name(), "workspace");
            }));
            tests.add(setup.test("stepBackward: step workspace / weightGrads of the stepped layer", h -> {
                long wsBytes = h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N);
                ParamId pid = new ParamId(ParamKind.BIAS_IH, h.stepLayer, h.stepDir == 1);
                long gBytes = h.weightGrads.get(pid).byteSize();
                MemorySegment[] s = h.overlapping(wsBytes, gBytes, gBytes); // the gradient is the workspace's tail
                StepWorkspace ws = h.rnn.wrapStepWorkspace(s[0], Mode.TRAINING, h.N);
                h.stepForwardOn(ws);
                h.weightGrads.set(pid, s[1]);
                expectOverlap(h, () -> h.stepBackwardOn(ws), "weightGrads." + pid.name(), "workspace");
            }));
        });
    }

    /**
     * Only the bytes the workspace's plan uses count: caller memory wrapped as a workspace may be larger than
     * {@code workspaceBytes}, and its unused tail may hold a tensor of the call (sequence and step workspaces).
     */
    @TestFactory
    Stream<DynamicTest> unusedWorkspaceTailMayOverlap() {
        List<DynamicTest> out = new ArrayList<>();
        for (Harness.Setup setup : Harness.twoSetups(backend)) {
            out.add(setup.test(setup + ": sequence workspace", h -> {
                long used = h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N);
                long outBytes = (long) h.T * h.N * h.cfg.outputSize() * h.dt.bytes();
                MemorySegment buf = h.sentinelBytes(used + outBytes);
                RnnWorkspace ws = h.rnn.wrapWorkspace(buf, Mode.TRAINING, h.T, h.N);
                var a = h.args().output(buf.asSlice(used, outBytes));
                assertDoesNotThrow(() -> h.rnn.forward(a, ws));
                // one element further into the used part is rejected
                var b = h.args().output(buf.asSlice(used - h.dt.bytes(), outBytes));
                expectOverlap(h, () -> h.rnn.forward(b, ws), "output", "workspace");
            }));
            out.add(setup.test(setup + ": step workspace", h -> {
                long used = h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N);
                long hBytes = (long) h.N * h.cfg.hiddenSize() * h.dt.bytes();
                MemorySegment buf = h.sentinelBytes(used + hBytes);
                StepWorkspace ws = h.rnn.wrapStepWorkspace(buf, Mode.TRAINING, h.N);
                long in = (long) h.N * h.cfg.layerInputSize(h.stepLayer);
                var a = new StepArgs().batch(h.N).input(h.get("step.input").asSlice(0, in * h.dt.bytes()))
                        .hNext(buf.asSlice(used, hBytes));
                assertDoesNotThrow(() -> h.rnn.stepForward(h.stepLayer, h.stepDir, a, ws));
                var b = new StepArgs().batch(h.N).input(h.get("step.input").asSlice(0, in * h.dt.bytes()))
                        .hNext(buf.asSlice(used - h.dt.bytes(), hBytes));
                expectOverlap(h, () -> h.rnn.stepForward(h.stepLayer, h.stepDir, b, ws), "hNext", "workspace");
            }));
        }
        return out.stream();
    }

    /** Step calls read and write only the stepped layer's and direction's weights: others may overlap their outputs. */
    @Test
    void stepCallsIgnoreOverlapWithWeightsOfOtherLayers() {
        try (Harness h = Harness.setups(backend).get(1).open()) { // 2 layers, bidirectional: the step is layer 1, reverse
            ParamId other = new ParamId(ParamKind.WEIGHT_IH, 0, false);
            MemorySegment w = h.weights.get(other);
            // hNext lies inside a weight of layer 0, forward direction (never read by this step)
            long hBytes = h.get("step.hNext").byteSize();
            assertTrue(w.byteSize() >= hBytes);
            MemorySegment mem = h.sentinelBytes(w.byteSize());
            mem.copyFrom(w);
            h.weights.set(other, mem);
            h.rebind();
            h.put("step.hNext", mem.asSlice(0, hBytes));
            assertDoesNotThrow(h::stepForward);
            assertDoesNotThrow(h::stepBackward);
            // ... whereas the same overlap with the stepped layer's own weight is rejected
            ParamId own = new ParamId(ParamKind.WEIGHT_IH, h.stepLayer, h.stepDir == 1);
            MemorySegment mine = h.sentinelBytes(h.weights.get(own).byteSize());
            mine.copyFrom(h.weights.get(own));
            h.weights.set(own, mine);
            h.rebind();
            h.put("step.hNext", mine.asSlice(0, hBytes));
            expectOverlap(h, h::stepForward, "step.hNext", "weights." + own.name());
        }
    }

    // ---------------------------------------------------------------- read-only heap views

    /*
     * A read-only view of a heap array does not reveal its array (heapBase() is empty), so the overlap check
     * cannot compare array identity for it: an output aliasing a read-only input view must still be caught, and
     * read-only views of distinct arrays must not be reported as overlapping.
     */
    private static final int RO_T = 2, RO_N = 1, RO_I = 3, RO_H = 3;

    private Rnn readOnlyViewRnn() {
        RnnConfig cfg = RnnConfig.builder(Cell.rnn(Activation.TANH), RO_I, RO_H).dtype(DType.F32).build();
        RnnParameters p = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) p.set(id, MemorySegment.ofArray(new float[(int) cfg.parameterSize(id)]));
        return backend.create(cfg, p);
    }

    @Test
    void outputAliasingAReadOnlyInputViewIsRejected() {
        float[] shared = new float[RO_T * RO_N * RO_I];
        Arrays.fill(shared, 7f);
        try (Rnn rnn = readOnlyViewRnn(); RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, RO_T, RO_N)) {
            SequenceArgs a = new SequenceArgs().shape(RO_T, RO_N).input(MemorySegment.ofArray(shared).asReadOnly())
                    .output(MemorySegment.ofArray(shared));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> rnn.forward(a, ws));
            assertEquals("output: expected memory disjoint from input but the two overlap", e.getMessage());
            for (float v : shared) assertEquals(7f, v);
        }
    }

    @Test
    void readOnlyViewsOfDistinctArraysDoNotOverlap() {
        float[] in = new float[RO_T * RO_N * RO_I], h0 = new float[RO_N * RO_H], out = new float[RO_T * RO_N * RO_H];
        try (Rnn rnn = readOnlyViewRnn(); RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, RO_T, RO_N)) {
            Arrays.fill(out, Float.NaN);
            rnn.forward(new SequenceArgs().shape(RO_T, RO_N).input(MemorySegment.ofArray(in).asReadOnly())
                    .h0(MemorySegment.ofArray(h0).asReadOnly()).output(out), ws);
            for (float v : out) assertTrue(v == 0f, "zero weights and inputs give 0, got " + v);
        }
    }
}
