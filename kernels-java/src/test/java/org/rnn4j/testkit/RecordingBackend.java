package org.rnn4j.testkit;

import java.lang.foreign.MemorySegment;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;

/**
 * A backend that counts every call, optionally runs a hook at the start of the compute calls (to act like a
 * caller changing its arguments while a call runs), and then either forwards to a delegate or, when
 * {@code compute} is false, does nothing at all (a no-op backend, so that what remains of a call is
 * {@link org.rnn4j.Rnn}'s own validation, with the delegate's workspace plans). Counting and the no-op path
 * allocate nothing. Closing it closes the delegate.
 */
public class RecordingBackend implements RnnBackend {
    public final RnnBackend delegate;
    /** false: forward/backward/step calls do nothing. */
    public final boolean compute;
    /** Whether the delegate prepares the weights (always when computing; its plans may need them). */
    private final boolean prepareDelegate;

    public final AtomicInteger prepares = new AtomicInteger();
    public final AtomicInteger refreshes = new AtomicInteger();
    public final AtomicInteger preparedCloses = new AtomicInteger();
    public final AtomicInteger workspaceBytesCalls = new AtomicInteger();
    public final AtomicInteger stepWorkspaceBytesCalls = new AtomicInteger();
    public final AtomicInteger forwards = new AtomicInteger();
    public final AtomicInteger backwards = new AtomicInteger();
    public final AtomicInteger stepForwards = new AtomicInteger();
    public final AtomicInteger stepBackwards = new AtomicInteger();
    public final AtomicInteger closes = new AtomicInteger();
    /** The largest seqLength·batch of any plan the backend was asked to size a workspace for. */
    public volatile long largestPlan;

    public volatile Consumer<SequenceArgs> onForward;
    public volatile BiConsumer<SequenceArgs, GradientArgs> onBackward;
    public volatile Consumer<StepArgs> onStepForward;
    public volatile BiConsumer<StepArgs, StepGradients> onStepBackward;
    /** Thrown by the next {@link #prepare} when set. */
    public volatile RuntimeException failPrepare;

    private RecordingBackend(RnnBackend delegate, boolean compute, boolean prepareDelegate) {
        this.delegate = delegate;
        this.compute = compute;
        this.prepareDelegate = compute || prepareDelegate;
    }

    /** Records and computes with {@code delegate}. */
    public static RecordingBackend over(RnnBackend delegate) {
        return new RecordingBackend(delegate, true, true);
    }

    /** Records and computes with the reference backend. */
    public static RecordingBackend reference() {
        return over(new ReferenceBackend());
    }

    /**
     * Records and computes nothing; the workspaces are those of {@code delegate}, which prepares the weights
     * (once per Rnn) for its plans.
     */
    public static RecordingBackend noopOver(RnnBackend delegate) {
        return new RecordingBackend(delegate, false, true);
    }

    /**
     * Records and computes nothing; sizes come from the reference backend, which prepares nothing (its plans
     * need only the config), so even networks too large to prepare can be created.
     */
    public static RecordingBackend noop() {
        return new RecordingBackend(new ReferenceBackend(), false, false);
    }

    /** Calls that reach a computation or the workspace: forward, backward and both step calls. */
    public int computeCalls() {
        return forwards.get() + backwards.get() + stepForwards.get() + stepBackwards.get();
    }

    @Override
    public String name() {
        return "test-recording";
    }

    /** The prepared form: the delegate's (null when not computing), counting refresh and close. */
    private final class Prepared implements PreparedWeights {
        final RnnConfig config;
        final PreparedWeights inner;

        Prepared(RnnConfig config, PreparedWeights inner) {
            this.config = config;
            this.inner = inner;
        }

        @Override
        public RnnConfig config() {
            return config;
        }

        @Override
        public void refresh() {
            refreshes.incrementAndGet();
            if (inner != null) inner.refresh();
        }

        @Override
        public void close() {
            preparedCloses.incrementAndGet();
            if (inner != null) inner.close();
        }
    }

    private static PreparedWeights inner(PreparedWeights w) {
        return ((Prepared) w).inner;
    }

    @Override
    public PreparedWeights prepare(RnnConfig config, RnnParameters weights) {
        prepares.incrementAndGet();
        RuntimeException fail = failPrepare;
        if (fail != null) {
            failPrepare = null;
            throw fail;
        }
        return new Prepared(config, prepareDelegate ? delegate.prepare(config, weights) : null);
    }

    /** A plan of the delegate (or, when not computing, one of no bytes) for {@code capacity}. */
    private record Plan(RnnPlan capacity, Mode mode, long workspaceBytes, ExecutionPlan inner)
            implements ExecutionPlan {}

    @Override
    public ExecutionPlan plan(PreparedWeights w, RnnPlan capacity, Mode mode) {
        workspaceBytesCalls.incrementAndGet();
        long tn = (long) capacity.seqLength() * capacity.batch();
        if (tn > largestPlan) largestPlan = tn;
        ExecutionPlan p = delegate.plan(delegatePrepared(w), capacity, mode);
        return new Plan(capacity, mode, p.workspaceBytes(), p);
    }

    @Override
    public ExecutionPlan stepPlan(PreparedWeights w, int maxBatch, Mode mode) {
        stepWorkspaceBytesCalls.incrementAndGet();
        ExecutionPlan p = delegate.stepPlan(delegatePrepared(w), maxBatch, mode);
        return new Plan(p.capacity(), mode, p.workspaceBytes(), p);
    }

    /** The delegate's prepared weights, or (for {@link #noop()}) ours: the reference's plans need only the config. */
    private static PreparedWeights delegatePrepared(PreparedWeights w) {
        PreparedWeights inner = inner(w);
        return inner != null ? inner : w;
    }

    private static ExecutionPlan inner(ExecutionPlan p) {
        return ((Plan) p).inner;
    }

    @Override
    public void forward(PreparedWeights w, ExecutionPlan plan, SequenceArgs args, MemorySegment ws) {
        forwards.incrementAndGet();
        Consumer<SequenceArgs> hook = onForward;
        if (hook != null) hook.accept(args);
        if (compute) delegate.forward(inner(w), inner(plan), args, ws);
    }

    @Override
    public void backward(PreparedWeights w, ExecutionPlan plan, SequenceArgs args, GradientArgs grads,
                         MemorySegment ws) {
        backwards.incrementAndGet();
        BiConsumer<SequenceArgs, GradientArgs> hook = onBackward;
        if (hook != null) hook.accept(args, grads);
        if (compute) delegate.backward(inner(w), inner(plan), args, grads, ws);
    }

    @Override
    public void stepForward(PreparedWeights w, ExecutionPlan plan, int layer, int direction, StepArgs step,
                            MemorySegment ws) {
        stepForwards.incrementAndGet();
        Consumer<StepArgs> hook = onStepForward;
        if (hook != null) hook.accept(step);
        if (compute) delegate.stepForward(inner(w), inner(plan), layer, direction, step, ws);
    }

    @Override
    public void stepBackward(PreparedWeights w, ExecutionPlan plan, int layer, int direction, StepArgs step,
                             StepGradients grads, MemorySegment ws) {
        stepBackwards.incrementAndGet();
        BiConsumer<StepArgs, StepGradients> hook = onStepBackward;
        if (hook != null) hook.accept(step, grads);
        if (compute) delegate.stepBackward(inner(w), inner(plan), layer, direction, step, grads, ws);
    }

    @Override
    public void close() {
        closes.incrementAndGet();
        delegate.close();
    }
}
