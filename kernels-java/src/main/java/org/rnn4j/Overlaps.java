package org.rnn4j;

import java.lang.foreign.MemorySegment;

/**
 * Collects the used extent of every input and output of one call and rejects any output that shares a byte
 * with an input or with another output: backends write outputs while still reading inputs, so aliasing would
 * give silently wrong answers.
 */
final class Overlaps {
    private String[] names = new String[16];
    private MemorySegment[] segs = new MemorySegment[16];
    private long[] bytes = new long[16];
    private boolean[] isOutput = new boolean[16];
    private final RnnConfig config;
    private int count;

    Overlaps(RnnConfig config) {
        this.config = config;
    }

    /** Forgets the tensors of the previous call, keeping the arrays (no allocation in steady state). */
    Overlaps reset() {
        java.util.Arrays.fill(segs, 0, count, null);
        count = 0;
        return this;
    }

    void input(String name, MemorySegment s, long elements) {
        add(name, s, elements * config.dtype().bytes(), false);
    }

    void inputBytes(String name, MemorySegment s, long b) {
        add(name, s, b, false);
    }

    void output(String name, MemorySegment s, long elements) {
        add(name, s, elements * config.dtype().bytes(), true);
    }

    void outputBytes(String name, MemorySegment s, long b) {
        add(name, s, b, true);
    }

    void weights(RnnParameters w) {
        for (ParamId id : w.ids()) input("weights." + id.name(), w.get(id), config.parameterSize(id));
    }

    /** The gradient buffers that the call writes: all, or those of one layer and direction when layer >= 0. */
    void weightGrads(RnnParameters g, int layer, int direction) {
        if (g == null) return;
        for (ParamId id : g.ids()) {
            if (layer >= 0 && (id.layer() != layer || id.direction() != direction)) continue;
            output("weightGrads." + id.name(), g.get(id), config.parameterSize(id));
        }
    }

    private void add(String name, MemorySegment s, long b, boolean out) {
        if (s == null) return;
        if (count == names.length) {
            int cap = 2 * count;
            names = java.util.Arrays.copyOf(names, cap);
            segs = java.util.Arrays.copyOf(segs, cap);
            bytes = java.util.Arrays.copyOf(bytes, cap);
            isOutput = java.util.Arrays.copyOf(isOutput, cap);
        }
        names[count] = name;
        segs[count] = s;
        bytes[count] = b;
        isOutput[count] = out;
        count++;
    }

    void check() {
        for (int i = 0; i < count; i++) {
            if (!isOutput[i]) continue;
            for (int j = 0; j < count; j++) {
                if (j == i || (isOutput[j] && j < i)) continue;
                Checks.noOverlap(names[i], segs[i], names[j], segs[j], bytes[i], bytes[j]);
            }
        }
    }
}
