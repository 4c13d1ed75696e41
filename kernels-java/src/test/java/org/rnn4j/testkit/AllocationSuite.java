package org.rnn4j.contract;

import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
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

/**
 * "Steady-state calls allocate nothing": with a backend that does nothing, what a call costs is Rnn's own
 * validation (copies of the arguments, shape, dtype, thread and overlap checks, the workspace match). After
 * warm-up it must allocate 0 bytes per call, measured with the JVM's per-thread allocation counter over
 * 10,000 calls of each kind (sequence forward + backward, step forward + backward) with every optional tensor
 * and the weight gradients given, variable lengths, float32 and float64, all in off-heap segments.
 *
 * <p>Heap segments are not covered: the public way to learn a heap segment's array ({@code
 * MemorySegment.heapBase()}) returns a new {@code Optional} per tensor check, which the JIT removes only when it
 * inlines that call -- not once a JVM has seen several heap segment classes at the call site (as this test
 * JVM has).
 */
class SteadyStateAllocationTest {

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

        Setup(RnnConfig cfg, int T, int N) {
            boolean lstm = cfg.cell().hasCellState();
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            RnnParameters dw = RnnParameters.allocate(cfg, arena);
            rnn = Rnn.create(cfg, w, RecordingBackend.noop());
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

        MemorySegment mem(long elements) {
            return arena.allocate(elements * rnn.config().dtype().bytes(), 64);
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
            arena.close();
        }
    }

    static final RnnConfig LSTM = Ref.config(Cell.lstmWithPeepholes(), 5, 6, 2, true, DType.F32, Layout.TIME_MAJOR);
    static final RnnConfig GRU = Ref.config(Ref.gru(), 3, 4, 1, false, DType.F64, Layout.BATCH_FIRST);

    @Test
    void sequenceCalls() {
        for (RnnConfig cfg : List.of(LSTM, GRU)) {
            try (Setup s = new Setup(cfg, 7, 3)) {
                assertAllocationFree("forward + backward, " + cfg, s::sequence);
            }
        }
    }

    @Test
    void stepCalls() {
        for (RnnConfig cfg : List.of(LSTM, GRU)) {
            try (Setup s = new Setup(cfg, 7, 3)) {
                assertAllocationFree("stepForward + stepBackward, " + cfg, s::steps);
            }
        }
    }
}
