package org.rnn4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;
import org.rnn4j.spi.SegmentRules;

/**
 * The parameters of a network (or their gradients), one segment per PyTorch {@code state_dict} entry, each
 * row-major in PyTorch's shape. Segments are the caller's memory: nothing is copied here, so a framework can
 * hand over views of its own parameter buffer. Each segment must hold at least the parameter's elements;
 * the leading bytes are used.
 *
 * <p>Not thread-safe while being filled; read-only use from many threads is fine.
 */
public final class RnnParameters {
    private final RnnConfig config;
    private final List<ParamId> ids;
    private final MemorySegment[] segments;
    // Gate-block views per parameter, made on first use and kept: hot paths read blocks without allocating.
    private final MemorySegment[][] blockViews;
    // Parameters per layer direction: the 4 ParamKinds every cell has, plus weight_peephole for peephole LSTMs.
    private final int kindsPerDirection;
    // Element count of each parameter, by index: computed once, so that per-call validation allocates nothing
    // (RnnConfig.parameterSize builds the parameter's shape array on every call).
    private final long[] elements;
    // A set bound to an Rnn is a frozen snapshot: backends may have packed from these exact segments.
    private boolean frozen;

    private RnnParameters(RnnConfig config) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        this.config = config;
        this.ids = config.parameterIds();
        this.segments = new MemorySegment[ids.size()];
        this.blockViews = new MemorySegment[ids.size()][];
        this.kindsPerDirection = config.cell().hasPeepholes() ? 5 : 4;
        this.elements = new long[ids.size()];
        for (ParamId id : ids) elements[index(id)] = config.parameterSize(id);
    }

    /** An empty set, to be filled with {@link #set}. */
    public static RnnParameters of(RnnConfig config) {
        return new RnnParameters(config);
    }

    /** A set whose every parameter is a fresh zeroed segment of {@code arena}. */
    public static RnnParameters allocate(RnnConfig config, Arena arena) {
        RnnParameters p = new RnnParameters(config);
        if (arena == null) throw new IllegalArgumentException("arena: expected an Arena but was null");
        for (ParamId id : p.ids) {
            p.segments[p.index(id)] = arena.allocate(config.parameterSize(id) * config.dtype().bytes(), 64);
        }
        return p;
    }

    public RnnConfig config() {
        return config;
    }

    /** Parameter ids in {@code state_dict} order. */
    public List<ParamId> ids() {
        return ids;
    }

    /** Sets parameter {@code name} (a {@code state_dict} key) to {@code segment}, checking name and size now. */
    public RnnParameters set(String name, MemorySegment segment) {
        ParamId id = ParamId.parse(name);
        if (id == null || !contains(id)) {
            throw new IllegalArgumentException("name: expected one of " + ids + " but was '" + name + "'");
        }
        return set(id, segment);
    }

    public RnnParameters set(ParamId id, MemorySegment segment) {
        if (!contains(id)) throw new IllegalArgumentException("id: expected one of " + ids + " but was " + id);
        Checks.tensor(id.name(), segment, config.parameterSize(id), config.dtype(), false);
        if (frozen) {
            throw new IllegalStateException(id.name() + ": this parameter set is bound to an Rnn and cannot change; "
                    + "write new values into the same segments and call Rnn.weightsChanged(), or create a new Rnn");
        }
        segments[index(id)] = segment;
        blockViews[index(id)] = null;
        return this;
    }

    /** Heap convenience: wraps {@code data} without copying. */
    public RnnParameters set(String name, float[] data) {
        return set(name, Checks.wrap(name, data));
    }

    /** Heap convenience: wraps {@code data} without copying. */
    public RnnParameters set(String name, double[] data) {
        return set(name, Checks.wrap(name, data));
    }

    /** The segment of {@code id}, or null if not set. */
    public MemorySegment get(ParamId id) {
        return contains(id) ? segments[index(id)] : null;
    }

    public MemorySegment get(String name) {
        ParamId id = ParamId.parse(name);
        return id == null ? null : get(id);
    }

    /**
     * The segment of parameter {@code kind} of layer {@code layer}, direction {@code direction} (0 forward, 1
     * reverse), or null if not set; throws when the config has no such parameter.
     */
    public MemorySegment get(ParamKind kind, int layer, int direction) {
        if (kind == null) throw new IllegalArgumentException("kind: expected a ParamKind but was null");
        Checks.inRange("layer", layer, 0, config.layers() - 1);
        Checks.inRange("direction", direction, 0, config.directions() - 1);
        ParamId id = new ParamId(kind, layer, direction == 1);
        if (!contains(id)) throw new IllegalArgumentException("kind: expected one of " + kinds() + " but was " + kind);
        return get(id);
    }

    private String kinds() {
        return config.cell().hasPeepholes() ? java.util.Arrays.toString(ParamKind.values())
                : java.util.Arrays.toString(java.util.Arrays.copyOf(ParamKind.values(), 4));
    }

    public boolean contains(ParamId id) {
        if (id == null || id.layer() >= config.layers() || id.direction() >= config.directions()) return false;
        return id.kind() != ParamKind.WEIGHT_PEEPHOLE || config.cell().hasPeepholes();
    }

    /** A frozen copy of this set (same segments): what an {@link Rnn} binds, so later {@link #set} calls on the
     * caller's set cannot change what a backend prepared from. */
    RnnParameters frozenCopy() {
        RnnParameters p = new RnnParameters(config);
        System.arraycopy(segments, 0, p.segments, 0, segments.length);
        p.frozen = true;
        return p;
    }

    /**
     * The rows of gate block {@code gate} of parameter {@code id}: for weights and biases the H rows of that
     * gate (in the cell's gate order), for peepholes row {@code gate} (0 i, 1 f, 2 o). Backends read
     * parameters gate block by gate block through this view, so that parameters given as separate blocks at
     * their own addresses (as Deeplearning4j stores them) can be added without changing any backend.
     */
    public MemorySegment gateBlock(ParamId id, int gate) {
        if (!contains(id)) throw new IllegalArgumentException("id: expected one of " + ids + " but was " + id);
        MemorySegment s = get(id);
        if (s == null) throw new IllegalArgumentException(id.name() + ": expected a set parameter but it was not set");
        int blocks = gateBlocks(id);
        Checks.inRange("gate", gate, 0, blocks - 1);
        long blockElements = config.parameterSize(id) / blocks;
        long bytes = blockElements * config.dtype().bytes();
        return s.asSlice(gate * bytes, bytes);
    }

    /**
     * {@link #gateBlock(ParamId, int)} of parameter {@code kind} of layer {@code layer}, direction
     * {@code direction}, without allocating once a block has been asked for (views are kept per set segment):
     * for backends that write gradients block by block on every call.
     */
    public MemorySegment gateBlock(ParamKind kind, int layer, int direction, int gate) {
        if (kind == null) throw new IllegalArgumentException("kind: expected a ParamKind but was null");
        Checks.inRange("layer", layer, 0, config.layers() - 1);
        Checks.inRange("direction", direction, 0, config.directions() - 1);
        if (kind == ParamKind.WEIGHT_PEEPHOLE && !config.cell().hasPeepholes()) {
            throw new IllegalArgumentException("kind: expected one of " + kinds() + " but was " + kind);
        }
        int i = (layer * config.directions() + direction) * kindsPerDirection + kind.ordinal();
        MemorySegment[] views = blockViews[i];
        if (views == null || views[gate] == null) {
            ParamId id = ids.get(i);
            MemorySegment v = gateBlock(id, gate);
            if (views == null) views = new MemorySegment[gateBlocks(id)];
            views[gate] = v;
            blockViews[i] = views;
            return v;
        }
        return views[gate];
    }

    /** Number of gate blocks of {@code id}: G for weights and biases, 3 for peepholes. */
    public int gateBlocks(ParamId id) {
        return id.kind() == ParamKind.WEIGHT_PEEPHOLE ? 3 : config.gates();
    }

    /**
     * Throws naming the first parameter that is not set or not usable (argument name {@code what}); with
     * {@code written}, also one that is read-only. Allocation-free while every parameter is fine.
     */
    public void requireComplete(String what, boolean written) {
        for (int i = 0; i < ids.size(); i++) {
            ParamId id = ids.get(i);
            MemorySegment s = segments[index(id)];
            long elements = this.elements[index(id)];
            if (s == null) {
                throw SegmentRules.fail(what, id, "expected a segment of " + elements + " "
                        + config.dtype().numpyName() + " elements but was not set");
            }
            Checks.tensor(what, id, s, elements, config.dtype(), written, "");
        }
    }

    /** {@link #requireComplete(String, boolean)} for parameters that are only read. */
    public void requireComplete(String what) {
        requireComplete(what, false);
    }

    /** Every set segment is alive and accessible by the calling thread (argument name {@code what}). */
    void requireLive(String what) {
        for (int i = 0; i < ids.size(); i++) {
            MemorySegment s = segments[i];
            if (s == null) continue;
            SegmentRules.alive(what, ids.get(i), s);
            SegmentRules.accessible(what, ids.get(i), s);
        }
    }

    /** Element count of parameter {@code id} of this set (which must contain it): allocation-free. */
    long elements(ParamId id) {
        return elements[index(id)];
    }

    private int index(ParamId id) {
        return (id.layer() * config.directions() + id.direction()) * kindsPerDirection + id.kind().ordinal();
    }
}
