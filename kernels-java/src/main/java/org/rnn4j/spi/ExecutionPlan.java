package org.rnn4j.spi;

import org.rnn4j.Mode;
import org.rnn4j.RnnPlan;

/**
 * What a backend derives once from a workspace's capacity and mode: where each saved tensor and each scratch
 * buffer sits in the workspace (offsets, leading dimensions per layer and direction), which kernels and
 * blockings run, and any per-thread scratch the backend keeps beside the workspace. Built by
 * {@link RnnBackend#plan} or {@link RnnBackend#stepPlan} when a workspace is made, kept in that workspace and
 * handed back to every call that uses it, so calls decide nothing and allocate nothing.
 *
 * <p>A plan belongs to one workspace, and a workspace serves one call at a time: a backend may keep mutable
 * per-call scratch in its plan. Calls may use any T and N up to the capacity.
 */
public interface ExecutionPlan {
    /** The largest call this plan serves: config, max T (1 for step plans) and max N. */
    RnnPlan capacity();

    /** INFERENCE or TRAINING: what the workspace keeps for backward. */
    Mode mode();

    /**
     * Bytes of workspace memory the calls of this plan use (saved state and scratch), from its start. Sizes
     * the workspace; the whole range counts as written for the overlap checks.
     */
    long workspaceBytes();

    /**
     * Bytes of memory (Java heap or native) the backend keeps beside the workspace for this plan's calls (its
     * scratchpad, in oneDNN's terms), allocated on first use and freed with the workspace; 0 when it keeps none.
     * For capacity planning: {@code workspaceBytes() + scratchBytes()} is what a workspace costs.
     */
    default long scratchBytes() {
        return 0;
    }
}
