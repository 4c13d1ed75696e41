package org.rnn4j.gradcheck;

import java.lang.foreign.MemorySegment;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;

/** Forwards every call to a delegate; tests override a method to break one thing on purpose. */
class DelegatingBackend implements RnnBackend {
    final RnnBackend delegate;

    DelegatingBackend(RnnBackend delegate) {
        this.delegate = delegate;
    }

    @Override
    public String name() {
        return "broken(" + delegate.name() + ")";
    }

    @Override
    public PreparedWeights prepare(RnnConfig config, RnnParameters weights) {
        return delegate.prepare(config, weights);
    }

    @Override
    public ExecutionPlan plan(PreparedWeights w, RnnPlan capacity, Mode mode) {
        return delegate.plan(w, capacity, mode);
    }

    @Override
    public ExecutionPlan stepPlan(PreparedWeights w, int maxBatch, Mode mode) {
        return delegate.stepPlan(w, maxBatch, mode);
    }

    @Override
    public void forward(PreparedWeights w, ExecutionPlan plan, SequenceArgs args, MemorySegment ws) {
        delegate.forward(w, plan, args, ws);
    }

    @Override
    public void backward(PreparedWeights w, ExecutionPlan plan, SequenceArgs args, GradientArgs grads,
                         MemorySegment ws) {
        delegate.backward(w, plan, args, grads, ws);
    }

    @Override
    public void stepForward(PreparedWeights w, ExecutionPlan plan, int layer, int direction, StepArgs step,
                            MemorySegment ws) {
        delegate.stepForward(w, plan, layer, direction, step, ws);
    }

    @Override
    public void stepBackward(PreparedWeights w, ExecutionPlan plan, int layer, int direction, StepArgs step,
                             StepGradients grads, MemorySegment ws) {
        delegate.stepBackward(w, plan, layer, direction, step, grads, ws);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
