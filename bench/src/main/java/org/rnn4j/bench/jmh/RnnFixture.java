package org.rnn4j.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.SplittableRandom;
import java.util.function.LongConsumer;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepWorkspace;
import org.rnn4j.spi.RnnBackend;

/**
 * One timed RNN call with everything it uses: the weights, the inputs, outputs, gradients and the workspace, all
 * off-heap, allocated and filled once with uniform random numbers of a seed, and reused by every call. The one place
 * that builds what {@code ./rnn4j bench}, the JMH suite and the CI gate time.
 *
 * <p>Two phases, so that a caller can check the memory before the big allocations: {@link #open} allocates the
 * weights and binds them to the backend ({@link Rnn#create(RnnConfig, RnnParameters, RnnBackend)}; the backend stays
 * the caller's), {@link #workspaceBytes()} asks the workspace size, {@link #prepare()} allocates the rest.
 * {@link #run()} is the timed call:
 * <ul>
 *   <li>{@code fwd}: {@link Rnn#forward} with an INFERENCE workspace;</li>
 *   <li>{@code fwdbwd}: {@link Rnn#forward} then {@link Rnn#backward} with a TRAINING workspace (output, final
 *       state and input gradients, weight gradients overwritten);</li>
 *   <li>{@code step}: one {@link Rnn#stepForward} with an INFERENCE step workspace.</li>
 * </ul>
 * The random numbers are drawn in a fixed order (weights, scaled by 1/sqrt(H), then the call's tensors), so a seed
 * gives the same data everywhere.
 */
public final class RnnFixture implements AutoCloseable {
    private final RnnConfig cfg;
    private final String mode;
    private final int T;
    private final int N;
    private final DType dt;
    private final LongConsumer allocated;
    private final SplittableRandom rnd;
    private final Arena arena = Arena.ofShared();
    private final Rnn rnn;
    private Runnable call;
    private AutoCloseable workspace;

    private RnnFixture(RnnConfig cfg, RnnBackend backend, String mode, int T, int N, long seed, LongConsumer allocated) {
        if (!mode.equals("fwd") && !mode.equals("fwdbwd") && !mode.equals("step")) {
            throw new IllegalArgumentException("mode: expected fwd, fwdbwd or step but was '" + mode + "'");
        }
        this.cfg = cfg;
        this.mode = mode;
        this.T = T;
        this.N = N;
        this.dt = cfg.dtype();
        this.allocated = allocated != null ? allocated : b -> {};
        this.rnd = new SplittableRandom(seed);
        try {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            this.allocated.accept(cfg.parameterCount() * dt.bytes());
            for (ParamId id : cfg.parameterIds()) fill(dt, w.get(id), rnd, 1 / Math.sqrt(cfg.hiddenSize()));
            this.rnn = Rnn.create(cfg, w, backend);
        } catch (RuntimeException | Error e) {
            arena.close();
            throw e;
        }
    }

    /**
     * Allocates and fills the weights of {@code cfg} and binds them to {@code backend} (which stays the caller's to
     * close, after this fixture). {@code allocated} hears of every off-heap allocation (bytes), may be null.
     */
    public static RnnFixture open(RnnConfig cfg, RnnBackend backend, String mode, int T, int N, long seed,
                                  LongConsumer allocated) {
        return new RnnFixture(cfg, backend, mode, T, N, seed, allocated);
    }

    /** The bytes of the workspace {@link #prepare()} will allocate. */
    public long workspaceBytes() {
        return switch (mode) {
            case "fwd" -> rnn.workspaceBytes(Mode.INFERENCE, T, N);
            case "fwdbwd" -> rnn.workspaceBytes(Mode.TRAINING, T, N);
            default -> rnn.stepWorkspaceBytes(Mode.INFERENCE, N);
        };
    }

    /** Allocates and fills everything the call needs, and makes the workspace. Call once, before {@link #run()}. */
    public RnnFixture prepare() {
        if (call != null) throw new IllegalStateException("prepare: already prepared");
        boolean lstm = cfg.cell().hasCellState();
        long stateElems = (long) cfg.stateRows() * N * cfg.hiddenSize();
        switch (mode) {
            case "fwd", "fwdbwd" -> {
                SequenceArgs a = new SequenceArgs().shape(T, N)
                        .input(random((long) T * N * cfg.inputSize()))
                        .h0(random(stateElems)).c0(lstm ? random(stateElems) : null)
                        .output(zeros((long) T * N * cfg.outputSize()))
                        .hN(zeros(stateElems)).cN(lstm ? zeros(stateElems) : null);
                if (mode.equals("fwd")) {
                    RnnWorkspace inf = rnn.newWorkspace(Mode.INFERENCE, T, N);
                    workspace = inf;
                    call = () -> rnn.forward(a, inf);
                } else {
                    RnnParameters wg = RnnParameters.allocate(cfg, arena);
                    allocated.accept(cfg.parameterCount() * dt.bytes());
                    GradientArgs g = new GradientArgs()
                            .gradOutput(random((long) T * N * cfg.outputSize()))
                            .gradHN(random(stateElems)).gradCN(lstm ? random(stateElems) : null)
                            .gradInput(zeros((long) T * N * cfg.inputSize()))
                            .gradH0(zeros(stateElems)).gradC0(lstm ? zeros(stateElems) : null)
                            .weightGrads(wg);
                    RnnWorkspace train = rnn.newWorkspace(Mode.TRAINING, T, N);
                    workspace = train;
                    call = () -> {
                        rnn.forward(a, train);
                        rnn.backward(a, g, train);
                    };
                }
            }
            default -> {
                StepArgs step = new StepArgs().batch(N).input(random((long) N * cfg.inputSize()))
                        .hPrev(random(stateElems)).cPrev(lstm ? random(stateElems) : null)
                        .hNext(zeros(stateElems)).cNext(lstm ? zeros(stateElems) : null);
                StepWorkspace inf = rnn.newStepWorkspace(Mode.INFERENCE, N);
                workspace = inf;
                call = () -> rnn.stepForward(0, 0, step, inf);
            }
        }
        return this;
    }

    /** The timed call. */
    public void run() {
        call.run();
    }

    /** The call itself (for timing loops that take a {@link Runnable}). */
    public Runnable call() {
        if (call == null) throw new IllegalStateException("run: prepare() was not called");
        return call;
    }

    /** Flops of one call ({@link Flops}). */
    public double flops() {
        return Flops.rnn(cfg.cell(), mode, T, N, cfg.inputSize(), cfg.hiddenSize());
    }

    @Override
    public void close() {
        try {
            if (workspace != null) workspace.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        } finally {
            try {
                rnn.close();
            } finally {
                arena.close();
            }
        }
    }

    private MemorySegment zeros(long elements) {
        long bytes = Math.max(1, elements) * dt.bytes();
        allocated.accept(bytes);
        return arena.allocate(bytes, 64);
    }

    private MemorySegment random(long elements) {
        MemorySegment s = zeros(elements);
        fill(dt, s, rnd, 1);
        return s;
    }

    private static void fill(DType dt, MemorySegment s, SplittableRandom rnd, double scale) {
        long n = s.byteSize() / dt.bytes();
        for (long i = 0; i < n; i++) {
            dt.set(s, i, scale * (2 * rnd.nextDouble() - 1));
        }
    }
}
