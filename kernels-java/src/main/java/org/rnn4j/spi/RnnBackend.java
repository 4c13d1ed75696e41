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
 * <p>Implementations are thread-safe: concurrent calls with distinct workspaces and outputs are allowed.
 * A backend instance owns its resources (thread pools, native memory) and frees them in {@link #close()}.
 */
public interface RnnBackend extends AutoCloseable {
    String name();

    PreparedWeights prepare(RnnConfig config, RnnParameters weights);

    /** Workspace bytes a call of {@code plan} needs in {@code mode}; non-decreasing in T and N. */
    long workspaceBytes(RnnPlan plan, Mode mode);

    /** Forward over the whole stack; in TRAINING mode saves into {@code workspace} what backward needs. */
    void forward(PreparedWeights weights, RnnPlan plan, SequenceArgs args, MemorySegment workspace, Mode mode);

    /** Backward through time and layers, from the workspace of the matching training forward. */
    void backward(PreparedWeights weights, RnnPlan plan, SequenceArgs args, GradientArgs grads,
                  MemorySegment workspace);

    /** Step-workspace bytes of one step of {@code batch} samples; in TRAINING mode it holds what stepBackward needs. */
    long stepWorkspaceBytes(RnnConfig config, int batch, Mode mode);

    void stepForward(PreparedWeights weights, int layer, int direction, StepArgs step, MemorySegment workspace,
                     Mode mode);

    void stepBackward(PreparedWeights weights, int layer, int direction, StepArgs step, StepGradients grads,
                      MemorySegment workspace);

    /** Frees what this instance owns; the default has nothing to free. */
    @Override
    default void close() {}
}
