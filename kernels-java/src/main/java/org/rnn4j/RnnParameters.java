package org.rnn4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.List;

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
    private final int kindsPerDirection;

    private RnnParameters(RnnConfig config) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        this.config = config;
        this.ids = config.parameterIds();
        this.segments = new MemorySegment[ids.size()];
        this.kindsPerDirection = ids.size() / config.stateRows();
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
        segments[index(id)] = segment;
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

    /** The segment of parameter {@code kind} of layer {@code layer}, direction {@code direction}. */
    public MemorySegment get(ParamKind kind, int layer, int direction) {
        return get(new ParamId(kind, layer, direction == 1));
    }

    public boolean contains(ParamId id) {
        if (id == null || id.layer() >= config.layers() || id.direction() >= config.directions()) return false;
        return id.kind() != ParamKind.WEIGHT_PEEPHOLE || kindsPerDirection == 5;
    }

    /** Throws naming the first parameter that is not set (argument name {@code what}). */
    public void requireComplete(String what) {
        for (int i = 0; i < ids.size(); i++) {
            ParamId id = ids.get(i);
            MemorySegment s = segments[index(id)];
            long elements = config.parameterSize(id);
            if (s == null) {
                throw new IllegalArgumentException(what + "." + id.name() + ": expected a segment of "
                        + elements + " " + config.dtype().numpyName() + " elements but was not set");
            }
            if (!Checks.isValidTensor(s, elements, config.dtype(), false)) {
                Checks.tensor(what + "." + id.name(), s, elements, config.dtype(), false); // throws with the reason
            }
        }
    }

    private int index(ParamId id) {
        return (id.layer() * config.directions() + id.direction()) * kindsPerDirection + id.kind().ordinal();
    }
}
