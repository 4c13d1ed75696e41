package org.rnn4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;

/**
 * A recurrent network bound to a backend and to the caller's weights: the one entry point frameworks call.
 * Every call validates all its arguments first (shapes, sizes, lengths, dtype, overlaps, workspace) and throws
 * {@link IllegalArgumentException} naming the argument, the expected and the given value before anything is
 * computed or written; then it delegates to the backend.
 *
 * <p>Thread safety: forward, backward and step calls may run concurrently from many threads as long as each
 * uses its own workspace/cache and outputs. {@link #weightsChanged()} must not overlap any call.
 *
 * <pre>{@code
 * RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 32, 64).layers(2).dtype(DType.F32).build();
 * RnnParameters w = RnnParameters.of(cfg).set("weight_ih_l0", wih0).set("weight_hh_l0", whh0)...;
 * try (Rnn rnn = Rnn.create(cfg, w, "reference");
 *      RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N)) {
 *     SequenceArgs a = new SequenceArgs().shape(T, N).input(x).output(y).hN(hn).cN(cn);
 *     rnn.forward(a, ws);
 *     rnn.backward(a, new GradientArgs().gradOutput(dy).gradInput(dx).weightGrads(dw), ws);
 * }
 * }</pre>
 */
public final class Rnn implements AutoCloseable {
    private final RnnConfig config;
    private final RnnBackend backend;
    private final RnnParameters weights;
    private final PreparedWeights prepared;
    // Set by close(): a native backend frees its prepared weights there, so later calls must not reach it.
    private volatile boolean closed;

    private Rnn(RnnConfig config, RnnBackend backend, RnnParameters weights) {
        this.config = config;
        this.backend = backend;
        this.weights = weights;
        this.prepared = backend.prepare(config, weights);
    }

    /** Binds {@code weights} (the caller's memory, not copied by this call) to {@code backend}. */
    public static Rnn create(RnnConfig config, RnnParameters weights, RnnBackend backend) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        if (backend == null) throw new IllegalArgumentException("backend: expected an RnnBackend but was null");
        checkParameters("weights", weights, config);
        return new Rnn(config, backend, weights);
    }

    /** Same, with the backend looked up by name (see {@link Backends}). */
    public static Rnn create(RnnConfig config, RnnParameters weights, String backendName) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        checkParameters("weights", weights, config);
        return new Rnn(config, Backends.get(backendName), weights);
    }

    public RnnConfig config() {
        return config;
    }

    public String backendName() {
        return backend.name();
    }

    public RnnParameters weights() {
        return weights;
    }

    /**
     * Tells the backend the caller changed the weight values in place (segments stay the same). Backends may
     * work on a prepared copy of the weights (packed, converted): without this call they keep using the values
     * seen at {@link #create} or at the last call of this method.
     */
    public void weightsChanged() {
        checkOpen();
        checkWeightsLive();
        prepared.refresh();
    }

    // ---------------------------------------------------------------- workspaces

    /** Bytes of a workspace for calls up to {@code maxSeqLength} steps and {@code maxBatch} samples. */
    public long workspaceBytes(Mode mode, int maxSeqLength, int maxBatch) {
        if (mode == null) throw new IllegalArgumentException("mode: expected INFERENCE or TRAINING but was null");
        Checks.positive("maxSeqLength", maxSeqLength);
        Checks.positive("maxBatch", maxBatch);
        return backend.workspaceBytes(new RnnPlan(config, maxSeqLength, maxBatch), mode);
    }

    /** A workspace owning fresh memory (freed by {@link RnnWorkspace#close()}). */
    public RnnWorkspace newWorkspace(Mode mode, int maxSeqLength, int maxBatch) {
        long bytes = workspaceBytes(mode, maxSeqLength, maxBatch);
        Arena arena = Arena.ofShared();
        return new RnnWorkspace(arena, arena.allocate(Math.max(bytes, 1), 64), this, mode, maxSeqLength, maxBatch);
    }

    /** A workspace in the caller's memory, which must hold {@link #workspaceBytes} bytes. */
    public RnnWorkspace wrapWorkspace(MemorySegment memory, Mode mode, int maxSeqLength, int maxBatch) {
        long bytes = workspaceBytes(mode, maxSeqLength, maxBatch);
        if (memory == null) throw new IllegalArgumentException("memory: expected a segment of " + bytes + " bytes but was null");
        if (!memory.scope().isAlive()) throw new IllegalArgumentException("memory: expected a live segment but its arena is closed");
        if (memory.isReadOnly()) throw new IllegalArgumentException("memory: expected a writable segment but it is read-only");
        if (memory.byteSize() < bytes) {
            throw new IllegalArgumentException("memory: expected at least " + bytes + " bytes but was " + memory.byteSize());
        }
        return new RnnWorkspace(null, memory, this, mode, maxSeqLength, maxBatch);
    }

    // ---------------------------------------------------------------- sequence calls

    /**
     * Forward over all layers and directions. With a TRAINING workspace it also saves what {@link #backward}
     * needs; with an INFERENCE workspace it saves nothing.
     */
    public void forward(SequenceArgs args, RnnWorkspace workspace) {
        RnnPlan plan = checkSequence(args);
        checkWorkspace(workspace, plan, null);
        checkForwardOutputs(args, plan, workspace);
        workspace.markEmpty();
        backend.forward(prepared, plan, args, workspace.segment, workspace.mode);
        if (workspace.mode == Mode.TRAINING) workspace.markFilled(args);
    }

    /** Backward through time and layers, after a training {@link #forward} with the same args and workspace. */
    public void backward(SequenceArgs args, GradientArgs grads, RnnWorkspace workspace) {
        RnnPlan plan = checkSequence(args);
        checkWorkspace(workspace, plan, Mode.TRAINING);
        if (!workspace.filledFor(args)) {
            throw new IllegalArgumentException("workspace: expected the saved state of a training forward with T="
                    + args.seqLength + ", N=" + args.batch + (args.lengths != null ? " and the same lengths" : "")
                    + " but it holds " + workspace.describeFill());
        }
        checkGradients(args, grads, plan, workspace);
        backend.backward(prepared, plan, args, grads, workspace.segment);
    }

    // ---------------------------------------------------------------- single steps

    /** Bytes of the cache one training step of {@code batch} samples saves for {@link #stepBackward}. */
    public long stepCacheBytes(int batch) {
        Checks.positive("batch", batch);
        return backend.stepCacheBytes(config, batch);
    }

    /** One cell step of layer {@code layer}, direction {@code direction} (0 forward, 1 reverse weights). */
    public void stepForward(int layer, int direction, StepArgs step) {
        checkStep(layer, direction, step);
        long stateElems = (long) step.batch * config.hiddenSize();
        DType dt = config.dtype();
        Checks.tensor("hNext", step.hNext, stateElems, dt, true);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("cNext", step.cNext, stateElems, dt, true);
        } else {
            Checks.absent("cNext", step.cNext, config.cell());
        }
        long cacheBytes = backend.stepCacheBytes(config, step.batch);
        if (step.cache != null) checkBytes("cache", step.cache, cacheBytes, true);
        Overlaps o = new Overlaps(config);
        o.input("input", step.input, (long) step.batch * config.layerInputSize(layer));
        o.input("hPrev", step.hPrev, stateElems);
        o.input("cPrev", step.cPrev, stateElems);
        o.weights(weights);
        o.output("hNext", step.hNext, stateElems);
        o.output("cNext", step.cNext, stateElems);
        o.outputBytes("cache", step.cache, cacheBytes);
        o.check();
        backend.stepForward(prepared, layer, direction, step);
    }

    /** Backward of one step, from the cache its {@link #stepForward} filled (same inputs). */
    public void stepBackward(int layer, int direction, StepArgs step, StepGradients grads) {
        checkStep(layer, direction, step);
        if (grads == null) throw new IllegalArgumentException("grads: expected StepGradients but was null");
        long stateElems = (long) step.batch * config.hiddenSize();
        long inElems = (long) step.batch * config.layerInputSize(layer);
        DType dt = config.dtype();
        long cacheBytes = backend.stepCacheBytes(config, step.batch);
        if (step.cache == null) {
            throw new IllegalArgumentException("cache: expected the cache filled by stepForward (" + cacheBytes
                    + " bytes) but was null");
        }
        checkBytes("cache", step.cache, cacheBytes, false); // only read here
        Checks.optionalTensor("gradHNext", grads.gradHNext, stateElems, dt, false);
        Checks.optionalTensor("gradInput", grads.gradInput, inElems, dt, true);
        Checks.optionalTensor("gradHPrev", grads.gradHPrev, stateElems, dt, true);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("gradCNext", grads.gradCNext, stateElems, dt, false);
            Checks.optionalTensor("gradCPrev", grads.gradCPrev, stateElems, dt, true);
        } else {
            Checks.absent("gradCNext", grads.gradCNext, config.cell());
            Checks.absent("gradCPrev", grads.gradCPrev, config.cell());
        }
        if (grads.weightGrads != null) {
            checkParameters("weightGrads", grads.weightGrads, config);
            checkWritable("weightGrads", grads.weightGrads);
        }
        Overlaps o = new Overlaps(config);
        o.input("input", step.input, inElems);
        o.input("hPrev", step.hPrev, stateElems);
        o.input("cPrev", step.cPrev, stateElems);
        o.inputBytes("cache", step.cache, cacheBytes);
        o.input("gradHNext", grads.gradHNext, stateElems);
        o.input("gradCNext", grads.gradCNext, stateElems);
        o.weights(weights);
        o.output("gradInput", grads.gradInput, inElems);
        o.output("gradHPrev", grads.gradHPrev, stateElems);
        o.output("gradCPrev", grads.gradCPrev, stateElems);
        o.weightGrads(grads.weightGrads, layer, direction);
        o.check();
        backend.stepBackward(prepared, layer, direction, step, grads);
    }

    /** Frees the backend's prepared weights; later calls throw {@link IllegalStateException}. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        prepared.close();
    }

    private void checkOpen() {
        if (closed) throw new IllegalStateException("rnn: expected an open Rnn but close() was called");
    }

    // ---------------------------------------------------------------- validation

    private static void checkParameters(String what, RnnParameters p, RnnConfig config) {
        if (p == null) throw new IllegalArgumentException(what + ": expected RnnParameters but was null");
        if (!p.config().equals(config)) {
            throw new IllegalArgumentException(what + ": expected parameters of " + config + " but they were made for "
                    + p.config());
        }
        p.requireComplete(what);
    }

    private RnnPlan checkSequence(SequenceArgs a) {
        if (a == null) throw new IllegalArgumentException("args: expected SequenceArgs but was null");
        Checks.positive("seqLength", a.seqLength);
        Checks.positive("batch", a.batch);
        RnnPlan plan = new RnnPlan(config, a.seqLength, a.batch);
        DType dt = config.dtype();
        Checks.tensor("input", a.input, plan.inputElements(), dt, false);
        Checks.optionalTensor("h0", a.h0, plan.stateElements(), dt, false);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("c0", a.c0, plan.stateElements(), dt, false);
        } else {
            Checks.absent("c0", a.c0, config.cell());
        }
        if (a.lengths != null) {
            if (a.lengths.length != a.batch) {
                throw new IllegalArgumentException("lengths: expected " + a.batch + " entries (one per sample) but was "
                        + a.lengths.length);
            }
            for (int n = 0; n < a.batch; n++) {
                if (a.lengths[n] < 1 || a.lengths[n] > a.seqLength) {
                    throw new IllegalArgumentException("lengths[" + n + "]: expected a value in 1.." + a.seqLength
                            + " but was " + a.lengths[n]);
                }
            }
        }
        checkWeightsLive();
        return plan;
    }

    private void checkWorkspace(RnnWorkspace ws, RnnPlan plan, Mode required) {
        if (ws == null) throw new IllegalArgumentException("workspace: expected an RnnWorkspace but was null");
        if (ws.owner != this) {
            throw new IllegalArgumentException("workspace: expected a workspace made by this Rnn (" + config + ", "
                    + backend.name() + ") but it was made by another");
        }
        if (!ws.segment.scope().isAlive()) {
            throw new IllegalArgumentException("workspace: expected an open workspace but it is closed");
        }
        if (required != null && ws.mode != required) {
            throw new IllegalArgumentException("workspace: expected a " + required + " workspace but was " + ws.mode);
        }
        if (plan.seqLength() > ws.maxSeqLength || plan.batch() > ws.maxBatch) {
            throw new IllegalArgumentException("workspace: expected room for T=" + plan.seqLength() + ", N="
                    + plan.batch() + " but it was sized for T<=" + ws.maxSeqLength + ", N<=" + ws.maxBatch);
        }
    }

    private void checkForwardOutputs(SequenceArgs a, RnnPlan plan, RnnWorkspace ws) {
        DType dt = config.dtype();
        Checks.tensor("output", a.output, plan.outputElements(), dt, true);
        Checks.optionalTensor("hN", a.hN, plan.stateElements(), dt, true);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("cN", a.cN, plan.stateElements(), dt, true);
        } else {
            Checks.absent("cN", a.cN, config.cell());
        }
        Overlaps o = sequenceInputs(ws.overlaps.reset(), a, plan);
        o.output("output", a.output, plan.outputElements());
        o.output("hN", a.hN, plan.stateElements());
        o.output("cN", a.cN, plan.stateElements());
        // The workspace is written (saved activations, scratch): it must not overlap inputs or outputs either.
        o.outputBytes("workspace", ws.segment, ws.segment.byteSize());
        o.check();
    }

    private void checkGradients(SequenceArgs a, GradientArgs g, RnnPlan plan, RnnWorkspace ws) {
        if (g == null) throw new IllegalArgumentException("grads: expected GradientArgs but was null");
        DType dt = config.dtype();
        long outE = plan.outputElements();
        long stE = plan.stateElements();
        Checks.optionalTensor("gradOutput", g.gradOutput, outE, dt, false);
        Checks.optionalTensor("gradHN", g.gradHN, stE, dt, false);
        Checks.optionalTensor("gradInput", g.gradInput, plan.inputElements(), dt, true);
        Checks.optionalTensor("gradH0", g.gradH0, stE, dt, true);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("gradCN", g.gradCN, stE, dt, false);
            Checks.optionalTensor("gradC0", g.gradC0, stE, dt, true);
        } else {
            Checks.absent("gradCN", g.gradCN, config.cell());
            Checks.absent("gradC0", g.gradC0, config.cell());
        }
        if (g.weightGrads != null) {
            checkParameters("weightGrads", g.weightGrads, config);
            checkWritable("weightGrads", g.weightGrads);
        }
        Overlaps o = sequenceInputs(ws.overlaps.reset(), a, plan);
        o.input("gradOutput", g.gradOutput, outE);
        o.input("gradHN", g.gradHN, stE);
        o.input("gradCN", g.gradCN, stE);
        o.output("gradInput", g.gradInput, plan.inputElements());
        o.output("gradH0", g.gradH0, stE);
        o.output("gradC0", g.gradC0, stE);
        o.weightGrads(g.weightGrads, -1, -1);
        o.outputBytes("workspace", ws.segment, ws.segment.byteSize());
        o.check();
    }

    private Overlaps sequenceInputs(Overlaps o, SequenceArgs a, RnnPlan plan) {
        o.input("input", a.input, plan.inputElements());
        o.input("h0", a.h0, plan.stateElements());
        o.input("c0", a.c0, plan.stateElements());
        o.weights(weights);
        return o;
    }

    private void checkStep(int layer, int direction, StepArgs s) {
        Checks.inRange("layer", layer, 0, config.layers() - 1);
        Checks.inRange("direction", direction, 0, config.directions() - 1);
        if (s == null) throw new IllegalArgumentException("step: expected StepArgs but was null");
        Checks.positive("batch", s.batch);
        long stateElems = (long) s.batch * config.hiddenSize();
        DType dt = config.dtype();
        Checks.tensor("input", s.input, (long) s.batch * config.layerInputSize(layer), dt, false);
        Checks.optionalTensor("hPrev", s.hPrev, stateElems, dt, false);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("cPrev", s.cPrev, stateElems, dt, false);
        } else {
            Checks.absent("cPrev", s.cPrev, config.cell());
        }
        checkWeightsLive();
    }

    /** The weights are the caller's memory: an arena closed after {@link #create} must not reach a backend. */
    private void checkWeightsLive() {
        checkOpen();
        java.util.List<ParamId> ids = weights.ids();
        for (int i = 0; i < ids.size(); i++) {
            if (!weights.get(ids.get(i)).scope().isAlive()) {
                throw new IllegalArgumentException("weights." + ids.get(i).name()
                        + ": expected a live segment but its arena is closed");
            }
        }
    }

    /** Weight-gradient buffers are written: each must be writable, checked before anything is written. */
    private static void checkWritable(String what, RnnParameters p) {
        java.util.List<ParamId> ids = p.ids();
        for (int i = 0; i < ids.size(); i++) {
            if (p.get(ids.get(i)).isReadOnly()) {
                throw new IllegalArgumentException(what + "." + ids.get(i).name()
                        + ": expected a writable segment but it is read-only");
            }
        }
    }

    private static void checkBytes(String name, MemorySegment seg, long bytes, boolean written) {
        if (!seg.scope().isAlive()) throw new IllegalArgumentException(name + ": expected a live segment but its arena is closed");
        if (written && seg.isReadOnly()) throw new IllegalArgumentException(name + ": expected a writable segment but it is read-only");
        if (seg.byteSize() < bytes) {
            throw new IllegalArgumentException(name + ": expected at least " + bytes + " bytes but was " + seg.byteSize());
        }
    }
}
