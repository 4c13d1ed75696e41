package org.rnn4j.gradcheck;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/** float64 off-heap tensors for the checker: allocation, copies and element access. */
final class F64 {
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private F64() {}

    static MemorySegment alloc(Arena arena, long elements) {
        return arena.allocate(elements * Double.BYTES, 64);
    }

    /** A new tensor holding {@code values}, or {@code elements} zeros when {@code values} is null. */
    static MemorySegment of(Arena arena, double[] values, long elements) {
        MemorySegment s = alloc(arena, elements);
        if (values != null) MemorySegment.copy(values, 0, s, D, 0, values.length);
        else s.fill((byte) 0);
        return s;
    }

    /** Parameters holding {@code values} (in {@code state_dict} order). */
    static RnnParameters weights(RnnConfig config, Arena arena, double[][] values) {
        RnnParameters p = RnnParameters.allocate(config, arena);
        List<ParamId> ids = config.parameterIds();
        for (int k = 0; k < ids.size(); k++) MemorySegment.copy(values[k], 0, p.get(ids.get(k)), D, 0, values[k].length);
        return p;
    }

    /** A new tensor filled with NaN: an output buffer whose elements a backend fails to write show up as NaN. */
    static MemorySegment nans(Arena arena, long elements) {
        MemorySegment s = alloc(arena, elements);
        fill(s, elements, Double.NaN);
        return s;
    }

    static void fill(MemorySegment s, long elements, double v) {
        for (long i = 0; i < elements; i++) s.setAtIndex(D, i, v);
    }

    static double get(MemorySegment s, long i) {
        return s.getAtIndex(D, i);
    }

    static void set(MemorySegment s, long i, double v) {
        s.setAtIndex(D, i, v);
    }

    static double[] read(MemorySegment s, long elements) {
        double[] a = new double[Math.toIntExact(elements)];
        MemorySegment.copy(s, D, 0, a, 0, a.length);
        return a;
    }

    /** The contents of the parameters {@code ids} of {@code p}, in that order. */
    static List<double[]> readAll(RnnParameters p, List<ParamId> ids, RnnConfig config) {
        List<double[]> values = new ArrayList<>();
        for (ParamId id : ids) values.add(read(p.get(id), config.parameterSize(id)));
        return values;
    }

    /** The arrays one after the other, each element multiplied by {@code scale}. */
    static double[] concat(List<double[]> parts, double scale) {
        int n = 0;
        for (double[] a : parts) n += a.length;
        double[] out = new double[n];
        int at = 0;
        for (double[] a : parts) {
            for (double v : a) out[at++] = v * scale;
        }
        return out;
    }

    /** Σ a[i]·b[i] in index order (deterministic, so equal inputs give bit-equal losses). */
    static double dot(MemorySegment a, MemorySegment b, long elements) {
        double s = 0;
        for (long i = 0; i < elements; i++) s += a.getAtIndex(D, i) * b.getAtIndex(D, i);
        return s;
    }

    /** Gradient buffers for every parameter, prefilled with NaN (see the package documentation). */
    static RnnParameters nanGrads(RnnConfig config, Arena arena) {
        RnnParameters p = RnnParameters.allocate(config, arena);
        for (ParamId id : config.parameterIds()) fill(p.get(id), config.parameterSize(id), Double.NaN);
        return p;
    }
}
