package org.rnn4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.rnn4j.spi.ExecutionPlan;

/**
 * Memory of single-step calls: a backend's scratch and, in TRAINING mode, what {@link Rnn#stepBackward}
 * needs of the {@link Rnn#stepForward} that filled it. A framework that drives the time loop itself keeps
 * one training step workspace per step it will differentiate (for instance by wrapping slices of one large
 * buffer with {@link Rnn#wrapStepWorkspace}). One workspace serves one call at a time.
 */
public final class StepWorkspace implements AutoCloseable {
    private final Arena arena;
    final MemorySegment segment;
    final Rnn owner;
    final Mode mode;
    final int maxBatch;
    // The backend's plan for this workspace's capacity, built once, here.
    final ExecutionPlan plan;
    boolean closed;

    // Which forward filled it; stepBackward checks that it matches.
    long filledGeneration = -1;
    int filledLayer = -1;
    int filledDirection = -1;
    int filledBatch = -1;

    // Per-call state kept here so that validation allocates nothing.
    final Overlaps overlaps;
    final StepArgs args = new StepArgs();
    final StepGradients grads = new StepGradients();

    StepWorkspace(Arena arena, MemorySegment segment, Rnn owner, ExecutionPlan plan) {
        this.arena = arena;
        this.segment = segment;
        this.owner = owner;
        this.plan = plan;
        this.mode = plan.mode();
        this.maxBatch = plan.capacity().batch();
        this.overlaps = new Overlaps(owner.config());
    }

    public Mode mode() {
        return mode;
    }

    public int maxBatch() {
        return maxBatch;
    }

    /** Bytes the backend keeps beside this workspace for its calls (see {@link RnnWorkspace#scratchBytes()}). */
    public long scratchBytes() {
        return plan.scratchBytes();
    }

    public long byteSize() {
        return segment.byteSize();
    }

    void markFilled(int layer, int direction, int batch, long weightsGeneration) {
        filledLayer = layer;
        filledDirection = direction;
        filledBatch = batch;
        filledGeneration = weightsGeneration;
    }

    boolean filledFor(int layer, int direction, int batch) {
        return filledLayer == layer && filledDirection == direction && filledBatch == batch;
    }

    String describeFill() {
        return filledBatch < 0 ? "nothing (no training stepForward has completed with it)"
                : "the step of layer " + filledLayer + ", direction " + filledDirection + ", N=" + filledBatch;
    }

    /**
     * Frees the memory when the workspace allocated it; later calls with it are rejected. Idempotent; must not
     * overlap a call that uses it.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (arena != null) arena.close();
    }
}
