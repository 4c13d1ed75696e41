package org.rnn4j.nativebackend;

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

/**
 * The {@code native} backend: the kernels in C++ ({@code kernels-native/src/main/cpp}: grid, cell GEMMs through
 * OpenBLAS, fused post-GEMM passes), one JNI call per sequence or step call. This class owns the instance's
 * thread team (a C++ object, stopped in {@link #close()}) and dispatches; {@link NativeCall} marshals the
 * arguments, {@link NativeWeights} and {@link NativePlan} are its prepared weights and plans.
 */
final class NativeBackend implements RnnBackend {
    /**
     * System property: {@code openblas} runs the per-step, input and dX products through OpenBLAS instead of the
     * packed C++ kernel (for comparison); the dW products always use OpenBLAS.
     */
    static final String GEMM_PROPERTY = "rnn4j.native.gemm";

    /**
     * System property: calls with fewer floating-point operations than this run alone on the calling thread
     * (default 10^6; tests set 0 so that the team runs every call).
     */
    static final String TEAM_MIN_FLOPS_PROPERTY = "rnn4j.native.teamMinFlops";

    private final int threads;
    /** Calls below this many flops run alone (see {@link #TEAM_MIN_FLOPS_PROPERTY}). */
    final long teamMinFlops;
    /** Whether every product goes through OpenBLAS (for comparison) rather than the packed kernel. */
    final boolean gemmOpenblas;
    private long team;

    NativeBackend(int threads) {
        String gemm = System.getProperty(GEMM_PROPERTY, "packed").trim();
        if (!gemm.equalsIgnoreCase("packed") && !gemm.equalsIgnoreCase("openblas")) {
            throw new IllegalArgumentException(GEMM_PROPERTY + ": expected packed or openblas but was " + gemm);
        }
        this.gemmOpenblas = gemm.equalsIgnoreCase("openblas");
        this.teamMinFlops = Long.getLong(TEAM_MIN_FLOPS_PROPERTY, 1_000_000L);
        NativeLibraryInfo.requireLoaded();
        // The team shares the work of every product; OpenBLAS's own pool would spin on the same cores.
        NativeBlasLibrary.openblasSingleThread();
        this.threads = threads;
        this.team = NativeBlasLibrary.teamCreate(threads);
        if (team == 0) {
            throw new IllegalStateException("backend 'native': could not start a team of " + threads + " threads");
        }
    }

    @Override
    public String name() {
        return "native";
    }

    /** Threads of this instance's team. */
    int threads() {
        return threads;
    }

    @Override
    public PreparedWeights prepare(RnnConfig config, RnnParameters weights) {
        return new NativeWeights(config, weights);
    }

    @Override
    public ExecutionPlan plan(PreparedWeights weights, RnnPlan capacity, Mode mode) {
        return new NativePlan(capacity, mode, false, gemmOpenblas);
    }

    @Override
    public ExecutionPlan stepPlan(PreparedWeights weights, int maxBatch, Mode mode) {
        return new NativePlan(new RnnPlan(weights.config(), 1, maxBatch), mode, true, gemmOpenblas);
    }

    @Override
    public void forward(PreparedWeights weights, ExecutionPlan plan, SequenceArgs args, MemorySegment workspace) {
        NativeCall.forward(this, (NativeWeights) weights, (NativePlan) plan, args, workspace);
    }

    @Override
    public void backward(PreparedWeights weights, ExecutionPlan plan, SequenceArgs args, GradientArgs grads,
                         MemorySegment workspace) {
        NativeCall.backward(this, (NativeWeights) weights, (NativePlan) plan, args, grads, workspace);
    }

    @Override
    public void stepForward(PreparedWeights weights, ExecutionPlan plan, int layer, int direction, StepArgs step,
                            MemorySegment workspace) {
        NativeCall.stepForward(this, (NativeWeights) weights, (NativePlan) plan, layer, direction, step, workspace);
    }

    @Override
    public void stepBackward(PreparedWeights weights, ExecutionPlan plan, int layer, int direction, StepArgs step,
                             StepGradients grads, MemorySegment workspace) {
        NativeCall.stepBackward(this, (NativeWeights) weights, (NativePlan) plan, layer, direction, step, grads,
                workspace);
    }

    long team() {
        long t = team;
        if (t == 0) throw new IllegalStateException("backend 'native': expected an open backend but close() was called");
        return t;
    }

    @Override
    public synchronized void close() {
        long t = team;
        team = 0;
        if (t != 0) NativeBlasLibrary.teamDestroy(t);
    }
}
