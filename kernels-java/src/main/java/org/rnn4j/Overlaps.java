package org.rnn4j;

import java.lang.foreign.MemorySegment;
import org.rnn4j.spi.SegmentRules;

/**
 * Collects the used extent of every input and output of one call and rejects any output that shares a byte
 * with an input or with another output: backends write outputs while still reading inputs, so aliasing would
 * give silently wrong answers.
 *
 * <p>Allocation-free in steady state: a checker is reused per workspace, extents are compared as raw address
 * ranges (heap segments by array identity and offset), and argument names are built only to report a failure.
 */
final class Overlaps {
    private String[] names = new String[16];
    private ParamId[] ids = new ParamId[16]; // non-null: the tensor is names[i] + "." + ids[i].name()
    // What the address range is relative to: the backing array of a heap segment, NATIVE for native memory,
    // or HIDDEN for a read-only heap view, whose array the API does not reveal.
    private Object[] bases = new Object[16];
    private MemorySegment[] segs = new MemorySegment[16];
    private static final Object NATIVE = new Object();
    private static final Object HIDDEN = new Object();
    private long[] starts = new long[16];
    private long[] ends = new long[16];
    private boolean[] isOutput = new boolean[16];
    private final RnnConfig config;
    private int count;

    Overlaps(RnnConfig config) {
        this.config = config;
    }

    /** Forgets the tensors of the previous call, keeping the arrays. */
    Overlaps reset() {
        java.util.Arrays.fill(bases, 0, count, null);
        java.util.Arrays.fill(segs, 0, count, null);
        count = 0;
        return this;
    }

    void input(String name, MemorySegment s, long elements) {
        add(name, null, s, elements * config.dtype().bytes(), false);
    }

    void inputBytes(String name, MemorySegment s, long b) {
        add(name, null, s, b, false);
    }

    void output(String name, MemorySegment s, long elements) {
        add(name, null, s, elements * config.dtype().bytes(), true);
    }

    void outputBytes(String name, MemorySegment s, long b) {
        add(name, null, s, b, true);
    }

    /** Every weight of {@code w} as an input; with {@code layer >= 0} only that layer direction's. */
    void weights(RnnParameters w, int layer, int direction) {
        params("weights", w, layer, direction, false);
    }

    /** The gradient buffers that the call writes: all, or those of one layer and direction when layer >= 0. */
    void weightGrads(RnnParameters g, int layer, int direction) {
        if (g != null) params("weightGrads", g, layer, direction, true);
    }

    private void params(String what, RnnParameters p, int layer, int direction, boolean out) {
        java.util.List<ParamId> all = p.ids();
        for (int i = 0; i < all.size(); i++) {
            ParamId id = all.get(i);
            if (layer >= 0 && (id.layer() != layer || id.direction() != direction)) continue;
            add(what, id, p.get(id), p.elements(id) * config.dtype().bytes(), out);
        }
    }

    private void add(String name, ParamId id, MemorySegment s, long b, boolean out) {
        if (s == null) return;
        if (count == names.length) grow();
        names[count] = name;
        ids[count] = id;
        bases[count] = s.isNative() ? NATIVE : s.heapBase().orElse(HIDDEN);
        segs[count] = s;
        starts[count] = s.address();
        ends[count] = s.address() + Math.min(b, s.byteSize());
        isOutput[count] = out;
        count++;
    }

    private void grow() {
        int cap = 2 * names.length;
        names = java.util.Arrays.copyOf(names, cap);
        ids = java.util.Arrays.copyOf(ids, cap);
        bases = java.util.Arrays.copyOf(bases, cap);
        segs = java.util.Arrays.copyOf(segs, cap);
        starts = java.util.Arrays.copyOf(starts, cap);
        ends = java.util.Arrays.copyOf(ends, cap);
        isOutput = java.util.Arrays.copyOf(isOutput, cap);
    }

    /** Throws for the first output that overlaps an input or another output. */
    void check() {
        for (int i = 0; i < count; i++) {
            if (!isOutput[i]) continue;
            for (int j = 0; j < count; j++) {
                if (j == i || (isOutput[j] && j < i)) continue;
                if (overlap(i, j)) throw SegmentRules.overlapping(null, name(i), name(j));
            }
        }
    }

    private boolean overlap(int i, int j) {
        if (starts[i] >= ends[i] || starts[j] >= ends[j]) return false; // an empty extent touches nothing
        if (bases[i] == HIDDEN || bases[j] == HIDDEN) {
            if (bases[i] == NATIVE || bases[j] == NATIVE) return false;
            // Rare path (read-only heap views): let the JDK, which knows the arrays, decide.
            MemorySegment a = segs[i].asSlice(0, ends[i] - starts[i]);
            MemorySegment b = segs[j].asSlice(0, ends[j] - starts[j]);
            return a.asOverlappingSlice(b).isPresent();
        }
        return bases[i] == bases[j] && starts[i] < ends[j] && starts[j] < ends[i];
    }

    private String name(int i) {
        return ids[i] == null ? names[i] : names[i] + "." + ids[i].name();
    }
}
