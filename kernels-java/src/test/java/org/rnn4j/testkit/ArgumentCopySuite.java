package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
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
 * Contract (m) of docs/contract.md. Calls validate and run on a copy of the caller's argument objects (and of its lengths array): a caller
 * that changes them while a call runs -- here a backend that does it from inside the call, as another
 * thread of the caller could -- cannot change what the backend sees after validation, and the saved state a
 * training forward leaves is that of the arguments as they were validated, so a backward with those
 * arguments still matches and one with the changed arguments does not.
 */
public abstract class ArgumentCopySuite extends BackendSuite {

    protected ArgumentCopySuite(BackendUnderTest backend) {
        super(backend);
    }

    static final RnnConfig CFG = Kit.config(Cell.lstm(), 3, 4, 2, true, DType.F64, Layout.TIME_MAJOR);
    static final DType DT = CFG.dtype();

    @Test
    void sequenceArgumentsChangedDuringTheCall() {
        int T = 4, N = 3;
        int[] lengths = {4, 2, 3};
        Kit.Net net = Kit.Net.random(CFG, 21);
        Kit.Problem p = Kit.Problem.random(CFG, T, N, lengths.clone(), 22);
        Kit.Result want;
        try (Rnn plain = net.rnn(backend)) {
            want = Kit.run(plain, p);
        }
        long st = (long) CFG.stateRows() * N * CFG.hiddenSize();
        long out = (long) T * N * CFG.outputSize(), in = (long) T * N * CFG.inputSize();
        MemorySegment x = Kit.seg(p.x, DT), h0 = Kit.seg(p.h0, DT), c0 = Kit.seg(p.c0, DT);
        MemorySegment y = Kit.filled(out, DT, Double.NaN), hN = Kit.filled(st, DT, Double.NaN);
        MemorySegment cN = Kit.filled(st, DT, Double.NaN);
        MemorySegment decoyOut = Kit.filled(out, DT, 7), decoyIn = Kit.filled(in, DT, 7);
        int[] callerLengths = lengths.clone();
        SequenceArgs a = new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).output(y).hN(hN).cN(cN)
                .lengths(callerLengths);

        List<String> problems = new ArrayList<>();
        // a workspace for more samples than the call has: the backend's lengths copy is longer than N
        try (RecordingBackend b = RecordingBackend.over(backend.newBackend());
             Rnn rnn = Rnn.create(CFG, net.params(), b); RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, T, N + 2)) {
            b.onForward = seen -> {
                // the caller changes everything it can reach while the call runs
                callerLengths[0] = 1;
                callerLengths[2] = 1;
                a.shape(T - 1, N).output(decoyOut).hN((MemorySegment) null).lengths(new int[] {1, 1, 1});
                expect(problems, seen != a, "the backend got the caller's own SequenceArgs");
                expect(problems, seen.seqLength() == T && seen.batch() == N, "T/N changed under the backend");
                expect(problems, seen.output() == y && seen.hN() == hN && seen.input() == x, "tensors changed");
                expect(problems, seen.lengths() != callerLengths, "the backend got the caller's lengths array");
                for (int n = 0; n < N; n++) {
                    expect(problems, seen.length(n) == lengths[n], "length(" + n + ") changed under the backend");
                }
            };
            rnn.forward(a, ws);
            assertEquals(List.of(), problems);
            assertEquals(1, b.forwards.get());
            // the call computed what the validated arguments asked for, into the validated outputs
            Kit.assertClose("output", want.y, Kit.read(y, DT), 0, 0);
            Kit.assertClose("hN", want.hN, Kit.read(hN, DT), 0, 0);
            assertArrayEquals(Kit.read(Kit.filled(out, DT, 7), DT), Kit.read(decoyOut, DT), 0, "decoy untouched");

            // backward: the caller's changed objects no longer match what the forward saved
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rnn.backward(new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).lengths(callerLengths),
                            new GradientArgs(), ws));
            assertTrue(e.getMessage().startsWith("workspace: expected the saved state of a training forward with T="
                    + T + ", N=" + N + " and the same lengths but it holds the forward of T=" + T + ", N=" + N
                    + " with lengths"), e.getMessage());
            // ... while the arguments as they were validated still do, and backward runs on its own copies too
            MemorySegment dx = Kit.filled(in, DT, Double.NaN), dh0 = Kit.filled(st, DT, Double.NaN);
            MemorySegment dc0 = Kit.filled(st, DT, Double.NaN);
            RnnParameters dw = new Kit.Net(CFG, null).gradBuffers(Double.NaN);
            GradientArgs g = new GradientArgs().gradOutput(Kit.seg(p.dy, DT)).gradHN(Kit.seg(p.dhN, DT))
                    .gradCN(Kit.seg(p.dcN, DT)).gradInput(dx).gradH0(dh0).gradC0(dc0).weightGrads(dw);
            int[] sameLengths = lengths.clone();
            SequenceArgs again = new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).lengths(sameLengths);
            b.onBackward = (seen, sg) -> {
                sameLengths[1] = 4;
                again.shape(T, 1).lengths((int[]) null);
                g.gradInput(decoyIn).weightGrads(null).accumulate(true).gradOutput((MemorySegment) null);
                expect(problems, seen != again && sg != g, "the backend got the caller's own objects");
                expect(problems, seen.batch() == N && seen.length(1) == lengths[1], "args changed under backward");
                expect(problems, sg.gradInput() == dx && sg.weightGrads() == dw && !sg.accumulate()
                        && sg.gradOutput() != null, "gradients changed under the backend");
            };
            assertDoesNotThrow(() -> rnn.backward(again, g, ws));
            assertEquals(List.of(), problems);
            Kit.assertClose("gradInput", want.dx, Kit.read(dx, DT), 0, 0);
            Kit.assertClose("gradH0", want.dh0, Kit.read(dh0, DT), 0, 0);
            Kit.assertClose("gradC0", want.dc0, Kit.read(dc0, DT), 0, 0);
            double[][] gotDw = new Kit.Net(CFG, null).read(dw);
            for (int i = 0; i < gotDw.length; i++) Kit.assertClose("dw " + i, want.dw[i], gotDw[i], 0, 0);
            assertArrayEquals(Kit.read(Kit.filled(in, DT, 7), DT), Kit.read(decoyIn, DT), 0, "decoy untouched");
        }
    }

    @Test
    void stepArgumentsChangedDuringTheCall() {
        int N = 3, layer = 1, dir = 1;
        int in = N * CFG.layerInputSize(layer), nh = N * CFG.hiddenSize();
        Kit.Net net = Kit.Net.random(CFG, 31);
        Random r = new Random(32);
        MemorySegment x = Kit.seg(Kit.random(r, in, 1), DT), hPrev = Kit.seg(Kit.random(r, nh, .5), DT);
        MemorySegment cPrev = Kit.seg(Kit.random(r, nh, .5), DT), gh = Kit.seg(Kit.random(r, nh, 1), DT);
        MemorySegment hNext = Kit.filled(nh, DT, Double.NaN), cNext = Kit.filled(nh, DT, Double.NaN);
        MemorySegment decoy = Kit.filled(nh, DT, 7);
        MemorySegment gi = Kit.filled(in, DT, Double.NaN), ghp = Kit.filled(nh, DT, Double.NaN);
        // what an undisturbed pair of calls gives
        MemorySegment wantH = Kit.filled(nh, DT, Double.NaN), wantGi = Kit.filled(in, DT, Double.NaN);
        try (Rnn plain = net.rnn(backend); StepWorkspace ws = plain.newStepWorkspace(Mode.TRAINING, N)) {
            StepArgs s = new StepArgs().batch(N).input(x).hPrev(hPrev).cPrev(cPrev).hNext(wantH);
            plain.stepForward(layer, dir, s, ws);
            plain.stepBackward(layer, dir, s, new StepGradients().gradHNext(gh).gradInput(wantGi), ws);
        }

        List<String> problems = new ArrayList<>();
        try (RecordingBackend b = RecordingBackend.over(backend.newBackend());
             Rnn rnn = Rnn.create(CFG, net.params(), b); StepWorkspace ws = rnn.newStepWorkspace(Mode.TRAINING, N)) {
            StepArgs s = new StepArgs().batch(N).input(x).hPrev(hPrev).cPrev(cPrev).hNext(hNext).cNext(cNext);
            b.onStepForward = seen -> {
                s.batch(N - 1).hNext(decoy).cNext((MemorySegment) null);
                expect(problems, seen != s, "the backend got the caller's own StepArgs");
                expect(problems, seen.batch() == N && seen.hNext() == hNext && seen.cNext() == cNext,
                        "step arguments changed under the backend");
            };
            rnn.stepForward(layer, dir, s, ws);
            assertEquals(List.of(), problems);
            assertArrayEquals(Kit.read(wantH, DT), Kit.read(hNext, DT), 0);
            assertArrayEquals(Kit.read(Kit.filled(nh, DT, 7), DT), Kit.read(decoy, DT), 0, "decoy untouched");

            // the caller's changed StepArgs (N-1) does not match the saved step
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> rnn.stepBackward(layer, dir, s, new StepGradients(), ws));
            assertEquals("workspace: expected the saved state of a training stepForward of layer 1, direction 1, N="
                    + (N - 1) + " but it holds the step of layer 1, direction 1, N=" + N, e.getMessage());
            // the arguments as validated do, and stepBackward runs on its own copies as well
            StepArgs same = new StepArgs().batch(N).input(x).hPrev(hPrev).cPrev(cPrev);
            StepGradients g = new StepGradients().gradHNext(gh).gradInput(gi).gradHPrev(ghp);
            b.onStepBackward = (seen, sg) -> {
                same.batch(1);
                g.gradInput((MemorySegment) null).gradHNext((MemorySegment) null).accumulate(true);
                expect(problems, seen != same && sg != g, "the backend got the caller's own objects");
                expect(problems, seen.batch() == N && sg.gradInput() == gi && sg.gradHNext() == gh
                        && !sg.accumulate(), "step gradients changed under the backend");
            };
            assertDoesNotThrow(() -> rnn.stepBackward(layer, dir, same, g, ws));
            assertEquals(List.of(), problems);
            assertArrayEquals(Kit.read(wantGi, DT), Kit.read(gi, DT), 0);
            assertFalse(Double.isNaN(Kit.read(ghp, DT)[0]));
        }
    }

    private static void expect(List<String> problems, boolean ok, String what) {
        if (!ok) problems.add(what);
    }

    @Test
    void theBackendSeesLengthsThroughLengthOfN() {
        int T = 3, N = 2;
        Kit.Net net = Kit.Net.random(CFG, 41);
        List<String> problems = new ArrayList<>();
        try (RecordingBackend b = RecordingBackend.over(backend.newBackend());
             Rnn rnn = Rnn.create(CFG, net.params(), b); RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, T, N + 3)) {
            int[] lengths = {2, 3};
            b.onForward = seen -> {
                expect(problems, seen.lengths() != lengths, "a copy");
                expect(problems, seen.lengths().length >= N, "at least N entries");
                expect(problems, seen.length(0) == 2 && seen.length(1) == 3, "the values");
            };
            Random r = new Random(42);
            rnn.forward(new SequenceArgs().shape(T, N).input(Kit.seg(Kit.random(r, (long) T * N * 3, 1), DT))
                    .output(Kit.filled((long) T * N * CFG.outputSize(), DT, 0)).lengths(lengths), ws);
            b.onForward = seen -> expect(problems, seen.lengths() == null && seen.length(1) == T, "no lengths: all T");
            rnn.forward(new SequenceArgs().shape(T, N).input(Kit.seg(Kit.random(r, (long) T * N * 3, 1), DT))
                    .output(Kit.filled((long) T * N * CFG.outputSize(), DT, 0)), ws);
            assertEquals(List.of(), problems);
            assertEquals(2, b.forwards.get());
        }
    }
}
