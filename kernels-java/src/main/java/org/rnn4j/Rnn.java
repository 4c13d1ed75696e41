package org.rnn4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;
import org.rnn4j.spi.SegmentRules;

/**
 * A recurrent network bound to a backend and to the caller's weights: the one entry point frameworks call.
 * Every call validates all its arguments first (shapes, sizes, lengths, dtype, thread access, overlaps,
 * workspace) and throws {@link IllegalArgumentException} naming the argument, the expected and the given
 * value before anything is computed or written; then it delegates to the backend. Calls validate and run on
 * a copy of the argument objects kept in the workspace, so steady-state calls allocate nothing here.
 *
 * <p>Thread safety: forward, backward and step calls may run concurrently from many threads as long as each
 * uses its own workspace and outputs. {@link #weightsChanged()} and {@link #close()} must not overlap any call.
 *
 * <pre>{@code
 * RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 32, 64).layers(2).dtype(DType.F32).build();
 * RnnParameters w = RnnParameters.of(cfg).set("weight_ih_l0", wih0).set("weight_hh_l0", whh0)...;
 * try (Rnn rnn = Rnn.create(cfg, w, "reference", BackendOptions.defaults());   // owns its backend
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
    private final boolean ownsBackend;
    private final RnnParameters weights;
    private final PreparedWeights prepared;
    // Set by close(): a native backend frees its prepared weights there, so later calls must not reach it.
    private volatile boolean closed;
    // Counts weightsChanged() calls: a training forward records it in its workspace, and backward refuses
    // saved state from older weights (it would mix the new weights with gates computed from the old ones).
    private long weightsGeneration;

    private Rnn(RnnConfig config, RnnBackend backend, boolean ownsBackend, RnnParameters weights) {
        this.config = config;
        this.backend = backend;
        this.ownsBackend = ownsBackend;
        this.weights = weights.frozenCopy();
        this.prepared = backend.prepare(config, this.weights);
    }

    /**
     * Binds {@code weights} (the caller's segments, which stay theirs) to {@code backend}. The backend prepares
     * them once here (a converted or packed copy); see {@link #weightsChanged()} for updates in place. Later
     * {@link RnnParameters#set} calls on {@code weights} do not affect this Rnn: it binds a frozen copy of the
     * set.
     *
     * <p>Ownership: {@code backend} stays the caller's. {@link #close()} frees only what the backend prepared
     * for this Rnn, never the backend itself, so one instance may serve several networks; the caller closes it
     * after the last of them. Prefer {@link #create(RnnConfig, RnnParameters, String, BackendOptions)}, which
     * owns its backend.
     */
    public static Rnn create(RnnConfig config, RnnParameters weights, RnnBackend backend) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        if (backend == null) throw new IllegalArgumentException("backend: expected an RnnBackend but was null");
        checkParameters("weights", weights, config);
        return new Rnn(config, backend, false, weights);
    }

    /**
     * Binds {@code weights} to a new instance of the backend named {@code backendName} (see {@link Backends})
     * with default options. This Rnn owns that instance: {@link #close()} closes it (and a failed create does).
     */
    public static Rnn create(RnnConfig config, RnnParameters weights, String backendName) {
        return create(config, weights, backendName, BackendOptions.defaults());
    }

    /**
     * The owning form: binds {@code weights} to a new instance of backend {@code backendName} with
     * {@code options} (threads), which this Rnn owns and closes in {@link #close()} (a failed create closes it
     * too). With the backend chosen by the system property {@code rnn4j.backend}:
     * {@code Rnn.create(cfg, w, Backends.nameFromSystemProperty("reference"), options)}.
     */
    public static Rnn create(RnnConfig config, RnnParameters weights, String backendName, BackendOptions options) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        checkParameters("weights", weights, config);
        RnnBackend backend = Backends.get(backendName, options);
        try {
            return new Rnn(config, backend, true, weights);
        } catch (RuntimeException | Error e) {
            backend.close();
            throw e;
        }
    }

    public RnnConfig config() {
        return config;
    }

    public String backendName() {
        return backend.name();
    }

    /** The bound (frozen) parameter set: the caller's segments as they were at {@link #create}. */
    public RnnParameters weights() {
        return weights;
    }

    /**
     * Tells the backend the caller changed the weight values in place (segments stay the same). Backends may
     * work on a prepared copy of the weights (packed, converted): without this call they keep using the values
     * seen at {@link #create} or at the last call of this method.
     */
    public void weightsChanged() {
        checkWeightsLive();
        weightsGeneration++;
        prepared.refresh();
    }

    // ---------------------------------------------------------------- workspaces

    /** Bytes of a workspace for calls up to {@code maxSeqLength} steps and {@code maxBatch} samples. */
    public long workspaceBytes(Mode mode, int maxSeqLength, int maxBatch) {
        return sequencePlan(mode, maxSeqLength, maxBatch).workspaceBytes();
    }

    /** A workspace owning fresh memory (freed by {@link RnnWorkspace#close()}). */
    public RnnWorkspace newWorkspace(Mode mode, int maxSeqLength, int maxBatch) {
        ExecutionPlan plan = sequencePlan(mode, maxSeqLength, maxBatch);
        Arena arena = Arena.ofShared();
        return new RnnWorkspace(arena, arena.allocate(plan.workspaceBytes(), 64), this, plan);
    }

    /** A workspace in the caller's memory, which must hold {@link #workspaceBytes} bytes. */
    public RnnWorkspace wrapWorkspace(MemorySegment memory, Mode mode, int maxSeqLength, int maxBatch) {
        ExecutionPlan plan = sequencePlan(mode, maxSeqLength, maxBatch);
        Checks.memory("memory", memory, plan.workspaceBytes(), true);
        return new RnnWorkspace(null, memory, this, plan);
    }

    /** Bytes of a step workspace for steps of up to {@code maxBatch} samples. */
    public long stepWorkspaceBytes(Mode mode, int maxBatch) {
        return stepPlan(mode, maxBatch).workspaceBytes();
    }

    /** A step workspace owning fresh memory (freed by {@link StepWorkspace#close()}). */
    public StepWorkspace newStepWorkspace(Mode mode, int maxBatch) {
        ExecutionPlan plan = stepPlan(mode, maxBatch);
        Arena arena = Arena.ofShared();
        return new StepWorkspace(arena, arena.allocate(plan.workspaceBytes(), 64), this, plan);
    }

    /** A step workspace in the caller's memory, which must hold {@link #stepWorkspaceBytes} bytes. */
    public StepWorkspace wrapStepWorkspace(MemorySegment memory, Mode mode, int maxBatch) {
        ExecutionPlan plan = stepPlan(mode, maxBatch);
        Checks.memory("memory", memory, plan.workspaceBytes(), true);
        return new StepWorkspace(null, memory, this, plan);
    }

    /** The backend's plan for a sequence workspace of this capacity: the one place workspaces are laid out. */
    private ExecutionPlan sequencePlan(Mode mode, int maxSeqLength, int maxBatch) {
        checkOpen();
        if (mode == null) throw new IllegalArgumentException("mode: expected INFERENCE or TRAINING but was null");
        Checks.positive("maxSeqLength", maxSeqLength);
        Checks.positive("maxBatch", maxBatch);
        return backend.plan(prepared, new RnnPlan(config, maxSeqLength, maxBatch), mode);
    }

    private ExecutionPlan stepPlan(Mode mode, int maxBatch) {
        checkOpen();
        if (mode == null) throw new IllegalArgumentException("mode: expected INFERENCE or TRAINING but was null");
        Checks.positive("maxBatch", maxBatch);
        new RnnPlan(config, 1, maxBatch); // the same size bounds as a sequence of one step
        return backend.stepPlan(prepared, maxBatch, mode);
    }

    // ---------------------------------------------------------------- sequence calls

    /**
     * Forward over all layers and directions. With a TRAINING workspace it also saves what {@link #backward}
     * needs; with an INFERENCE workspace it saves nothing.
     */
    public void forward(SequenceArgs args, RnnWorkspace workspace) {
        checkWorkspace(workspace, null);
        if (args == null) throw new IllegalArgumentException("args: expected SequenceArgs but was null");
        SequenceArgs a = workspace.args.copyFrom(args, workspace.lengthsCopy);
        RnnPlan plan = checkSequence(a, workspace);
        DType dt = config.dtype();
        // A sequence-to-one model wants only the final states: output may then be left out.
        if (a.output != null || a.hN == null) Checks.tensor("output", a.output, plan.outputElements(), dt, true,
                " (it may be null only when hN is given)");
        Checks.optionalTensor("hN", a.hN, plan.stateElements(), dt, true);
        if (config.cell().hasCellState()) Checks.optionalTensor("cN", a.cN, plan.stateElements(), dt, true);
        Overlaps o = sequenceInputs(workspace, a, plan);
        o.output("output", a.output, plan.outputElements());
        o.output("hN", a.hN, plan.stateElements());
        o.output("cN", a.cN, plan.stateElements());
        // The workspace is written too (saved activations, scratch).
        o.outputBytes("workspace", workspace.segment, workspace.plan.workspaceBytes());
        o.check();
        workspace.markEmpty();
        backend.forward(prepared, workspace.plan, a, workspace.segment);
        if (workspace.mode == Mode.TRAINING) workspace.markFilled(a, weightsGeneration);
    }

    /** Backward through time and layers, after a training {@link #forward} with the same args and workspace. */
    public void backward(SequenceArgs args, GradientArgs grads, RnnWorkspace workspace) {
        checkWorkspace(workspace, Mode.TRAINING);
        if (args == null) throw new IllegalArgumentException("args: expected SequenceArgs but was null");
        if (grads == null) throw new IllegalArgumentException("grads: expected GradientArgs but was null");
        SequenceArgs a = workspace.args.copyFrom(args, workspace.lengthsCopy);
        GradientArgs g = workspace.grads.copyFrom(grads);
        RnnPlan plan = checkSequence(a, workspace);
        if (!workspace.filledFor(a)) {
            throw new IllegalArgumentException("workspace: expected the saved state of a training forward with T="
                    + a.seqLength + ", N=" + a.batch + (a.lengths != null ? " and the same lengths" : "")
                    + " but it holds " + workspace.describeFill());
        }
        if (workspace.filledGeneration != weightsGeneration) {
            throw new IllegalArgumentException("workspace: expected the saved state of a training forward with the "
                    + "current weights but weightsChanged() was called after the forward that filled it; run the "
                    + "forward again");
        }
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
        if (g.weightGrads != null) checkParameters("weightGrads", g.weightGrads, config, true);
        Overlaps o = sequenceInputs(workspace, a, plan);
        o.input("gradOutput", g.gradOutput, outE);
        o.input("gradHN", g.gradHN, stE);
        o.input("gradCN", g.gradCN, stE);
        o.output("gradInput", g.gradInput, plan.inputElements());
        o.output("gradH0", g.gradH0, stE);
        o.output("gradC0", g.gradC0, stE);
        o.weightGrads(g.weightGrads, -1, -1);
        o.outputBytes("workspace", workspace.segment, workspace.plan.workspaceBytes());
        o.check();
        backend.backward(prepared, workspace.plan, a, g, workspace.segment);
    }

    // ---------------------------------------------------------------- single steps

    /**
     * One cell step of layer {@code layer}, direction {@code direction} (0 forward, 1 reverse weights). With a
     * TRAINING step workspace it saves what {@link #stepBackward} needs.
     */
    public void stepForward(int layer, int direction, StepArgs step, StepWorkspace workspace) {
        checkStepWorkspace(workspace, null);
        StepArgs s = checkStep(layer, direction, step, workspace);
        long stateElems = (long) s.batch * config.hiddenSize();
        DType dt = config.dtype();
        Checks.tensor("hNext", s.hNext, stateElems, dt, true);
        if (config.cell().hasCellState()) Checks.optionalTensor("cNext", s.cNext, stateElems, dt, true);
        Overlaps o = stepInputs(workspace, layer, direction, s);
        o.output("hNext", s.hNext, stateElems);
        o.output("cNext", s.cNext, stateElems);
        o.outputBytes("workspace", workspace.segment, workspace.plan.workspaceBytes());
        o.check();
        workspace.filledBatch = -1;
        backend.stepForward(prepared, workspace.plan, layer, direction, s, workspace.segment);
        if (workspace.mode == Mode.TRAINING) workspace.markFilled(layer, direction, s.batch, weightsGeneration);
    }

    /** Backward of one step, from the workspace its training {@link #stepForward} filled (same inputs). */
    public void stepBackward(int layer, int direction, StepArgs step, StepGradients grads, StepWorkspace workspace) {
        checkStepWorkspace(workspace, Mode.TRAINING);
        if (grads == null) throw new IllegalArgumentException("grads: expected StepGradients but was null");
        StepArgs s = checkStep(layer, direction, step, workspace);
        StepGradients g = workspace.grads.copyFrom(grads);
        if (!workspace.filledFor(layer, direction, s.batch)) {
            throw new IllegalArgumentException("workspace: expected the saved state of a training stepForward of layer "
                    + layer + ", direction " + direction + ", N=" + s.batch + " but it holds " + workspace.describeFill());
        }
        if (workspace.filledGeneration != weightsGeneration) {
            throw new IllegalArgumentException("workspace: expected the saved state of a training stepForward with "
                    + "the current weights but weightsChanged() was called after the stepForward that filled it; run "
                    + "the stepForward again");
        }
        long stateElems = (long) s.batch * config.hiddenSize();
        long inElems = (long) s.batch * config.layerInputSize(layer);
        DType dt = config.dtype();
        Checks.optionalTensor("gradHNext", g.gradHNext, stateElems, dt, false);
        Checks.optionalTensor("gradInput", g.gradInput, inElems, dt, true);
        Checks.optionalTensor("gradHPrev", g.gradHPrev, stateElems, dt, true);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("gradCNext", g.gradCNext, stateElems, dt, false);
            Checks.optionalTensor("gradCPrev", g.gradCPrev, stateElems, dt, true);
        } else {
            Checks.absent("gradCNext", g.gradCNext, config.cell());
            Checks.absent("gradCPrev", g.gradCPrev, config.cell());
        }
        if (g.weightGrads != null) checkParameters("weightGrads", g.weightGrads, config, true);
        Overlaps o = stepInputs(workspace, layer, direction, s);
        o.input("gradHNext", g.gradHNext, stateElems);
        o.input("gradCNext", g.gradCNext, stateElems);
        o.output("gradInput", g.gradInput, inElems);
        o.output("gradHPrev", g.gradHPrev, stateElems);
        o.output("gradCPrev", g.gradCPrev, stateElems);
        o.weightGrads(g.weightGrads, layer, direction);
        o.outputBytes("workspace", workspace.segment, workspace.plan.workspaceBytes());
        o.check();
        backend.stepBackward(prepared, workspace.plan, layer, direction, s, g, workspace.segment);
    }

    /**
     * Frees the backend's prepared weights (and the backend, when this Rnn created it by name); later calls
     * throw {@link IllegalStateException}. Idempotent; must not overlap a call.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            prepared.close();
        } finally {
            if (ownsBackend) backend.close();
        }
    }

    // ---------------------------------------------------------------- validation

    private void checkOpen() {
        if (closed) throw new IllegalStateException("rnn: expected an open Rnn but close() was called");
    }

    private static void checkParameters(String what, RnnParameters p, RnnConfig config) {
        checkParameters(what, p, config, false);
    }

    /**
     * Parameters of a config with the same parameter shapes (the layout does not shape them), complete and
     * usable; every buffer writable when {@code written}: weight gradients are outputs.
     */
    private static void checkParameters(String what, RnnParameters p, RnnConfig config, boolean written) {
        if (p == null) throw new IllegalArgumentException(what + ": expected RnnParameters but was null");
        if (!p.config().hasSameParameters(config)) {
            throw new IllegalArgumentException(what + ": expected parameters of " + config + " (any layout) but they "
                    + "were made for " + p.config());
        }
        p.requireComplete(what, written);
    }

    /** Checks the (copied) sequence inputs and the workspace's capacity; returns the call's plan. */
    private RnnPlan checkSequence(SequenceArgs a, RnnWorkspace ws) {
        Checks.positive("seqLength", a.seqLength);
        Checks.positive("batch", a.batch);
        if (a.seqLength > ws.maxSeqLength || a.batch > ws.maxBatch) {
            throw new IllegalArgumentException("workspace: expected room for T=" + a.seqLength + ", N=" + a.batch
                    + " but it was sized for T<=" + ws.maxSeqLength + ", N<=" + ws.maxBatch);
        }
        // Reuse the workspace's plan while the shape stays the same: a new plan per call would be allocated
        // unless the JIT inlined this method and the backend's methods into the caller (escape analysis).
        RnnPlan plan = ws.callShape;
        if (plan == null || plan.seqLength() != a.seqLength || plan.batch() != a.batch) {
            plan = new RnnPlan(config, a.seqLength, a.batch);
            ws.callShape = plan;
        }
        DType dt = config.dtype();
        Checks.tensor("input", a.input, plan.inputElements(), dt, false);
        Checks.optionalTensor("h0", a.h0, plan.stateElements(), dt, false);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("c0", a.c0, plan.stateElements(), dt, false);
        } else {
            // Forward and backward take the same arguments, so both reject what the cell cannot have.
            Checks.absent("c0", a.c0, config.cell());
            Checks.absent("cN", a.cN, config.cell());
        }
        if (a.lengths != null) {
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

    private void checkWorkspace(RnnWorkspace ws, Mode required) {
        checkOpen();
        if (ws == null) throw new IllegalArgumentException("workspace: expected an RnnWorkspace but was null");
        checkOwnedMemory(ws.owner, ws.closed, ws.segment, ws.mode, required);
    }

    private void checkStepWorkspace(StepWorkspace ws, Mode required) {
        checkOpen();
        if (ws == null) throw new IllegalArgumentException("workspace: expected a StepWorkspace but was null");
        checkOwnedMemory(ws.owner, ws.closed, ws.segment, ws.mode, required);
    }

    private void checkOwnedMemory(Rnn owner, boolean closed, MemorySegment segment, Mode mode, Mode required) {
        if (owner != this) {
            throw new IllegalArgumentException("workspace: expected a workspace made by this Rnn (" + config + ", "
                    + backend.name() + ") but it was made by another");
        }
        if (closed || !segment.scope().isAlive()) {
            throw new IllegalArgumentException("workspace: expected an open workspace but it is closed");
        }
        SegmentRules.accessible(null, "workspace", segment);
        if (required != null && mode != required) {
            throw new IllegalArgumentException("workspace: expected a " + required + " workspace but was " + mode);
        }
    }

    private Overlaps sequenceInputs(RnnWorkspace ws, SequenceArgs a, RnnPlan plan) {
        Overlaps o = ws.overlaps.reset();
        o.input("input", a.input, plan.inputElements());
        o.input("h0", a.h0, plan.stateElements());
        o.input("c0", a.c0, plan.stateElements());
        o.weights(weights, -1, -1);
        return o;
    }

    /** Copies and checks the step's inputs; returns the copy. */
    private StepArgs checkStep(int layer, int direction, StepArgs step, StepWorkspace ws) {
        Checks.inRange("layer", layer, 0, config.layers() - 1);
        Checks.inRange("direction", direction, 0, config.directions() - 1);
        if (step == null) throw new IllegalArgumentException("step: expected StepArgs but was null");
        StepArgs s = ws.args.copyFrom(step);
        Checks.positive("batch", s.batch);
        if (s.batch > ws.maxBatch) {
            throw new IllegalArgumentException("workspace: expected room for N=" + s.batch + " but it was sized for N<="
                    + ws.maxBatch);
        }
        long stateElems = (long) s.batch * config.hiddenSize();
        DType dt = config.dtype();
        Checks.tensor("input", s.input, (long) s.batch * config.layerInputSize(layer), dt, false);
        Checks.optionalTensor("hPrev", s.hPrev, stateElems, dt, false);
        if (config.cell().hasCellState()) {
            Checks.optionalTensor("cPrev", s.cPrev, stateElems, dt, false);
        } else {
            Checks.absent("cPrev", s.cPrev, config.cell());
            Checks.absent("cNext", s.cNext, config.cell());
        }
        checkWeightsLive();
        return s;
    }

    private Overlaps stepInputs(StepWorkspace ws, int layer, int direction, StepArgs s) {
        long stateElems = (long) s.batch * config.hiddenSize();
        Overlaps o = ws.overlaps.reset();
        o.input("input", s.input, (long) s.batch * config.layerInputSize(layer));
        o.input("hPrev", s.hPrev, stateElems);
        o.input("cPrev", s.cPrev, stateElems);
        o.weights(weights, layer, direction);
        return o;
    }

    /** The weights are the caller's memory: an arena closed after {@link #create} must not reach a backend. */
    private void checkWeightsLive() {
        checkOpen();
        weights.requireLive("weights");
    }
}
