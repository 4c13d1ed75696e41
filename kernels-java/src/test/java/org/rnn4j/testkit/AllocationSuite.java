package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.Layout;
import org.rnn4j.Mode;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;
import org.rnn4j.StepArgs;
import org.rnn4j.StepGradients;
import org.rnn4j.StepWorkspace;
import org.rnn4j.spi.RnnBackend;

/**
 * Contract (n) of docs/contract.md, "steady-state calls allocate nothing", measured with the JVM's per-thread
 * allocation counter over rounds of 10,000 calls of each kind (sequence forward + backward, step forward +
 * backward) with every optional tensor and the weight gradients given, variable lengths, float32 and float64,
 * all in off-heap segments; after warm-up a round must allocate less than one byte per call.
 * <ul>
 *   <li>Validation: with the backend's compute calls replaced by nothing (a {@link RecordingBackend} that keeps
 *       the backend's own prepared weights and workspace plans), what remains is Rnn's validation (copies of the
 *       arguments, shape, dtype, thread and overlap checks, the workspace match).</li>
 *   <li>The backend's calls themselves. The reference backend is exempt: written for clarity, it allocates
 *       float64 working arrays per call (docs/usage.md); every fast backend must not.</li>
 * </ul>
 *
 * <p>Heap segments are not covered: the public way to learn a heap segment's array ({@code
 * MemorySegment.heapBase()}) returns a new {@code Optional} per tensor check, which the JIT removes only when it
 * inlines that call -- not once a JVM has seen several heap segment classes at the call site (as this test
 * JVM has).
 */
public abstract class AllocationSuite extends BackendSuite {

    protected AllocationSuite(BackendUnderTest backend) {
        super(backend);
    }

    static final int CALLS = 10_000;
    static final int ROUNDS = 12;

    interface Body {
        void run();
    }

    static com.sun.management.ThreadMXBean bean() {
        var b = ManagementFactory.getThreadMXBean();
        assumeTrue(b instanceof com.sun.management.ThreadMXBean, "no per-thread allocation counter in this JVM");
        com.sun.management.ThreadMXBean t = (com.sun.management.ThreadMXBean) b;
        assumeTrue(t.isThreadAllocatedMemorySupported(), "no per-thread allocation counter in this JVM");
        if (!t.isThreadAllocatedMemoryEnabled()) t.setThreadAllocatedMemoryEnabled(true);
        return t;
    }

    /**
     * Runs {@code body} CALLS times per round until a round allocates less than one byte per call on average
     * (warm-up rounds let the JIT compile the validation path), and returns the per-call bytes of every round.
     */
    static List<Double> measure(Body body) {
        com.sun.management.ThreadMXBean t = bean();
        List<Double> rounds = new ArrayList<>();
        for (int r = 0; r < ROUNDS; r++) {
            long before = t.getCurrentThreadAllocatedBytes();
            for (int i = 0; i < CALLS; i++) body.run();
            long bytes = t.getCurrentThreadAllocatedBytes() - before;
            rounds.add((double) bytes / CALLS);
            if (bytes < CALLS) break; // < 1 byte per call
        }
        return rounds;
    }

    static void assertAllocationFree(String what, Body body) {
        List<Double> rounds = measure(body);
        double last = rounds.get(rounds.size() - 1);
        assertTrue(last < 1, what + ": bytes allocated per call in each round of " + CALLS + " calls: " + rounds);
    }

    /** Everything one network needs for the four calls; all arguments built once, as a framework would. */
    static final class Setup implements AutoCloseable {
        final RnnBackend backend;
        final Arena arena = Arena.ofShared();
        final Rnn rnn;
        final RnnWorkspace ws;
        final StepWorkspace sws;
        final SequenceArgs args;
        final GradientArgs grads;
        final StepArgs step;
        final StepGradients stepGrads;
        final int layer;
        final int dir;

        /** A network on {@code backend} (closed with the setup) with small random weights. */
        Setup(RnnConfig cfg, int T, int N, RnnBackend backend) {
            this.backend = backend;
            boolean lstm = cfg.cell().hasCellState();
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            RnnParameters dw = RnnParameters.allocate(cfg, arena);
            java.util.Random r = new java.util.Random(cfg.hashCode());
            for (var id : cfg.parameterIds()) fillRandom(w.get(id), cfg.dtype(), r);
            rnn = Rnn.create(cfg, w, backend);
            ws = rnn.newWorkspace(Mode.TRAINING, T, N);
            sws = rnn.newStepWorkspace(Mode.TRAINING, N);
            long st = (long) cfg.stateRows() * N * cfg.hiddenSize();
            long in = (long) T * N * cfg.inputSize(), out = (long) T * N * cfg.outputSize();
            int[] lengths = new int[N];
            for (int n = 0; n < N; n++) lengths[n] = 1 + (n * 3) % T;
            args = new SequenceArgs().shape(T, N).input(mem(in)).output(mem(out))
                    .h0(mem(st)).hN(mem(st)).lengths(lengths);
            grads = new GradientArgs().gradOutput(mem(out)).gradHN(mem(st))
                    .gradInput(mem(in)).gradH0(mem(st)).weightGrads(dw).accumulate(true);
            if (lstm) {
                args.c0(mem(st)).cN(mem(st));
                grads.gradCN(mem(st)).gradC0(mem(st));
            }
            layer = cfg.layers() - 1;
            dir = cfg.directions() - 1;
            long sin = (long) N * cfg.layerInputSize(layer), sh = (long) N * cfg.hiddenSize();
            step = new StepArgs().batch(N).input(mem(sin)).hPrev(mem(sh)).hNext(mem(sh));
            stepGrads = new StepGradients().gradHNext(mem(sh)).gradInput(mem(sin))
                    .gradHPrev(mem(sh)).weightGrads(dw).accumulate(true);
            if (lstm) {
                step.cPrev(mem(sh)).cNext(mem(sh));
                stepGrads.gradCNext(mem(sh)).gradCPrev(mem(sh));
            }
        }

        /** Off-heap memory of {@code elements}, filled with small values (inputs and outputs alike). */
        MemorySegment mem(long elements) {
            MemorySegment s = arena.allocate(elements * rnn.config().dtype().bytes(), 64);
            fillRandom(s, rnn.config().dtype(), new java.util.Random(elements));
            return s;
        }

        static void fillRandom(MemorySegment s, DType dt, java.util.Random r) {
            for (long i = 0; i < s.byteSize() / dt.bytes(); i++) dt.set(s, i, 0.5 * r.nextDouble() - 0.25);
        }

        void sequence() {
            rnn.forward(args, ws);
            rnn.backward(args, grads, ws);
        }

        void steps() {
            rnn.stepForward(layer, dir, step, sws);
            rnn.stepBackward(layer, dir, step, stepGrads, sws);
        }

        @Override
        public void close() {
            ws.close();
            sws.close();
            rnn.close();
            backend.close();
            arena.close();
        }
    }

    static final RnnConfig LSTM = Kit.config(Cell.lstmWithPeepholes(), 5, 6, 2, true, DType.F32, Layout.TIME_MAJOR);
    static final RnnConfig GRU = Kit.config(Kit.gru(), 3, 4, 1, false, DType.F64, Layout.BATCH_FIRST);

    /** The backend's prepared weights and plans, its compute calls replaced by nothing: Rnn's validation. */
    private Setup validationOnly(RnnConfig cfg) {
        return new Setup(cfg, 7, 3, RecordingBackend.noopOver(backend.newBackend()));
    }

    private Setup computing(RnnConfig cfg) {
        assumeFalse(backend.isReferenceBackend(), "the reference backend allocates float64 working arrays per call "
                + "by design (docs/usage.md); the rule is for the fast backends");
        return new Setup(cfg, 7, 3, backend.newBackend());
    }

    /** {@code calls} on a setup of each configuration, made by {@code setup}, allocate nothing in steady state. */
    private static void assertAllocationFree(Function<RnnConfig, Setup> setup, String what, Consumer<Setup> calls) {
        for (RnnConfig cfg : List.of(LSTM, GRU)) {
            try (Setup s = setup.apply(cfg)) {
                assertAllocationFree(what + ", " + cfg, () -> calls.accept(s));
            }
        }
    }

    @Test
    void sequenceCallValidation() {
        assertAllocationFree(this::validationOnly, "forward + backward", Setup::sequence);
    }

    @Test
    void stepCallValidation() {
        assertAllocationFree(this::validationOnly, "stepForward + stepBackward", Setup::steps);
    }

    @Test
    void sequenceCalls() {
        assertAllocationFree(this::computing, "forward + backward", Setup::sequence);
    }

    @Test
    void stepCalls() {
        assertAllocationFree(this::computing, "stepForward + stepBackward", Setup::steps);
    }
}
