package org.rnn4j;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import org.rnn4j.spi.ExecutionPlan;

/**
 * Scratch and saved-activation memory of sequence calls, sized by {@link Rnn#workspaceBytes} for a largest
 * T and N and reusable for every call up to that size, so steady state allocates nothing. A training forward
 * fills it for the backward of the same arguments. One workspace serves one call at a time: give each thread
 * its own.
 */
public final class RnnWorkspace implements AutoCloseable {
    private final Arena arena;
    final MemorySegment segment;
    final Rnn owner;
    final Mode mode;
    final int maxSeqLength;
    final int maxBatch;
    // The backend's plan for this workspace's capacity: its layout and kernel choices, built once, here.
    final ExecutionPlan plan;
    boolean closed;

    // What the last training forward was run with; backward checks it matches.
    long filledGeneration = -1;
    int filledSeqLength = -1;
    int filledBatch = -1;
    final int[] filledLengths;
    // Per-call state kept here so that validation allocates nothing: the overlap checker, and the copies of
    // the caller's arguments (with their lengths) that calls validate and hand to the backend.
    final Overlaps overlaps;
    final SequenceArgs args = new SequenceArgs();
    final GradientArgs grads = new GradientArgs();
    final int[] lengthsCopy;
    boolean filledWithLengths;
    // The shape of the last call (sizes for validation), reused while T and N stay the same, so that steady
    // state allocates nothing (see Rnn#checkSequence).
    RnnPlan callShape;

    RnnWorkspace(Arena arena, MemorySegment segment, Rnn owner, ExecutionPlan plan) {
        this.arena = arena;
        this.segment = segment;
        this.owner = owner;
        this.plan = plan;
        this.mode = plan.mode();
        this.maxSeqLength = plan.capacity().seqLength();
        this.maxBatch = plan.capacity().batch();
        this.filledLengths = new int[maxBatch];
        this.overlaps = new Overlaps(owner.config());
        this.lengthsCopy = new int[maxBatch];
    }

    public Mode mode() {
        return mode;
    }

    public long byteSize() {
        return segment.byteSize();
    }

    /**
     * Bytes the backend keeps beside this workspace for its calls (scratch on the Java heap or native memory,
     * allocated on first use), beyond {@link #byteSize()}: what the workspace costs in all is the sum.
     */
    public long scratchBytes() {
        return plan.scratchBytes();
    }

    public int maxSeqLength() {
        return maxSeqLength;
    }

    public int maxBatch() {
        return maxBatch;
    }

    void markFilled(SequenceArgs a, long weightsGeneration) {
        filledGeneration = weightsGeneration;
        filledSeqLength = a.seqLength;
        filledBatch = a.batch;
        filledWithLengths = a.lengths != null;
        if (a.lengths != null) System.arraycopy(a.lengths, 0, filledLengths, 0, a.batch);
    }

    void markEmpty() {
        filledSeqLength = -1;
        filledBatch = -1;
    }

    boolean filledFor(SequenceArgs a) {
        if (filledSeqLength != a.seqLength || filledBatch != a.batch) return false;
        if (filledWithLengths != (a.lengths != null)) return false;
        if (a.lengths != null) {
            for (int n = 0; n < a.batch; n++) if (filledLengths[n] != a.lengths[n]) return false;
        }
        return true;
    }

    String describeFill() {
        return filledSeqLength < 0 ? "nothing (no training forward has completed with it)"
                : "the forward of T=" + filledSeqLength + ", N=" + filledBatch
                        + (filledWithLengths ? " with lengths" : " without lengths");
    }

    /**
     * Frees the memory when the workspace allocated it; a wrapped caller segment is left alone. Later calls
     * with it are rejected. Idempotent, like {@link Rnn#close()}; must not overlap a call that uses it.
     */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (arena != null) arena.close();
    }
}
