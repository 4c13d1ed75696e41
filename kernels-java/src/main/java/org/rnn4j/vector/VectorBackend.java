package org.rnn4j.vector;

import java.lang.foreign.MemorySegment;
import org.rnn4j.BackendOptions;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnPlan;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.spi.Cpu;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;
import org.rnn4j.vector.f32.GridF32;
import org.rnn4j.vector.f32.PackedF32;
import org.rnn4j.vector.f64.GridF64;
import org.rnn4j.vector.f64.PackedF64;

/**
 * The {@code vector} backend: every kernel in pure Java on the Vector API. This class only dispatches by dtype;
 * the grid, cell and post-GEMM levels live in {@code f32} (written by hand) and {@code f64} (generated from
 * f32, see {@code docs/kernels.md}).
 */
public final class VectorBackend implements RnnBackend {
    private final WorkerPool pool;

    VectorBackend(BackendOptions options) {
        int threads = options.threads() == 0 ? Cpu.physicalCores() : options.threads();
        this.pool = new WorkerPool(threads, "rnn4j-vector");
    }

    @Override
    public String name() {
        return "vector";
    }

    /** Threads of this instance's team. */
    public int threads() {
        return pool.size();
    }

    @Override
    public PreparedWeights prepare(RnnConfig config, RnnParameters weights) {
        return config.dtype() == DType.F32 ? new PackedF32(config, weights) : new PackedF64(config, weights);
    }

    private static int lanes(RnnConfig c) {
        return c.dtype() == DType.F32 ? Species.F32.length() : Species.F64.length();
    }

    @Override
    public ExecutionPlan plan(PreparedWeights weights, RnnPlan capacity, Mode mode) {
        return new VectorPlan(capacity, mode, false, lanes(capacity.config()), pool.size());
    }

    @Override
    public ExecutionPlan stepPlan(PreparedWeights weights, int maxBatch, Mode mode) {
        return new VectorPlan(new RnnPlan(weights.config(), 1, maxBatch), mode, true, lanes(weights.config()),
                pool.size());
    }

    private Object execution(ExecutionPlan p) {
        VectorPlan vp = (VectorPlan) p;
        Object e = vp.execution();
        if (e == null) {
            e = vp.capacity().config().dtype() == DType.F32 ? new GridF32(vp) : new GridF64(vp);
            vp.execution(e);
        }
        return e;
    }

    @Override
    public void forward(PreparedWeights weights, ExecutionPlan plan, SequenceArgs args, MemorySegment workspace) {
        if (execution(plan) instanceof GridF32 g) g.forward((PackedF32) weights, args, workspace, pool);
        else ((GridF64) execution(plan)).forward((PackedF64) weights, args, workspace, pool);
    }

    @Override
    public void backward(PreparedWeights weights, ExecutionPlan plan, SequenceArgs args, GradientArgs grads,
                         MemorySegment workspace) {
        if (execution(plan) instanceof GridF32 g) g.backward((PackedF32) weights, args, grads, workspace, pool);
        else ((GridF64) execution(plan)).backward((PackedF64) weights, args, grads, workspace, pool);
    }

    @Override
    public void stepForward(PreparedWeights weights, ExecutionPlan plan, int layer, int direction, StepArgs step,
                            MemorySegment workspace) {
        if (execution(plan) instanceof GridF32 g) g.stepForward((PackedF32) weights, layer, direction, step, workspace, pool);
        else ((GridF64) execution(plan)).stepForward((PackedF64) weights, layer, direction, step, workspace, pool);
    }

    @Override
    public void stepBackward(PreparedWeights weights, ExecutionPlan plan, int layer, int direction, StepArgs step,
                             StepGradients grads, MemorySegment workspace) {
        if (execution(plan) instanceof GridF32 g) {
            g.stepBackward((PackedF32) weights, layer, direction, step, grads, workspace, pool);
        } else {
            ((GridF64) execution(plan)).stepBackward((PackedF64) weights, layer, direction, step, grads, workspace, pool);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
