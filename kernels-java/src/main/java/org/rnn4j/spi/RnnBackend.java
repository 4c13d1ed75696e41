package org.rnn4j.spi;

import java.lang.foreign.MemorySegment;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;

/**
 * What a backend implements. Callers use {@link org.rnn4j.Rnn}, which validates every argument before it
 * reaches a backend and hands over its own copy of the arguments: implementations may assume shapes, sizes,
 * lengths (read them with {@link SequenceArgs#length(int)}), dtypes, thread access and disjointness hold,
 * and hold only what differs between backends.
 *
 * <p>Three levels of state, decided as early as possible: {@link #prepare} once per network (packed
 * weights), {@link #plan}/{@link #stepPlan} once per workspace (layout of saved state and scratch, kernel
 * choices for the workspace's capacity), and the calls, which only execute.
 *
 * <p>Implementations are thread-safe: concurrent calls with distinct workspaces and outputs are allowed.
 * A backend instance owns its resources (thread pools, native memory) and frees them in {@link #close()}.
 */
public interface RnnBackend extends AutoCloseable {
    String name();

    /**
     * The backend's ready-to-run form of {@code weights} for {@code config}. The parameters may have been made
     * for a config that differs from {@code config} only in layout: read shapes from {@code config}.
     */
    PreparedWeights prepare(RnnConfig config, RnnParameters weights);

    /**
     * The plan of a sequence workspace for calls up to {@code capacity} (T and N) in {@code mode}. Cheap to
     * build (it may be built only to ask its size): large scratch is allocated on first use, not here. Its
     * {@link ExecutionPlan#workspaceBytes()} is non-decreasing in T and N.
     */
    ExecutionPlan plan(PreparedWeights weights, RnnPlan capacity, Mode mode);

    /** The plan of a step workspace for steps of up to {@code maxBatch} samples in {@code mode}. */
    ExecutionPlan stepPlan(PreparedWeights weights, int maxBatch, Mode mode);

    /**
     * Forward over the whole stack. With a TRAINING plan it saves into {@code workspace} what backward needs.
     * {@code args.output()} may be null (only when {@code args.hN()} is given): the last layer's outputs are then
     * not wanted.
     */
    void forward(PreparedWeights weights, ExecutionPlan plan, SequenceArgs args, MemorySegment workspace);

    /** Backward through time and layers, from the workspace of the matching training forward. */
    void backward(PreparedWeights weights, ExecutionPlan plan, SequenceArgs args, GradientArgs grads,
                  MemorySegment workspace);

    /** One cell step; with a TRAINING plan it saves in {@code workspace} what stepBackward needs. */
    void stepForward(PreparedWeights weights, ExecutionPlan plan, int layer, int direction, StepArgs step,
                     MemorySegment workspace);

    /** Backward of one step, from the workspace of its training stepForward. */
    void stepBackward(PreparedWeights weights, ExecutionPlan plan, int layer, int direction, StepArgs step,
                      StepGradients grads, MemorySegment workspace);

    /** Frees what this instance owns; the default has nothing to free. */
    @Override
    default void close() {}
}
