package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.function.ThrowingConsumer;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.GruVariant;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;

/**
 * A small network on the backend under test with every tensor of every call allocated off-heap at its exact
 * size: inputs random, outputs filled with a sentinel. Every buffer the harness (or a test through it) creates
 * is tracked, so {@link #expectIae} can check that a rejected call wrote nothing anywhere.
 *
 * <p>Tensor keys: the sequence tensors by their argument names ({@code input}, {@code output}, {@code h0}, ...,
 * {@code gradOutput}, ...) and the single-step tensors with a {@code step.} prefix ({@code step.input},
 * {@code step.hPrev}, ...). The step tensors belong to the last layer and last direction, so that for a stacked
 * bidirectional network the step input is D·H wide. The sequence workspace ({@link #ws}) and the step workspace
 * ({@link #stepWs}) wrap tracked sentinel-filled memory, so a rejected call that wrote into them is caught too.
 */
public final class Harness implements AutoCloseable {
    static final double SENTINEL = 12345.0;

    /** Sequence tensors the forward reads / writes, and those the backward reads / writes. */
    static final List<String> SEQ_INPUTS = List.of("input", "h0", "c0");
    static final List<String> SEQ_OUTPUTS = List.of("output", "hN", "cN");
    static final List<String> GRAD_INPUTS = List.of("gradOutput", "gradHN", "gradCN");
    static final List<String> GRAD_OUTPUTS = List.of("gradInput", "gradH0", "gradC0");
    static final List<String> STEP_INPUTS = List.of("step.input", "step.hPrev", "step.cPrev");
    static final List<String> STEP_OUTPUTS = List.of("step.hNext", "step.cNext");
    static final List<String> STEP_GRAD_INPUTS = List.of("step.gradHNext", "step.gradCNext");
    static final List<String> STEP_GRAD_OUTPUTS = List.of("step.gradInput", "step.gradHPrev", "step.gradCPrev");
    /** Keys that only exist for cells with a memory cell (LSTM). */
    static final List<String> CELL_STATE = List.of("c0", "cN", "gradCN", "gradC0", "step.cPrev", "step.cNext",
            "step.gradCNext", "step.gradCPrev");

    final Arena arena = Arena.ofShared();
    final BackendUnderTest backend;
    final RnnConfig cfg;
    final DType dt;
    final int T;
    final int N;
    final boolean lstm;
    final RnnParameters weights;
    final RnnParameters weightGrads;
    Rnn rnn;
    final MemorySegment wsMemory;
    RnnWorkspace ws;
    final MemorySegment stepWsMemory;
    StepWorkspace stepWs;
    final int stepLayer;
    final int stepDir;
    int[] lengths;

    private final Map<String, MemorySegment> tensors = new LinkedHashMap<>();
    private final Map<String, Long> sizes = new LinkedHashMap<>();
    private final Map<String, MemorySegment> tracked = new LinkedHashMap<>();
    private final Random rnd;

    Harness(BackendUnderTest backend, RnnConfig cfg, int T, int N) {
        this.backend = backend;
        this.cfg = cfg;
        this.dt = cfg.dtype();
        this.T = T;
        this.N = N;
        this.lstm = cfg.cell().hasCellState();
        this.rnd = new Random(31L * T + N + cfg.hashCode());
        weights = RnnParameters.allocate(cfg, arena);
        weightGrads = RnnParameters.allocate(cfg, arena);
        for (ParamId id : cfg.parameterIds()) {
            fillRandom(weights.get(id));
            fillSentinel(weightGrads.get(id));
            tracked.put("weights." + id.name(), weights.get(id));
            tracked.put("weightGrads." + id.name(), weightGrads.get(id));
        }
        rnn = backend.create(cfg, weights);

        long in = (long) T * N * cfg.inputSize();
        long out = (long) T * N * cfg.outputSize();
        long st = (long) cfg.stateRows() * N * cfg.hiddenSize();
        add("input", in, false);
        add("h0", st, false);
        add("c0", st, false);
        add("output", out, true);
        add("hN", st, true);
        add("cN", st, true);
        add("gradOutput", out, false);
        add("gradHN", st, false);
        add("gradCN", st, false);
        add("gradInput", in, true);
        add("gradH0", st, true);
        add("gradC0", st, true);

        stepLayer = cfg.layers() - 1;
        stepDir = cfg.directions() - 1;
        long stepIn = (long) N * cfg.layerInputSize(stepLayer);
        long stepSt = (long) N * cfg.hiddenSize();
        add("step.input", stepIn, false);
        add("step.hPrev", stepSt, false);
        add("step.cPrev", stepSt, false);
        add("step.hNext", stepSt, true);
        add("step.cNext", stepSt, true);
        add("step.gradHNext", stepSt, false);
        add("step.gradCNext", stepSt, false);
        add("step.gradInput", stepIn, true);
        add("step.gradHPrev", stepSt, true);
        add("step.gradCPrev", stepSt, true);
        stepWsMemory = arena.allocate(Math.max(1, rnn.stepWorkspaceBytes(Mode.TRAINING, N)), 64);
        fillSentinelBytes(stepWsMemory);
        tracked.put("stepWorkspace", stepWsMemory);
        stepWs = rnn.wrapStepWorkspace(stepWsMemory, Mode.TRAINING, N);

        wsMemory = arena.allocate(rnn.workspaceBytes(Mode.TRAINING, T, N), 64);
        fillSentinelBytes(wsMemory);
        tracked.put("workspace", wsMemory);
        ws = rnn.wrapWorkspace(wsMemory, Mode.TRAINING, T, N);
    }

    private void add(String key, long elems, boolean output) {
        if (!lstm && CELL_STATE.contains(key)) return;
        MemorySegment s = arena.allocate(elems * dt.bytes(), 64);
        if (output) fillSentinel(s);
        else fillRandom(s);
        tensors.put(key, s);
        sizes.put(key, elems);
        tracked.put(key, s);
    }

    // ---------------------------------------------------------------- the standard configurations

    public static RnnConfig config(Cell cell, int in, int hidden, int layers, boolean bidir, DType dt, Layout layout) {
        return RnnConfig.builder(cell, in, hidden).layers(layers).bidirectional(bidir).dtype(dt).layout(layout).build();
    }

    /** A spread of cells, dtypes, layouts and depths; the first one is the issue's example (output of 60 float32). */
    record Setup(String label, RnnConfig cfg, int T, int N, BackendUnderTest backend) {
        @Override
        public String toString() {
            return label;
        }

        Harness open() {
            return new Harness(backend, cfg, T, N);
        }

        /** A dynamic test running {@code body} on a fresh harness of this setup, closed afterwards. */
        DynamicTest test(String name, ThrowingConsumer<Harness> body) {
            return dynamicTest(name, () -> {
                try (Harness h = open()) {
                    body.accept(h);
                }
            });
        }
    }

    /** One dynamic test per setup, named after it, running {@code body} on a fresh harness. */
    static Stream<DynamicTest> testPerSetup(List<Setup> setups, ThrowingConsumer<Harness> body) {
        return setups.stream().map(setup -> setup.test(setup.toString(), body));
    }

    /** One container per setup, named {@code prefix} + the setup, holding the tests {@code addTests} adds for it. */
    static Stream<DynamicNode> containerPerSetup(List<Setup> setups, String prefix,
                                                 BiConsumer<Setup, List<DynamicNode>> addTests) {
        List<DynamicNode> out = new ArrayList<>();
        for (Setup setup : setups) {
            List<DynamicNode> tests = new ArrayList<>();
            addTests.accept(setup, tests);
            out.add(DynamicContainer.dynamicContainer(prefix + setup, tests));
        }
        return out.stream();
    }

    static List<Setup> setups(BackendUnderTest b) {
        return List.of(
                new Setup("lstm/f32/1x1", config(Cell.lstm(), 3, 4, 1, false, DType.F32, Layout.TIME_MAJOR), 5, 3, b),
                new Setup("lstm_peephole/f64/2x2/batch_first",
                        config(Cell.lstmWithPeepholes(), 2, 3, 2, true, DType.F64, Layout.BATCH_FIRST), 4, 2, b),
                new Setup("gru/f32/1x2", config(Cell.gru(GruVariant.LINEAR_BEFORE_RESET), 3, 2, 1, true, DType.F32,
                        Layout.TIME_MAJOR), 3, 2, b),
                new Setup("gru_reset_before/f64/2x1", config(Cell.gru(GruVariant.RESET_BEFORE), 2, 3, 2, false,
                        DType.F64, Layout.TIME_MAJOR), 3, 2, b),
                new Setup("rnn_relu/f32/batch_first", config(Cell.rnn(Activation.RELU), 4, 2, 1, false, DType.F32,
                        Layout.BATCH_FIRST), 2, 3, b),
                new Setup("rnn_tanh/f64/tiny", config(Cell.rnn(Activation.TANH), 1, 1, 1, false, DType.F64,
                        Layout.TIME_MAJOR), 1, 1, b));
    }

    /** One LSTM (with cell state) and one GRU (without): enough for rules that do not depend on the cell. */
    static List<Setup> twoSetups(BackendUnderTest b) {
        return List.of(setups(b).get(1), setups(b).get(2));
    }

    // ---------------------------------------------------------------- tensors

    /** The argument name a key stands for in messages: the key without its {@code step.} prefix. */
    static String argName(String key) {
        return key.startsWith("step.") ? key.substring(5) : key;
    }

    boolean has(String key) {
        return tensors.containsKey(key);
    }

    /** Keys of the given list that exist for this cell. */
    List<String> present(List<String> keys) {
        return keys.stream().filter(tensors::containsKey).toList();
    }

    MemorySegment get(String key) {
        return tensors.get(key);
    }

    /** Elements of a tensor. */
    long size(String key) {
        Long s = sizes.get(key);
        if (s == null) throw new IllegalStateException("no tensor " + key);
        return s;
    }

    /** Replaces the tensor of {@code key} (null removes it from the calls). */
    void put(String key, MemorySegment s) {
        tensors.put(key, s);
    }

    /** A fresh tracked segment of {@code elems} elements filled with the sentinel. */
    MemorySegment sentinel(long elems) {
        MemorySegment s = arena.allocate(Math.max(elems, 0) * dt.bytes(), 64);
        fillSentinel(s);
        track(s);
        return s;
    }

    /** A fresh tracked segment of {@code bytes} bytes filled with the sentinel. */
    MemorySegment sentinelBytes(long bytes) {
        MemorySegment s = arena.allocate(bytes, 64);
        fillSentinelBytes(s);
        track(s);
        return s;
    }

    /**
     * One fresh tracked sentinel-filled buffer holding two segments: {@code firstBytes} at its start and
     * {@code secondBytes} starting {@code overlapBytes} before the first ends (0: touching but disjoint).
     * Returns {first, second}.
     */
    MemorySegment[] overlapping(long firstBytes, long secondBytes, long overlapBytes) {
        MemorySegment buf = sentinelBytes(firstBytes + secondBytes - overlapBytes);
        return new MemorySegment[] {buf.asSlice(0, firstBytes),
                buf.asSlice(firstBytes - overlapBytes, secondBytes)};
    }

    /** Copies tensor {@code key} into {@code to}, which then stands for it in the calls. */
    void moveTo(String key, MemorySegment to) {
        to.copyFrom(get(key));
        put(key, to);
    }

    /** Copies parameter {@code id} of {@code p} into {@code to}, which then stands for it in {@code p}. */
    static void moveTo(RnnParameters p, ParamId id, MemorySegment to) {
        to.copyFrom(p.get(id));
        p.set(id, to);
    }

    /** A segment of the right size whose arena is already closed. */
    MemorySegment closed(long bytes) {
        Arena a = Arena.ofConfined();
        MemorySegment s = a.allocate(Math.max(bytes, 1), 64);
        a.close();
        return s;
    }

    /** A heap segment of the other dtype holding at least {@code elems} elements' worth of bytes. */
    MemorySegment wrongDtype(long elems) {
        MemorySegment s;
        if (dt == DType.F32) {
            double[] a = new double[(int) elems];
            Arrays.fill(a, SENTINEL);
            s = MemorySegment.ofArray(a);
        } else {
            float[] a = new float[(int) (2 * elems)];
            Arrays.fill(a, (float) SENTINEL);
            s = MemorySegment.ofArray(a);
        }
        track(s);
        return s;
    }

    /** A copy of {@code src} (tracked), so a test can give an input through a fresh buffer. */
    MemorySegment copyOf(MemorySegment src) {
        MemorySegment s = arena.allocate(src.byteSize(), 64);
        s.copyFrom(src);
        track(s);
        return s;
    }

    /**
     * Re-creates the network from {@link #weights} (with fresh workspaces over the same memory, holding nothing):
     * an {@link Rnn} binds a frozen copy of its parameter set, so a test that replaces a weight segment of
     * {@code weights} must bind it anew for the change to matter.
     */
    void rebind() {
        ws.close();
        stepWs.close();
        rnn.close();
        rnn = backend.create(cfg, weights);
        ws = rnn.wrapWorkspace(wsMemory, Mode.TRAINING, T, N);
        stepWs = rnn.wrapStepWorkspace(stepWsMemory, Mode.TRAINING, N);
    }

    void track(MemorySegment s) {
        tracked.put("extra#" + tracked.size(), s);
    }

    void fillSentinel(MemorySegment s) {
        long n = s.byteSize() / dt.bytes();
        for (long i = 0; i < n; i++) {
            if (dt == DType.F32) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) SENTINEL);
            else s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, SENTINEL);
        }
    }

    static void fillSentinelBytes(MemorySegment s) {
        long n = s.byteSize() / 8;
        for (long i = 0; i < n; i++) s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, SENTINEL);
    }

    void fillRandom(MemorySegment s) {
        long n = s.byteSize() / dt.bytes();
        for (long i = 0; i < n; i++) {
            double v = rnd.nextDouble() - 0.5;
            if (dt == DType.F32) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v);
            else s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v);
        }
    }

    // ---------------------------------------------------------------- calls

    SequenceArgs args() {
        SequenceArgs a = new SequenceArgs().shape(T, N).input(get("input")).output(get("output")).h0(get("h0"))
                .hN(get("hN")).c0(get("c0")).cN(get("cN"));
        if (lengths != null) a.lengths(lengths);
        return a;
    }

    GradientArgs grads() {
        return new GradientArgs().gradOutput(get("gradOutput")).gradHN(get("gradHN")).gradCN(get("gradCN"))
                .gradInput(get("gradInput")).gradH0(get("gradH0")).gradC0(get("gradC0")).weightGrads(weightGrads);
    }

    StepArgs stepArgs() {
        return new StepArgs().batch(N).input(get("step.input")).hPrev(get("step.hPrev")).cPrev(get("step.cPrev"))
                .hNext(get("step.hNext")).cNext(get("step.cNext"));
    }

    StepGradients stepGrads() {
        return new StepGradients().gradHNext(get("step.gradHNext")).gradCNext(get("step.gradCNext"))
                .gradInput(get("step.gradInput")).gradHPrev(get("step.gradHPrev")).gradCPrev(get("step.gradCPrev"))
                .weightGrads(weightGrads);
    }

    void forward() {
        forwardOn(ws);
    }

    void backward() {
        backwardOn(ws);
    }

    void stepForward() {
        stepForwardOn(stepWs);
    }

    void stepBackward() {
        stepBackwardOn(stepWs);
    }

    /** The calls with the harness's arguments on {@code workspace} (any, or null) instead of its own. */
    void forwardOn(RnnWorkspace workspace) {
        rnn.forward(args(), workspace);
    }

    void backwardOn(RnnWorkspace workspace) {
        rnn.backward(args(), grads(), workspace);
    }

    void stepForwardOn(StepWorkspace workspace) {
        rnn.stepForward(stepLayer, stepDir, stepArgs(), workspace);
    }

    void stepBackwardOn(StepWorkspace workspace) {
        rnn.stepBackward(stepLayer, stepDir, stepArgs(), stepGrads(), workspace);
    }

    /** The call that validates {@code key} (the first one, if several do). */
    Executable callFor(String key) {
        if (SEQ_INPUTS.contains(key) || SEQ_OUTPUTS.contains(key)) return this::forward;
        if (GRAD_INPUTS.contains(key) || GRAD_OUTPUTS.contains(key)) return this::backward;
        if (STEP_INPUTS.contains(key) || STEP_OUTPUTS.contains(key)) return this::stepForward;
        if (STEP_GRAD_INPUTS.contains(key) || STEP_GRAD_OUTPUTS.contains(key)) return this::stepBackward;
        throw new IllegalArgumentException(key);
    }

    /** Runs the valid calls {@code key}'s call depends on (a training forward before backward, a step before its backward). */
    void prepareFor(String key) {
        if (GRAD_INPUTS.contains(key) || GRAD_OUTPUTS.contains(key)) forward();
        if (STEP_GRAD_INPUTS.contains(key) || STEP_GRAD_OUTPUTS.contains(key)) stepForward();
    }

    // ---------------------------------------------------------------- assertions

    /** All four calls, as the harness now stands, are accepted. */
    void assertEveryCallAccepted() {
        assertDoesNotThrow(this::forward);
        assertDoesNotThrow(this::backward);
        assertDoesNotThrow(this::stepForward);
        assertDoesNotThrow(this::stepBackward);
    }

    /** Bytes of every live tracked buffer. */
    Map<String, byte[]> snapshot() {
        Map<String, byte[]> m = new LinkedHashMap<>();
        for (var e : tracked.entrySet()) {
            if (readable(e.getValue())) m.put(e.getKey(), e.getValue().toArray(ValueLayout.JAVA_BYTE));
        }
        return m;
    }

    private static boolean readable(MemorySegment s) {
        return s.scope().isAlive() && s.isAccessibleBy(Thread.currentThread());
    }

    void assertUntouched(Map<String, byte[]> before) {
        for (var e : before.entrySet()) {
            MemorySegment s = tracked.get(e.getKey());
            if (!readable(s)) continue;
            if (!Arrays.equals(e.getValue(), s.toArray(ValueLayout.JAVA_BYTE))) {
                fail("buffer '" + e.getKey() + "' was written by a call that was rejected");
            }
        }
    }

    /**
     * Runs {@code call}, which must throw an IllegalArgumentException whose message starts with
     * {@code "<arg>: expected "}, contains " but " and every fragment; and checks no tracked buffer changed.
     */
    IllegalArgumentException expectIae(Executable call, String arg, String... fragments) {
        Map<String, byte[]> before = snapshot();
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertMessage(e, arg, fragments);
        assertUntouched(before);
        return e;
    }

    /**
     * Runs {@code call}, which must throw an IllegalArgumentException in the style {@code "<arg>: expected ...
     * but ..."} containing every fragment (for checks made before any buffer exists).
     */
    public static IllegalArgumentException iae(Executable call, String arg, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertMessage(e, arg, fragments);
        return e;
    }

    public static void assertMessage(Exception e, String arg, String... fragments) {
        String m = e.getMessage();
        assertTrue(m != null && m.startsWith(arg + ": expected "),
                () -> "message should start with '" + arg + ": expected ': " + m);
        assertTrue(m.contains(" but "), () -> "message should say what was given ('but ...'): " + m);
        for (String f : fragments) {
            assertTrue(m.contains(f), () -> "message should contain '" + f + "': " + m);
        }
    }

    @Override
    public void close() {
        ws.close();
        stepWs.close();
        rnn.close();
        arena.close();
    }
}
