package org.rnn4j.nativebackend;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.lang.ref.Reference;
import org.rnn4j.GradientArgs;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;

/**
 * One native call per sequence or step call: writes the call's arguments into the workspace header (the
 * configuration, T, N, flags, the lengths and the raw addresses of every tensor; word indices mirror
 * {@code plan.h}, {@code namespace call}), makes the JNI call, and keeps every segment reachable until it
 * returns. Everything was validated by {@code org.rnn4j.Rnn} before; nothing is checked again here.
 *
 * <p>Zero-copy for native segments aligned to their element size: the C++ code reads and writes the caller's
 * memory in place, and a call allocates nothing. Other segments (heap arrays, odd addresses, a workspace wrapped
 * over heap memory) go through {@link Staging}, the documented slower path.
 */
final class NativeCall {
    private NativeCall() {}

    static final int OP_FORWARD = 0, OP_BACKWARD = 1, OP_STEP_FORWARD = 2, OP_STEP_BACKWARD = 3;

    // Header words: plan.h, namespace call.
    static final int ELEMENT_BYTES = 0, KIND = 1, INPUT_SIZE = 2, HIDDEN = 3, LAYERS = 4, DIRECTIONS = 5,
            BATCH_FIRST = 6, CAPACITY_T = 7, CAPACITY_N = 8, TRAINING = 9, STEP = 10, T = 11, N = 12,
            HAS_LENGTHS = 13, ACCUMULATE = 14, LAYER = 15, DIRECTION = 16, WEIGHT_GRADS = 17, INPUT = 20,
            OUTPUT = 21, H0 = 22, C0 = 23, HN = 24, CN = 25, GRAD_OUTPUT = 26, GRAD_HN = 27, GRAD_CN = 28,
            GRAD_INPUT = 29, GRAD_H0 = 30, GRAD_C0 = 31, USED_WORDS = 32, GEMM_OPENBLAS = 18,
            TEAM_MIN_FLOPS = 19;
    /** Entries per slot of a gate-block address table: W_ih, W_hh, b_ih, b_hh blocks 0..3, peepholes 0..2. */
    static final int WG_COUNT = 19;

    private static final ParamKind[] TABLE_KINDS = {ParamKind.WEIGHT_IH, ParamKind.WEIGHT_HH, ParamKind.BIAS_IH,
            ParamKind.BIAS_HH};

    // ------------------------------------------------------------------------------------------- calls

    static void forward(NativeBackend b, NativeWeights w, NativePlan p, SequenceArgs a, MemorySegment ws) {
        final int e = p.elementBytes;
        final RnnConfig c = p.config;
        final int t = a.seqLength(), n = a.batch();
        final long in = (long) t * n * c.inputSize() * e, out = (long) t * n * c.outputSize() * e;
        final long st = (long) c.stateRows() * n * c.hiddenSize() * e;
        Staging s = null;
        if (!direct(ws, 8) || !ok(a.input(), e) || !ok(a.output(), e) || !ok(a.h0(), e) || !ok(a.c0(), e)
                || !ok(a.hN(), e) || !ok(a.cN(), e)) {
            s = new Staging();
        }
        try {
            MemorySegment h = direct(ws, 8) ? ws : s.copy(ws, p.bytes, true);
            header(h, b, p, t, n, a);
            put(h, INPUT, address(a.input(), in, false, s, e));
            put(h, OUTPUT, address(a.output(), out, true, s, e));
            put(h, H0, address(a.h0(), st, false, s, e));
            put(h, C0, address(a.c0(), st, false, s, e));
            put(h, HN, address(a.hN(), st, true, s, e));
            put(h, CN, address(a.cN(), st, true, s, e));
            NativeBlasLibrary.run(OP_FORWARD, b.team(), w.address(), h.address());
            if (s != null) s.copyBack();
        } finally {
            if (s != null) s.close();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(ws);
            Reference.reachabilityFence(w);
        }
    }

    static void backward(NativeBackend b, NativeWeights w, NativePlan p, SequenceArgs a, GradientArgs g,
                         MemorySegment ws) {
        final int e = p.elementBytes;
        final RnnConfig c = p.config;
        final int t = a.seqLength(), n = a.batch();
        final long in = (long) t * n * c.inputSize() * e, out = (long) t * n * c.outputSize() * e;
        final long st = (long) c.stateRows() * n * c.hiddenSize() * e;
        Staging s = null;
        if (!direct(ws, 8) || !ok(a.input(), e) || !ok(g.gradOutput(), e) || !ok(g.gradHN(), e)
                || !ok(g.gradCN(), e) || !ok(g.gradInput(), e) || !ok(g.gradH0(), e) || !ok(g.gradC0(), e)) {
            s = new Staging();
        }
        try {
            MemorySegment h = direct(ws, 8) ? ws : s.copy(ws, p.bytes, true);
            header(h, b, p, t, n, a);
            put(h, ACCUMULATE, g.accumulate() ? 1 : 0);
            put(h, INPUT, address(a.input(), in, false, s, e));
            put(h, GRAD_OUTPUT, address(g.gradOutput(), out, false, s, e));
            put(h, GRAD_HN, address(g.gradHN(), st, false, s, e));
            put(h, GRAD_CN, address(g.gradCN(), st, false, s, e));
            put(h, GRAD_INPUT, address(g.gradInput(), in, true, s, e));
            put(h, GRAD_H0, address(g.gradH0(), st, true, s, e));
            put(h, GRAD_C0, address(g.gradC0(), st, true, s, e));
            RnnParameters wg = g.weightGrads();
            put(h, WEIGHT_GRADS, wg != null ? 1 : 0);
            if (wg != null) {
                for (int l = 0; l < c.layers(); l++) {
                    for (int d = 0; d < c.directions(); d++) {
                        long at = p.weightGradsOffset + (long) (l * c.directions() + d) * WG_COUNT * 8;
                        s = blockTable(wg, c, l, d, h, at, e, true, s);
                    }
                }
            }
            NativeBlasLibrary.run(OP_BACKWARD, b.team(), w.address(), h.address());
            if (s != null) s.copyBack();
        } finally {
            if (s != null) s.close();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(g);
            Reference.reachabilityFence(ws);
            Reference.reachabilityFence(w);
        }
    }

    static void stepForward(NativeBackend b, NativeWeights w, NativePlan p, int layer, int dir, StepArgs a,
                            MemorySegment ws) {
        final int e = p.elementBytes;
        final RnnConfig c = p.config;
        final int n = a.batch();
        final long in = (long) n * c.layerInputSize(layer) * e, st = (long) n * c.hiddenSize() * e;
        Staging s = null;
        if (!direct(ws, 8) || !ok(a.input(), e) || !ok(a.hPrev(), e) || !ok(a.cPrev(), e) || !ok(a.hNext(), e)
                || !ok(a.cNext(), e)) {
            s = new Staging();
        }
        try {
            MemorySegment h = direct(ws, 8) ? ws : s.copy(ws, p.bytes, true);
            header(h, b, p, 1, n, null);
            put(h, LAYER, layer);
            put(h, DIRECTION, dir);
            put(h, INPUT, address(a.input(), in, false, s, e));
            put(h, H0, address(a.hPrev(), st, false, s, e));
            put(h, C0, address(a.cPrev(), st, false, s, e));
            put(h, HN, address(a.hNext(), st, true, s, e));
            put(h, CN, address(a.cNext(), st, true, s, e));
            NativeBlasLibrary.run(OP_STEP_FORWARD, b.team(), w.address(), h.address());
            if (s != null) s.copyBack();
        } finally {
            if (s != null) s.close();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(ws);
            Reference.reachabilityFence(w);
        }
    }

    static void stepBackward(NativeBackend b, NativeWeights w, NativePlan p, int layer, int dir, StepArgs a,
                             StepGradients g, MemorySegment ws) {
        final int e = p.elementBytes;
        final RnnConfig c = p.config;
        final int n = a.batch();
        final long in = (long) n * c.layerInputSize(layer) * e, st = (long) n * c.hiddenSize() * e;
        Staging s = null;
        if (!direct(ws, 8) || !ok(a.input(), e) || !ok(g.gradHNext(), e) || !ok(g.gradCNext(), e)
                || !ok(g.gradInput(), e) || !ok(g.gradHPrev(), e) || !ok(g.gradCPrev(), e)) {
            s = new Staging();
        }
        try {
            MemorySegment h = direct(ws, 8) ? ws : s.copy(ws, p.bytes, true);
            header(h, b, p, 1, n, null);
            put(h, LAYER, layer);
            put(h, DIRECTION, dir);
            put(h, ACCUMULATE, g.accumulate() ? 1 : 0);
            put(h, INPUT, address(a.input(), in, false, s, e));
            put(h, GRAD_HN, address(g.gradHNext(), st, false, s, e));
            put(h, GRAD_CN, address(g.gradCNext(), st, false, s, e));
            put(h, GRAD_INPUT, address(g.gradInput(), in, true, s, e));
            put(h, GRAD_H0, address(g.gradHPrev(), st, true, s, e));
            put(h, GRAD_C0, address(g.gradCPrev(), st, true, s, e));
            RnnParameters wg = g.weightGrads();
            put(h, WEIGHT_GRADS, wg != null ? 1 : 0);
            if (wg != null) s = blockTable(wg, c, layer, dir, h, p.weightGradsOffset, e, true, s);
            NativeBlasLibrary.run(OP_STEP_BACKWARD, b.team(), w.address(), h.address());
            if (s != null) s.copyBack();
        } finally {
            if (s != null) s.close();
            Reference.reachabilityFence(a);
            Reference.reachabilityFence(g);
            Reference.reachabilityFence(ws);
            Reference.reachabilityFence(w);
        }
    }

    // ----------------------------------------------------------------------------------------- helpers

    /** Whether the C++ code may use {@code s} in place: native memory aligned to {@code alignment} bytes. */
    static boolean direct(MemorySegment s, int alignment) {
        return s.isNative() && (s.address() & (alignment - 1)) == 0;
    }

    private static boolean ok(MemorySegment s, int elementBytes) {
        return s == null || direct(s, elementBytes);
    }

    /** The address the C++ code uses for {@code s}: its own, or that of a staged copy; 0 for null. */
    private static long address(MemorySegment s, long bytes, boolean written, Staging staging, int elementBytes) {
        if (s == null) return 0;
        if (direct(s, elementBytes)) return s.address();
        return staging.copy(s, bytes, written).address(); // the caller made `staging` when any argument needs it
    }

    private static void put(MemorySegment h, int word, long value) {
        h.set(ValueLayout.JAVA_LONG, (long) word * 8, value);
    }

    /** The words every call writes: the configuration, capacity, T, N, and everything else zero; the lengths. */
    private static void header(MemorySegment h, NativeBackend b, NativePlan p, int t, int n, SequenceArgs a) {
        for (int word = 0; word < USED_WORDS; word++) put(h, word, 0);
        put(h, GEMM_OPENBLAS, b.gemmOpenblas ? 1 : 0);
        put(h, TEAM_MIN_FLOPS, b.teamMinFlops);
        RnnConfig c = p.config;
        put(h, ELEMENT_BYTES, p.elementBytes);
        put(h, KIND, p.kind);
        put(h, INPUT_SIZE, c.inputSize());
        put(h, HIDDEN, c.hiddenSize());
        put(h, LAYERS, c.layers());
        put(h, DIRECTIONS, c.directions());
        put(h, BATCH_FIRST, p.batchFirst() ? 1 : 0);
        put(h, CAPACITY_T, p.capacity.seqLength());
        put(h, CAPACITY_N, p.capacity.batch());
        put(h, TRAINING, p.mode == org.rnn4j.Mode.TRAINING ? 1 : 0);
        put(h, STEP, p.step ? 1 : 0);
        put(h, T, t);
        put(h, N, n);
        if (a != null && a.lengths() != null) {
            put(h, HAS_LENGTHS, 1);
            for (int i = 0; i < n; i++) h.set(ValueLayout.JAVA_INT, p.lengthsOffset + 4L * i, a.length(i));
        }
    }

    /**
     * Writes the gate-block address table of layer l, direction d of {@code params} at {@code offset} of
     * {@code table} (19 entries, plan.h's call::WG_*), staging blocks the C++ code cannot address in place (and,
     * when {@code written}, copying them back after the call). Returns the staging, made when first needed.
     */
    static Staging blockTable(RnnParameters params, RnnConfig c, int l, int d, MemorySegment table, long offset,
                              int elementBytes, boolean written, Staging staging) {
        int gates = c.gates();
        for (int k = 0; k < TABLE_KINDS.length; k++) {
            for (int g = 0; g < 4; g++) {
                long addr = 0;
                if (g < gates) {
                    MemorySegment b = params.gateBlock(TABLE_KINDS[k], l, d, g);
                    if (direct(b, elementBytes)) {
                        addr = b.address();
                    } else {
                        if (staging == null) staging = new Staging();
                        addr = staging.copy(b, b.byteSize(), written).address();
                    }
                }
                table.set(ValueLayout.JAVA_LONG, offset + (k * 4L + g) * 8, addr);
            }
        }
        for (int g = 0; g < 3; g++) {
            long addr = 0;
            if (c.cell().hasPeepholes()) {
                MemorySegment b = params.gateBlock(ParamKind.WEIGHT_PEEPHOLE, l, d, g);
                if (direct(b, elementBytes)) {
                    addr = b.address();
                } else {
                    if (staging == null) staging = new Staging();
                    addr = staging.copy(b, b.byteSize(), written).address();
                }
            }
            table.set(ValueLayout.JAVA_LONG, offset + (16L + g) * 8, addr);
        }
        return staging;
    }
}
