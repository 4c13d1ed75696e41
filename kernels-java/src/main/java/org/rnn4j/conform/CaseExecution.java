package org.rnn4j.conform;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.spi.RnnBackend;

/**
 * Runs one case on a backend through the public {@link Rnn} API with off-heap segments: a training forward and
 * (when the case expects a gradient) its backward, then (when it expects a forward result) an inference forward
 * (the path fast backends specialise) into separate outputs. Every result buffer starts as NaN, so an element a
 * backend forgets to write cannot pass.
 */
final class CaseExecution {
    private CaseExecution() {}

    /**
     * The results of {@code data} on {@code backend} in {@code dtype}, one per name of {@code data.want()}, in the
     * same order, copied to float64 arrays.
     */
    static Map<String, double[]> run(RnnConfig cfg, CaseSpec spec, CaseArrays data, RnnBackend backend, DType dtype) {
        int T = spec.seqLength(), N = spec.batch();
        long stateElems = (long) cfg.stateRows() * N * cfg.hiddenSize();
        long outElems = (long) T * N * cfg.outputSize();
        boolean lstm = spec.cell().hasCellState();
        Map<String, MemorySegment> got = new LinkedHashMap<>();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters weights = RnnParameters.of(cfg);
            for (var e : data.params().entrySet()) weights.set(e.getKey(), load(arena, e.getValue(), dtype));
            RnnParameters weightGrads = RnnParameters.allocate(cfg, arena);
            for (ParamId id : cfg.parameterIds()) fillNaN(weightGrads.get(id), dtype);

            MemorySegment input = load(arena, data.input(), dtype);
            MemorySegment h0 = load(arena, data.h0(), dtype);
            MemorySegment c0 = load(arena, data.c0(), dtype);

            // Training forward and backward.
            SequenceArgs train = forwardArgs(arena, T, N, input, h0, c0, data.lengths(), outElems, stateElems,
                    lstm, dtype, got, "");
            GradientArgs grads = new GradientArgs().gradOutput(load(arena, data.gradOutput(), dtype))
                    .gradHN(load(arena, data.gradHN(), dtype)).gradCN(load(arena, data.gradCN(), dtype))
                    .weightGrads(weightGrads);
            if (data.want().containsKey("grad_input")) {
                got.put("grad_input", nanSegment(arena, data.input().size(), dtype));
                grads.gradInput(got.get("grad_input"));
            }
            if (data.want().containsKey("grad_h0")) {
                got.put("grad_h0", nanSegment(arena, stateElems, dtype));
                grads.gradH0(got.get("grad_h0"));
            }
            if (data.want().containsKey("grad_c0")) {
                got.put("grad_c0", nanSegment(arena, stateElems, dtype));
                grads.gradC0(got.get("grad_c0"));
            }
            for (ParamId id : cfg.parameterIds()) got.put("grad_" + id.name(), weightGrads.get(id));

            // Inference forward into its own outputs.
            SequenceArgs inference = forwardArgs(arena, T, N, input, h0, c0, data.lengths(), outElems, stateElems,
                    lstm, dtype, got, CaseArrays.INFERENCE);

            // Only what the case can compare runs: backward when it expects a gradient, the inference forward
            // when it expects a forward result (a forward-only reference needs no backward, and a backend's
            // failure there must not fail a case that cannot check it).
            try (Rnn rnn = Rnn.create(cfg, weights, backend)) {
                try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
                    rnn.forward(train, ws);
                    if (data.expectsGradients()) rnn.backward(train, grads, ws);
                }
                if (data.expectsForwardResults()) {
                    try (RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, T, N)) {
                        rnn.forward(inference, ws);
                    }
                }
            }

            Map<String, double[]> results = new LinkedHashMap<>();
            for (String name : data.want().keySet()) {
                MemorySegment s = got.get(name);
                if (s == null) throw new IllegalStateException("no result buffer for " + name);
                results.put(name, toDoubles(s, data.want().get(name).size(), dtype));
            }
            return results;
        }
    }

    /** Forward arguments with fresh NaN outputs registered in {@code got} under their names plus {@code suffix}. */
    private static SequenceArgs forwardArgs(Arena arena, int T, int N, MemorySegment input, MemorySegment h0,
                                            MemorySegment c0, int[] lengths, long outElems, long stateElems,
                                            boolean lstm, DType dtype, Map<String, MemorySegment> got, String suffix) {
        MemorySegment output = nanSegment(arena, outElems, dtype);
        MemorySegment hN = nanSegment(arena, stateElems, dtype);
        MemorySegment cN = lstm ? nanSegment(arena, stateElems, dtype) : null;
        got.put("output" + suffix, output);
        got.put("h_n" + suffix, hN);
        if (lstm) got.put("c_n" + suffix, cN);
        return new SequenceArgs().shape(T, N).input(input).h0(h0).c0(c0).lengths(lengths == null ? null : lengths.clone())
                .output(output).hN(hN).cN(cN);
    }

    /** A fresh segment holding {@code a} in {@code dtype} (rounded to float for F32); null for null. */
    private static MemorySegment load(Arena arena, NpyArray a, DType dtype) {
        if (a == null) return null;
        MemorySegment s = arena.allocate((long) a.size() * dtype.bytes(), 64);
        if (dtype == DType.F64) {
            MemorySegment.copy(a.toDoubleArray(), 0, s, ValueLayout.JAVA_DOUBLE, 0, a.size());
        } else {
            MemorySegment.copy(a.toFloatArray(), 0, s, ValueLayout.JAVA_FLOAT, 0, a.size());
        }
        return s;
    }

    private static MemorySegment nanSegment(Arena arena, long elements, DType dtype) {
        MemorySegment s = arena.allocate(Math.max(1, elements) * dtype.bytes(), 64);
        fillNaN(s, dtype);
        return s;
    }

    private static void fillNaN(MemorySegment s, DType dtype) {
        long n = s.byteSize() / dtype.bytes();
        for (long i = 0; i < n; i++) dtype.set(s, i, Double.NaN);
    }

    private static double[] toDoubles(MemorySegment s, int n, DType dtype) {
        double[] v = new double[n];
        for (int i = 0; i < n; i++) v[i] = dtype.get(s, i);
        return v;
    }
}
