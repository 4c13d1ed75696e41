package org.rnn4j.nativebackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.rnn4j.BackendOptions;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
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
import org.rnn4j.conform.Conformance;

/**
 * Test data and one full round of calls (training forward, backward with every gradient, inference forward, and
 * a training step with its backward on the top layer's last direction) for the native backend's own tests, on
 * off-heap segments; results as doubles by tensor name, so runs can be compared bit for bit or by the
 * conformance metric.
 */
final class NativeRuns {
    private NativeRuns() {}

    /** A shape: cell, T, N, I, H, layers, bidirectional, layout, variable (unsorted) lengths. */
    record Case(Cell cell, int T, int N, int I, int H, int layers, boolean bidir, Layout layout, boolean lengths) {
        @Override
        public String toString() {
            return cell.id() + " T" + T + " N" + N + " I" + I + " H" + H + " L" + layers + (bidir ? " bidir" : "")
                    + (layout == Layout.BATCH_FIRST ? " batch-first" : "") + (lengths ? " varlen" : "");
        }

        RnnConfig config(DType dt) {
            return RnnConfig.builder(cell, I, H).layers(layers).bidirectional(bidir).dtype(dt).layout(layout).build();
        }
    }

    /** Shapes that hit every cell, both layouts, stacks, directions, lengths, odd sizes and padding tails. */
    static final Case[] CASES = {
            new Case(Cell.lstm(), 7, 13, 33, 70, 2, true, Layout.TIME_MAJOR, true),
            new Case(Cell.lstmWithPeepholes(), 5, 9, 17, 40, 1, true, Layout.BATCH_FIRST, true),
            new Case(Cell.all().get(2), 6, 11, 20, 129, 2, false, Layout.TIME_MAJOR, true),
            new Case(Cell.all().get(3), 4, 8, 9, 65, 1, true, Layout.TIME_MAJOR, false),
            new Case(Cell.all().get(4), 6, 1, 31, 100, 2, true, Layout.TIME_MAJOR, false),
            new Case(Cell.all().get(5), 3, 5, 7, 17, 3, true, Layout.BATCH_FIRST, true),
    };

    /** A check of one case in one dtype, with the seed of its data. */
    interface CaseCheck {
        void run(Case c, DType dt, long seed) throws Throwable;
    }

    /** One dynamic test per case and dtype, named "case dtype", their seeds counting up from {@code firstSeed}. */
    static Stream<DynamicTest> everyCase(long firstSeed, CaseCheck check) {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = firstSeed;
        for (Case c : CASES) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                tests.add(DynamicTest.dynamicTest(c + " " + dt, () -> check.run(c, dt, sd)));
            }
        }
        return tests.stream();
    }

    static double[] random(Random r, long n, double scale) {
        double[] a = new double[(int) n];
        for (int i = 0; i < a.length; i++) a[i] = (r.nextDouble() * 2 - 1) * scale;
        return a;
    }

    /** Off-heap segment of the values (float-representable in float32 runs). */
    static MemorySegment seg(Arena arena, double[] v, DType dt) {
        MemorySegment s = arena.allocate(Math.max(1, (long) v.length * dt.bytes()), 64);
        for (int i = 0; i < v.length; i++) {
            if (dt == DType.F32) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v[i]);
            else s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v[i]);
        }
        return s;
    }

    static double[] read(MemorySegment s, DType dt) {
        int n = (int) (s.byteSize() / dt.bytes());
        double[] out = new double[n];
        for (int i = 0; i < n; i++) {
            out[i] = dt == DType.F32 ? s.getAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i) : s.getAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i);
        }
        return out;
    }

    /** The random inputs of one case: weights by parameter, then x, h0, c0, dy, dhN, dcN, lengths. */
    record Data(RnnConfig cfg, Map<ParamId, double[]> weights, double[] x, double[] h0, double[] c0, double[] dy,
                double[] dhn, double[] dcn, int[] lengths) {}

    static Data data(Case c, DType dt, long seed) {
        RnnConfig cfg = c.config(dt);
        Random r = new Random(seed);
        Map<ParamId, double[]> w = new LinkedHashMap<>();
        for (ParamId id : cfg.parameterIds()) w.put(id, random(r, cfg.parameterSize(id), 0.3));
        long st = (long) cfg.stateRows() * c.N() * c.H();
        double[] x = random(r, (long) c.T() * c.N() * c.I(), 1);
        double[] h0 = random(r, st, 0.5), c0 = random(r, st, 0.5);
        double[] dy = random(r, (long) c.T() * c.N() * cfg.outputSize(), 1);
        double[] dhn = random(r, st, 1), dcn = random(r, st, 1);
        int[] lengths = null;
        if (c.lengths()) {
            lengths = new int[c.N()];
            for (int n = 0; n < c.N(); n++) lengths[n] = 1 + r.nextInt(c.T());
            lengths[r.nextInt(c.N())] = c.T();
        }
        return new Data(cfg, w, x, h0, c0, dy, dhn, dcn, lengths);
    }

    /** One round of calls through {@code backend} with {@code threads} threads. */
    static Map<String, double[]> run(String backend, int threads, Case c, DType dt, long seed) {
        Data d = data(c, dt, seed);
        try (Rnn rnn = Rnn.create(d.cfg(), weights(d, Arena.ofAuto(), dt), backend, BackendOptions.threads(threads))) {
            return run(rnn, c, d, dt);
        }
    }

    static RnnParameters weights(Data d, Arena arena, DType dt) {
        return weights(d, bytes -> arena.allocate(Math.max(1, bytes), 64), dt);
    }

    static RnnParameters weights(Data d, Memory memory, DType dt) {
        RnnParameters w = RnnParameters.of(d.cfg());
        for (var e : d.weights().entrySet()) w.set(e.getKey(), seg(memory, e.getValue(), dt));
        return w;
    }

    /** Where a round's tensors, weight gradients and workspaces live. */
    interface Memory {
        MemorySegment allocate(long bytes);
    }

    /** One round of calls on an existing Rnn, every buffer fresh off-heap memory. */
    static Map<String, double[]> run(Rnn rnn, Case c, Data d, DType dt) {
        try (Arena arena = Arena.ofConfined()) {
            return run(rnn, c, d, dt, bytes -> arena.allocate(Math.max(1, bytes), 64));
        }
    }

    static MemorySegment seg(Memory memory, double[] v, DType dt) {
        MemorySegment s = memory.allocate((long) v.length * dt.bytes());
        for (int i = 0; i < v.length; i++) {
            if (dt == DType.F32) s.setAtIndex(ValueLayout.JAVA_FLOAT_UNALIGNED, i, (float) v[i]);
            else s.setAtIndex(ValueLayout.JAVA_DOUBLE_UNALIGNED, i, v[i]);
        }
        return s;
    }

    static RnnParameters gradients(RnnConfig cfg, Memory memory) {
        RnnParameters g = RnnParameters.of(cfg);
        for (ParamId id : cfg.parameterIds()) g.set(id, memory.allocate(cfg.parameterSize(id) * cfg.dtype().bytes()));
        return g;
    }

    /** One round of calls on an existing Rnn, every buffer (workspaces included) from {@code arena}. */
    static Map<String, double[]> run(Rnn rnn, Case c, Data d, DType dt, Memory arena) {
        RnnConfig cfg = d.cfg();
        boolean lstm = cfg.cell() instanceof Cell.Lstm;
        int T = c.T(), N = c.N();
        Map<String, double[]> out = new LinkedHashMap<>();
        {
            long st = (long) cfg.stateRows() * N * c.H();
            MemorySegment x = seg(arena, d.x(), dt), h0 = seg(arena, d.h0(), dt), c0 = lstm ? seg(arena, d.c0(), dt) : null;
            MemorySegment y = arena.allocate((long) T * N * cfg.outputSize() * dt.bytes());
            MemorySegment hn = arena.allocate(st * dt.bytes()), cn = lstm ? arena.allocate(st * dt.bytes()) : null;
            MemorySegment dx = arena.allocate((long) T * N * c.I() * dt.bytes());
            MemorySegment dh0 = arena.allocate(st * dt.bytes()), dc0 = lstm ? arena.allocate(st * dt.bytes()) : null;
            RnnParameters dw = gradients(cfg, arena);
            SequenceArgs a = new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).output(y).hN(hn).cN(cn)
                    .lengths(d.lengths());
            try (RnnWorkspace ws = rnn.wrapWorkspace(arena.allocate(rnn.workspaceBytes(Mode.TRAINING, T, N)),
                    Mode.TRAINING, T, N)) {
                rnn.forward(a, ws);
                rnn.backward(a, new GradientArgs().gradOutput(seg(arena, d.dy(), dt)).gradHN(seg(arena, d.dhn(), dt))
                        .gradCN(lstm ? seg(arena, d.dcn(), dt) : null).gradInput(dx).gradH0(dh0).gradC0(dc0)
                        .weightGrads(dw).accumulate(false), ws);
            }
            out.put("output", read(y, dt));
            out.put("hN", read(hn, dt));
            if (lstm) out.put("cN", read(cn, dt));
            out.put("gradInput", read(dx, dt));
            out.put("gradH0", read(dh0, dt));
            if (lstm) out.put("gradC0", read(dc0, dt));
            for (ParamId id : cfg.parameterIds()) out.put("grad_" + id.name(), read(dw.get(id), dt));
            MemorySegment yi = arena.allocate(y.byteSize());
            try (RnnWorkspace ws = rnn.wrapWorkspace(arena.allocate(rnn.workspaceBytes(Mode.INFERENCE, T, N)),
                    Mode.INFERENCE, T, N)) {
                rnn.forward(new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).output(yi).lengths(d.lengths()), ws);
            }
            out.put("output(inference)", read(yi, dt));
            // one training step of the top layer's last direction, and its backward
            int layer = cfg.layers() - 1, dir = cfg.directions() - 1;
            int in = cfg.layerInputSize(layer);
            long sst = (long) N * c.H();
            MemorySegment sx = seg(arena, java.util.Arrays.copyOf(d.x().length >= N * in ? d.x() : d.dy(), N * in), dt);
            MemorySegment sh = seg(arena, java.util.Arrays.copyOf(d.h0(), (int) sst), dt);
            MemorySegment sc = lstm ? seg(arena, java.util.Arrays.copyOf(d.c0(), (int) sst), dt) : null;
            MemorySegment shn = arena.allocate(sst * dt.bytes()), scn = lstm ? arena.allocate(sst * dt.bytes()) : null;
            MemorySegment sdx = arena.allocate((long) N * in * dt.bytes());
            MemorySegment sdh = arena.allocate(sst * dt.bytes()), sdc = lstm ? arena.allocate(sst * dt.bytes()) : null;
            RnnParameters sdw = gradients(cfg, arena);
            StepArgs s = new StepArgs().batch(N).input(sx).hPrev(sh).cPrev(sc).hNext(shn).cNext(scn);
            try (StepWorkspace sws = rnn.wrapStepWorkspace(arena.allocate(rnn.stepWorkspaceBytes(Mode.TRAINING, N)),
                    Mode.TRAINING, N)) {
                rnn.stepForward(layer, dir, s, sws);
                rnn.stepBackward(layer, dir, s, new StepGradients().gradHNext(seg(arena, java.util.Arrays.copyOf(d.dhn(), (int) sst), dt))
                        .gradCNext(lstm ? seg(arena, java.util.Arrays.copyOf(d.dcn(), (int) sst), dt) : null)
                        .gradInput(sdx).gradHPrev(sdh).gradCPrev(sdc).weightGrads(sdw).accumulate(false), sws);
            }
            out.put("step.hNext", read(shn, dt));
            if (lstm) out.put("step.cNext", read(scn, dt));
            out.put("step.gradInput", read(sdx, dt));
            out.put("step.gradHPrev", read(sdh, dt));
            if (lstm) out.put("step.gradCPrev", read(sdc, dt));
            for (ParamId id : cfg.parameterIds()) {
                if (id.layer() == layer && id.direction() == dir) out.put("step.grad_" + id.name(), read(sdw.get(id), dt));
            }
        }
        return out;
    }

    /** The conformance metric between two runs: max over tensors of max|a - b| / max(1, max|b|). */
    static double worst(Map<String, double[]> got, Map<String, double[]> want, StringBuilder where) {
        double worst = 0;
        for (var e : want.entrySet()) {
            double err = Conformance.error(got.get(e.getKey()), e.getValue());
            if (err > worst || Double.isNaN(err)) {
                worst = Double.isNaN(err) ? Double.POSITIVE_INFINITY : err;
                where.setLength(0);
                where.append(e.getKey());
            }
        }
        return worst;
    }
}
