package org.rnn4j.reference;

import java.lang.foreign.MemorySegment;
import org.rnn4j.DType;

/** float64 views of caller segments of either dtype: the reference computes in float64 whatever it is given. */
final class Tensors {
    private Tensors() {}

    static double get(MemorySegment s, DType dt, long i) {
        return dt.get(s, i);
    }

    static void set(MemorySegment s, DType dt, long i, double v) {
        dt.set(s, i, v);
    }

    /** Reads {@code dst.length} elements starting at element {@code from}; a null segment reads as zeros. */
    static void read(MemorySegment s, DType dt, long from, double[] dst) {
        if (s == null) {
            java.util.Arrays.fill(dst, 0);
            return;
        }
        for (int i = 0; i < dst.length; i++) dst[i] = get(s, dt, from + i);
    }

    /** Writes (or adds) {@code src} at element {@code from}. */
    static void write(MemorySegment s, DType dt, long from, double[] src, boolean accumulate) {
        for (int i = 0; i < src.length; i++) {
            double v = accumulate ? get(s, dt, from + i) + src[i] : src[i];
            set(s, dt, from + i, v);
        }
    }
}
