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
    public long workspaceBytes(RnnPlan plan, Mode mode) {
        return delegate.workspaceBytes(plan, mode);
    }

    @Override
    public long stepWorkspaceBytes(RnnConfig config, int batch, Mode mode) {
        return delegate.stepWorkspaceBytes(config, batch, mode);
    }

    @Override
    public void forward(PreparedWeights w, RnnPlan plan, SequenceArgs args, MemorySegment ws, Mode mode) {
        delegate.forward(w, plan, args, ws, mode);
    }

    @Override
    public void backward(PreparedWeights w, RnnPlan plan, SequenceArgs args, GradientArgs grads, MemorySegment ws) {
        delegate.backward(w, plan, args, grads, ws);
    }

    @Override
    public void stepForward(PreparedWeights w, int layer, int direction, StepArgs step, MemorySegment ws,
                            Mode mode) {
        delegate.stepForward(w, layer, direction, step, ws, mode);
    }

    @Override
    public void stepBackward(PreparedWeights w, int layer, int direction, StepArgs step, StepGradients grads,
                             MemorySegment ws) {
        delegate.stepBackward(w, layer, direction, step, grads, ws);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
