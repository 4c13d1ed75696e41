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
 * reaches a backend: implementations may assume shapes, sizes, lengths, dtypes and disjointness hold, and
 * hold only what differs between backends.
 *
 * <p>Implementations are thread-safe: concurrent calls with distinct workspaces, caches and outputs are allowed.
 */
public interface RnnBackend {
    String name();

    PreparedWeights prepare(RnnConfig config, RnnParameters weights);

    /** Workspace bytes a call of {@code plan} needs in {@code mode}; non-decreasing in T and N. */
    long workspaceBytes(RnnPlan plan, Mode mode);

    /** Bytes of the per-step cache of {@code batch} samples. */
    long stepCacheBytes(RnnConfig config, int batch);

    /** Forward over the whole stack; in TRAINING mode saves into {@code workspace} what backward needs. */
    void forward(PreparedWeights weights, RnnPlan plan, SequenceArgs args, MemorySegment workspace, Mode mode);

    /** Backward through time and layers, from the workspace of the matching training forward. */
    void backward(PreparedWeights weights, RnnPlan plan, SequenceArgs args, GradientArgs grads,
                  MemorySegment workspace);

    void stepForward(PreparedWeights weights, int layer, int direction, StepArgs step);

    void stepBackward(PreparedWeights weights, int layer, int direction, StepArgs step, StepGradients grads);
}
