package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
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
 * Contract (k) of docs/contract.md, the rules about the call itself rather than one tensor: null argument objects, T and N, per-sample lengths,
 * the workspace (mode, capacity, owner, closed, filled by the matching forward), layer and direction of step
 * calls, weights closed after the network was created and weight gradients of another network, missing a
 * parameter, read-only or closed. Every setup of {@link Harness#setups}; each rejected call must leave every
 * buffer untouched.
 */
public abstract class CallValidationSuite extends BackendSuite {

    protected CallValidationSuite(BackendUnderTest backend) {
        super(backend);
    }

    interface Case {
        void run(Harness h) throws Throwable;
    }

    private static Stream<DynamicNode> forEachSetup(List<Harness.Setup> setups, String[] names, Case... cases) {
        return Harness.containerPerSetup(setups, "", (setup, tests) -> {
            for (int i = 0; i < cases.length; i++) tests.add(setup.test(names[i], cases[i]::run));
        });
    }

    private static Executable forward(Harness h, SequenceArgs a) {
        return () -> h.rnn.forward(a, h.ws);
    }

    private static Executable backward(Harness h, SequenceArgs a) {
        return () -> h.rnn.backward(a, h.grads(), h.ws);
    }

    // ---------------------------------------------------------------- shapes and lengths

    @TestFactory
    Stream<DynamicNode> shapes() {
        return forEachSetup(Harness.setups(backend), new String[] {
                "forward T=0", "forward T=-2", "forward N=0", "forward N=-1", "shape never set",
                "backward T=0", "backward N=0", "stepForward batch=0", "stepBackward batch=-1"},
                h -> h.expectIae(forward(h, h.args().shape(0, h.N)), "seqLength", ">= 1", "but was 0"),
                h -> h.expectIae(forward(h, h.args().shape(-2, h.N)), "seqLength", ">= 1", "but was -2"),
                h -> h.expectIae(forward(h, h.args().shape(h.T, 0)), "batch", ">= 1", "but was 0"),
                h -> h.expectIae(forward(h, h.args().shape(h.T, -1)), "batch", ">= 1", "but was -1"),
                h -> {
                    SequenceArgs a = new SequenceArgs().input(h.get("input")).output(h.get("output"));
                    h.expectIae(forward(h, a), "seqLength", ">= 1", "but was 0");
                },
                h -> {
                    h.forward();
                    h.expectIae(backward(h, h.args().shape(0, h.N)), "seqLength", ">= 1", "but was 0");
                },
                h -> {
                    h.forward();
                    h.expectIae(backward(h, h.args().shape(h.T, 0)), "batch", ">= 1", "but was 0");
                },
                h -> h.expectIae(() -> h.rnn.stepForward(h.stepLayer, h.stepDir, h.stepArgs().batch(0), h.stepWs),
                        "batch", ">= 1", "but was 0"),
                h -> {
                    h.stepForward();
                    h.expectIae(() -> h.rnn.stepBackward(h.stepLayer, h.stepDir, h.stepArgs().batch(-1),
                            h.stepGrads(), h.stepWs), "batch", ">= 1", "but was -1");
                });
    }

    private static int[] lengths(Harness h, int bad, int at) {
        int[] l = new int[h.N];
        java.util.Arrays.fill(l, h.T);
        l[at] = bad;
        return l;
    }

    @TestFactory
    Stream<DynamicNode> lengths() {
        Case[] cases = new Case[10];
        String[] names = {"one entry too many", "one entry too few", "empty", "a zero", "a negative", "beyond T",
                "far beyond T", "backward: beyond T", "backward: zero", "valid unsorted lengths accepted"};
        cases[0] = h -> h.expectIae(forward(h, h.args().lengths(new int[h.N + 1])), "lengths",
                "expected " + h.N + " entries (one per sample)", "but was " + (h.N + 1));
        cases[1] = h -> {
            if (h.N < 2) return;
            h.expectIae(forward(h, h.args().lengths(new int[h.N - 1])), "lengths", "expected " + h.N + " entries",
                    "but was " + (h.N - 1));
        };
        cases[2] = h -> h.expectIae(forward(h, h.args().lengths(new int[0])), "lengths",
                "expected " + h.N + " entries", "but was 0");
        cases[3] = h -> h.expectIae(forward(h, h.args().lengths(lengths(h, 0, h.N - 1))), "lengths[" + (h.N - 1) + "]",
                "expected a value in 1.." + h.T, "but was 0");
        cases[4] = h -> h.expectIae(forward(h, h.args().lengths(lengths(h, -3, 0))), "lengths[0]",
                "expected a value in 1.." + h.T, "but was -3");
        cases[5] = h -> h.expectIae(forward(h, h.args().lengths(lengths(h, h.T + 1, h.N / 2))),
                "lengths[" + h.N / 2 + "]", "expected a value in 1.." + h.T, "but was " + (h.T + 1));
        cases[6] = h -> h.expectIae(forward(h, h.args().lengths(lengths(h, Integer.MAX_VALUE, 0))), "lengths[0]",
                "expected a value in 1.." + h.T, "but was " + Integer.MAX_VALUE);
        cases[7] = h -> {
            h.forward();
            h.expectIae(backward(h, h.args().lengths(lengths(h, h.T + 1, 0))), "lengths[0]",
                    "expected a value in 1.." + h.T, "but was " + (h.T + 1));
        };
        cases[8] = h -> {
            h.forward();
            h.expectIae(backward(h, h.args().lengths(lengths(h, 0, 0))), "lengths[0]", "but was 0");
        };
        cases[9] = h -> {
            int[] l = new int[h.N];
            for (int n = 0; n < h.N; n++) l[n] = 1 + (n * 7 + 3) % h.T;
            h.lengths = l;
            assertDoesNotThrow(h::forward);
            assertDoesNotThrow(h::backward);
        };
        return forEachSetup(Harness.setups(backend), names, cases);
    }

    // ---------------------------------------------------------------- argument objects

    @TestFactory
    Stream<DynamicNode> nullArgumentObjects() {
        return forEachSetup(Harness.twoSetups(backend), new String[] {"forward args", "forward workspace", "backward args",
                "backward grads", "backward workspace", "stepForward step", "stepBackward step",
                "stepBackward grads"},
                h -> h.expectIae(() -> h.rnn.forward(null, h.ws), "args", "SequenceArgs", "but was null"),
                h -> h.expectIae(() -> h.forwardOn(null), "workspace", "RnnWorkspace", "but was null"),
                h -> {
                    h.forward();
                    h.expectIae(() -> h.rnn.backward(null, h.grads(), h.ws), "args", "SequenceArgs", "but was null");
                },
                h -> {
                    h.forward();
                    h.expectIae(() -> h.rnn.backward(h.args(), null, h.ws), "grads", "GradientArgs", "but was null");
                },
                h -> {
                    h.forward();
                    h.expectIae(() -> h.backwardOn(null), "workspace", "RnnWorkspace", "but was null");
                },
                h -> h.expectIae(() -> h.rnn.stepForward(h.stepLayer, h.stepDir, null, h.stepWs), "step", "StepArgs",
                        "but was null"),
                h -> {
                    h.stepForward();
                    h.expectIae(() -> h.rnn.stepBackward(h.stepLayer, h.stepDir, null, h.stepGrads(), h.stepWs), "step",
                            "StepArgs", "but was null");
                },
                h -> {
                    h.stepForward();
                    h.expectIae(() -> h.rnn.stepBackward(h.stepLayer, h.stepDir, h.stepArgs(), null, h.stepWs), "grads",
                            "StepGradients", "but was null");
                });
    }

    // ---------------------------------------------------------------- layer and direction of step calls

    @TestFactory
    Stream<DynamicNode> stepLayerAndDirection() {
        return forEachSetup(Harness.setups(backend), new String[] {"layer -1", "layer L", "direction -1", "direction D",
                "stepBackward layer L", "stepBackward direction D"},
                h -> h.expectIae(() -> h.rnn.stepForward(-1, 0, h.stepArgs(), h.stepWs), "layer",
                        "expected a value in 0.." + (h.cfg.layers() - 1), "but was -1"),
                h -> h.expectIae(() -> h.rnn.stepForward(h.cfg.layers(), 0, h.stepArgs(), h.stepWs), "layer",
                        "expected a value in 0.." + (h.cfg.layers() - 1), "but was " + h.cfg.layers()),
                h -> h.expectIae(() -> h.rnn.stepForward(0, -1, h.stepArgs(), h.stepWs), "direction",
                        "expected a value in 0.." + (h.cfg.directions() - 1), "but was -1"),
                h -> h.expectIae(() -> h.rnn.stepForward(0, h.cfg.directions(), h.stepArgs(), h.stepWs), "direction",
                        "expected a value in 0.." + (h.cfg.directions() - 1), "but was " + h.cfg.directions()),
                h -> {
                    h.stepForward();
                    h.expectIae(() -> h.rnn.stepBackward(h.cfg.layers(), 0, h.stepArgs(), h.stepGrads(), h.stepWs),
                            "layer", "but was " + h.cfg.layers());
                },
                h -> {
                    h.stepForward();
                    h.expectIae(() -> h.rnn.stepBackward(0, h.cfg.directions(), h.stepArgs(), h.stepGrads(), h.stepWs),
                            "direction", "but was " + h.cfg.directions());
                });
    }

    // ---------------------------------------------------------------- the workspace of sequence calls

    @TestFactory
    Stream<DynamicNode> workspaceUse() {
        String[] names = {"backward with an INFERENCE workspace", "forward with T beyond capacity",
                "forward with N beyond capacity", "backward with T beyond capacity", "workspace of another Rnn",
                "workspace of another Rnn in backward", "closed workspace (twice)", "wrapped memory closed",
                "backward before any training forward", "backward after an inference-only workspace was used",
                "backward with a different T", "backward with a different N", "backward with lengths, forward without",
                "backward without lengths, forward with", "backward with other lengths",
                "lengths changed in place between forward and backward", "a rejected forward keeps the saved state",
                "a later forward replaces the saved state", "weightsChanged() between forward and backward",
                "wrapped and closed twice"};
        List<Case> cases = new ArrayList<>();
        cases.add(h -> {
            try (RnnWorkspace inf = h.rnn.newWorkspace(Mode.INFERENCE, h.T, h.N)) {
                h.forwardOn(inf);
                h.expectIae(() -> h.backwardOn(inf), "workspace", "expected a TRAINING workspace", "but was INFERENCE");
            }
        });
        cases.add(h -> {
            if (h.T < 2) return;
            try (RnnWorkspace small = h.rnn.newWorkspace(Mode.TRAINING, h.T - 1, h.N)) {
                h.expectIae(() -> h.forwardOn(small), "workspace",
                        "expected room for T=" + h.T + ", N=" + h.N, "sized for T<=" + (h.T - 1) + ", N<=" + h.N);
            }
        });
        cases.add(h -> {
            if (h.N < 2) return;
            try (RnnWorkspace small = h.rnn.newWorkspace(Mode.INFERENCE, h.T, h.N - 1)) {
                h.expectIae(() -> h.forwardOn(small), "workspace",
                        "expected room for T=" + h.T + ", N=" + h.N, "sized for T<=" + h.T + ", N<=" + (h.N - 1));
            }
        });
        cases.add(h -> {
            if (h.T < 2) return;
            try (RnnWorkspace small = h.rnn.newWorkspace(Mode.TRAINING, h.T - 1, h.N)) {
                h.rnn.forward(h.args().shape(h.T - 1, h.N), small);
                h.expectIae(() -> h.backwardOn(small), "workspace",
                        "expected room for T=" + h.T, "sized for T<=" + (h.T - 1));
            }
        });
        cases.add(h -> {
            try (Rnn other = h.backend.create(h.cfg, h.weights);
                 RnnWorkspace ws = other.newWorkspace(Mode.TRAINING, h.T, h.N)) {
                h.expectIae(() -> h.forwardOn(ws), "workspace", "expected a workspace made by this Rnn",
                        "made by another");
            }
        });
        cases.add(h -> {
            try (Rnn other = h.backend.create(h.cfg, h.weights);
                 RnnWorkspace ws = other.newWorkspace(Mode.TRAINING, h.T, h.N)) {
                other.forward(h.args(), ws);
                h.expectIae(() -> h.backwardOn(ws), "workspace",
                        "expected a workspace made by this Rnn", "made by another");
            }
        });
        cases.add(h -> {
            RnnWorkspace ws = h.rnn.newWorkspace(Mode.TRAINING, h.T, h.N);
            ws.close();
            assertDoesNotThrow(ws::close, "a second close does nothing");
            h.expectIae(() -> h.forwardOn(ws), "workspace", "expected an open workspace", "but it is closed");
            h.expectIae(() -> h.backwardOn(ws), "workspace", "expected an open workspace", "but it is closed");
        });
        cases.add(h -> {
            Arena a = Arena.ofConfined();
            RnnWorkspace ws = h.rnn.wrapWorkspace(a.allocate(h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N)),
                    Mode.TRAINING, h.T, h.N);
            h.forwardOn(ws);
            a.close();
            h.expectIae(() -> h.forwardOn(ws), "workspace", "expected an open workspace", "closed");
            h.expectIae(() -> h.backwardOn(ws), "workspace", "expected an open workspace", "closed");
        });
        cases.add(h -> h.expectIae(() -> h.backward(), "workspace",
                "expected the saved state of a training forward with T=" + h.T + ", N=" + h.N,
                "but it holds nothing"));
        cases.add(h -> {
            // the harness' workspace is TRAINING; an inference forward elsewhere does not fill it
            try (RnnWorkspace inf = h.rnn.newWorkspace(Mode.INFERENCE, h.T, h.N)) {
                h.forwardOn(inf);
            }
            h.expectIae(() -> h.backward(), "workspace", "holds nothing");
        });
        cases.add(h -> {
            if (h.T < 2) return;
            h.forward();
            h.expectIae(() -> h.rnn.backward(h.args().shape(h.T - 1, h.N), h.grads(), h.ws), "workspace",
                    "expected the saved state of a training forward with T=" + (h.T - 1) + ", N=" + h.N,
                    "but it holds the forward of T=" + h.T + ", N=" + h.N);
        });
        cases.add(h -> {
            if (h.N < 2) return;
            h.forward();
            h.expectIae(() -> h.rnn.backward(h.args().shape(h.T, h.N - 1), h.grads(), h.ws), "workspace",
                    "with T=" + h.T + ", N=" + (h.N - 1), "but it holds the forward of T=" + h.T + ", N=" + h.N);
        });
        cases.add(h -> {
            h.forward();
            h.expectIae(() -> h.rnn.backward(h.args().lengths(lengths(h, h.T, 0)), h.grads(), h.ws), "workspace",
                    "the same lengths", "without lengths");
        });
        cases.add(h -> {
            h.lengths = lengths(h, 1, 0);
            h.forward();
            h.lengths = null;
            h.expectIae(() -> h.backward(), "workspace", "expected the saved state", "with lengths");
        });
        cases.add(h -> {
            if (h.T < 2) return;
            h.lengths = lengths(h, 1, 0);
            h.forward();
            h.lengths = lengths(h, 2, 0);
            h.expectIae(() -> h.backward(), "workspace", "the same lengths", "but it holds the forward");
        });
        cases.add(h -> {
            if (h.T < 2) return;
            h.lengths = lengths(h, 1, 0);
            h.forward();
            h.lengths[0] = 2; // same array object, changed in place
            h.expectIae(() -> h.backward(), "workspace", "the same lengths", "but it holds the forward");
        });
        cases.add(h -> {
            h.forward();
            h.expectIae(forward(h, h.args().shape(0, h.N)), "seqLength", "but was 0");
            assertDoesNotThrow(h::backward);
        });
        cases.add(h -> {
            if (h.T < 2) return;
            h.forward();
            h.rnn.forward(h.args().shape(h.T - 1, h.N), h.ws);
            h.expectIae(() -> h.backward(), "workspace", "holds the forward of T=" + (h.T - 1));
            assertDoesNotThrow(() -> h.rnn.backward(h.args().shape(h.T - 1, h.N), h.grads(), h.ws));
        });
        cases.add(h -> {
            // the saved gates come from the old weights: backward must not mix them with the new ones
            h.forward();
            h.rnn.weightsChanged();
            h.expectIae(h::backward, "workspace", "expected the saved state of a training forward with the current "
                    + "weights", "but weightsChanged() was called after the forward that filled it");
            h.forward(); // a forward with the current weights makes backward possible again
            assertDoesNotThrow(h::backward);
        });
        cases.add(h -> {
            MemorySegment mem = h.sentinelBytes(h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N));
            RnnWorkspace ws = h.rnn.wrapWorkspace(mem, Mode.TRAINING, h.T, h.N);
            ws.close();
            ws.close();
            assertTrue(mem.scope().isAlive(), "closing a wrapped workspace leaves the caller's memory alone");
            h.expectIae(() -> h.forwardOn(ws), "workspace", "expected an open workspace", "but it is closed");
        });
        return forEachSetup(Harness.setups(backend), names, cases.toArray(Case[]::new));
    }

    // ---------------------------------------------------------------- the workspace of step calls

    /** Step arguments of {@code n} samples for layer {@code layer} (input slice of the harness' data, fresh hNext). */
    static StepArgs layerStep(Harness h, int layer, int n) {
        long in = (long) n * h.cfg.layerInputSize(layer) * h.dt.bytes();
        MemorySegment src = layer == h.stepLayer ? h.get("step.input") : h.get("input");
        return new StepArgs().batch(n).input(src.asSlice(0, in)).hNext(h.sentinel((long) n * h.cfg.hiddenSize()));
    }

    private static String filledBy(Harness h, int layer, int dir, int n) {
        return "but it holds the step of layer " + layer + ", direction " + dir + ", N=" + n;
    }

    private static String expectedFill(Harness h, int n) {
        return "expected the saved state of a training stepForward of layer " + h.stepLayer + ", direction "
                + h.stepDir + ", N=" + n;
    }

    @TestFactory
    Stream<DynamicNode> stepWorkspaceUse() {
        String[] names = {"stepForward with a null workspace", "stepBackward with a null workspace",
                "closed step workspace (twice)", "wrapped memory closed", "stepBackward with an INFERENCE step workspace",
                "step workspace of another Rnn", "step workspace of another Rnn in stepBackward",
                "stepForward with N beyond capacity", "stepBackward with N beyond capacity",
                "stepBackward before any training stepForward", "stepBackward after a stepForward of another layer",
                "stepBackward after a stepForward of another direction",
                "stepBackward after a stepForward of another N", "a rejected stepForward keeps the saved state",
                "a later stepForward replaces the saved state", "a sequence workspace does not fill a step workspace",
                "weightsChanged() between stepForward and stepBackward", "wrapped and closed twice"};
        List<Case> cases = new ArrayList<>();
        cases.add(h -> h.expectIae(() -> h.stepForwardOn(null), "workspace",
                "expected a StepWorkspace", "but was null"));
        cases.add(h -> {
            h.stepForward();
            h.expectIae(() -> h.stepBackwardOn(null), "workspace", "expected a StepWorkspace", "but was null");
        });
        cases.add(h -> {
            StepWorkspace ws = h.rnn.newStepWorkspace(Mode.TRAINING, h.N);
            h.stepForwardOn(ws);
            ws.close();
            assertDoesNotThrow(ws::close, "a second close does nothing");
            h.expectIae(() -> h.stepForwardOn(ws), "workspace", "expected an open workspace", "but it is closed");
            h.expectIae(() -> h.stepBackwardOn(ws), "workspace", "expected an open workspace", "but it is closed");
        });
        cases.add(h -> {
            Arena a = Arena.ofConfined();
            StepWorkspace ws = h.rnn.wrapStepWorkspace(a.allocate(h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N)),
                    Mode.TRAINING, h.N);
            h.stepForwardOn(ws);
            a.close();
            h.expectIae(() -> h.stepForwardOn(ws), "workspace", "expected an open workspace", "closed");
            h.expectIae(() -> h.stepBackwardOn(ws), "workspace", "expected an open workspace", "closed");
        });
        cases.add(h -> {
            try (StepWorkspace inf = h.rnn.newStepWorkspace(Mode.INFERENCE, h.N)) {
                h.stepForwardOn(inf);
                h.expectIae(() -> h.stepBackwardOn(inf),
                        "workspace", "expected a TRAINING workspace", "but was INFERENCE");
            }
        });
        cases.add(h -> {
            try (Rnn other = h.backend.create(h.cfg, h.weights);
                 StepWorkspace ws = other.newStepWorkspace(Mode.TRAINING, h.N)) {
                h.expectIae(() -> h.stepForwardOn(ws), "workspace",
                        "expected a workspace made by this Rnn", "but it was made by another");
            }
        });
        cases.add(h -> {
            try (Rnn other = h.backend.create(h.cfg, h.weights);
                 StepWorkspace ws = other.newStepWorkspace(Mode.TRAINING, h.N)) {
                other.stepForward(h.stepLayer, h.stepDir, h.stepArgs(), ws);
                h.expectIae(() -> h.stepBackwardOn(ws),
                        "workspace", "expected a workspace made by this Rnn", "but it was made by another");
            }
        });
        cases.add(h -> {
            if (h.N < 2) return;
            try (StepWorkspace small = h.rnn.newStepWorkspace(Mode.TRAINING, h.N - 1)) {
                h.expectIae(() -> h.stepForwardOn(small), "workspace",
                        "expected room for N=" + h.N, "but it was sized for N<=" + (h.N - 1));
            }
        });
        cases.add(h -> {
            if (h.N < 2) return;
            try (StepWorkspace small = h.rnn.newStepWorkspace(Mode.TRAINING, h.N - 1)) {
                h.rnn.stepForward(h.stepLayer, h.stepDir, layerStep(h, h.stepLayer, h.N - 1), small);
                h.expectIae(() -> h.stepBackwardOn(small),
                        "workspace", "expected room for N=" + h.N, "but it was sized for N<=" + (h.N - 1));
            }
        });
        cases.add(h -> h.expectIae(h::stepBackward, "workspace", expectedFill(h, h.N),
                "but it holds nothing (no training stepForward has completed with it)"));
        cases.add(h -> {
            if (h.cfg.layers() < 2) return;
            int other = h.stepLayer - 1;
            h.rnn.stepForward(other, h.stepDir, layerStep(h, other, h.N), h.stepWs);
            h.expectIae(h::stepBackward, "workspace", expectedFill(h, h.N), filledBy(h, other, h.stepDir, h.N));
        });
        cases.add(h -> {
            if (h.cfg.directions() < 2) return;
            int other = 1 - h.stepDir;
            h.rnn.stepForward(h.stepLayer, other, h.stepArgs(), h.stepWs);
            h.expectIae(h::stepBackward, "workspace", expectedFill(h, h.N), filledBy(h, h.stepLayer, other, h.N));
        });
        cases.add(h -> {
            if (h.N < 2) return;
            h.rnn.stepForward(h.stepLayer, h.stepDir, layerStep(h, h.stepLayer, h.N - 1), h.stepWs);
            h.expectIae(h::stepBackward, "workspace", expectedFill(h, h.N),
                    filledBy(h, h.stepLayer, h.stepDir, h.N - 1));
            // the backward of the step that did fill it is accepted
            long ghBytes = (long) (h.N - 1) * h.cfg.hiddenSize() * h.dt.bytes();
            StepGradients g = new StepGradients().gradHNext(h.get("step.gradHNext").asSlice(0, ghBytes));
            assertDoesNotThrow(() -> h.rnn.stepBackward(h.stepLayer, h.stepDir, layerStep(h, h.stepLayer, h.N - 1), g,
                    h.stepWs));
        });
        cases.add(h -> {
            h.stepForward();
            h.expectIae(() -> h.rnn.stepForward(h.stepLayer, h.stepDir, h.stepArgs().batch(0), h.stepWs), "batch",
                    "but was 0");
            assertDoesNotThrow(h::stepBackward);
        });
        cases.add(h -> {
            h.stepForward();
            if (h.N < 2) return;
            h.rnn.stepForward(h.stepLayer, h.stepDir, layerStep(h, h.stepLayer, h.N - 1), h.stepWs);
            h.expectIae(h::stepBackward, "workspace", filledBy(h, h.stepLayer, h.stepDir, h.N - 1));
            h.stepForward();
            assertDoesNotThrow(h::stepBackward);
        });
        cases.add(h -> {
            h.forward(); // fills the sequence workspace only
            h.expectIae(h::stepBackward, "workspace", "holds nothing");
        });
        cases.add(h -> {
            h.stepForward();
            h.rnn.weightsChanged();
            h.expectIae(h::stepBackward, "workspace", "expected the saved state of a training stepForward with the "
                    + "current weights", "but weightsChanged() was called after the stepForward that filled it");
            h.stepForward();
            assertDoesNotThrow(h::stepBackward);
        });
        cases.add(h -> {
            MemorySegment mem = h.sentinelBytes(Math.max(1, h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N)));
            StepWorkspace ws = h.rnn.wrapStepWorkspace(mem, Mode.TRAINING, h.N);
            ws.close();
            ws.close();
            assertTrue(mem.scope().isAlive(), "closing a wrapped step workspace leaves the caller's memory alone");
            h.expectIae(() -> h.stepForwardOn(ws), "workspace", "expected an open workspace", "but it is closed");
        });
        return forEachSetup(Harness.setups(backend), names, cases.toArray(Case[]::new));
    }

    // ---------------------------------------------------------------- memory confined to another thread

    private static final String CONFINED = "but it is confined to another thread";

    @TestFactory
    Stream<DynamicNode> memoryConfinedToAnotherThread() {
        String[] names = {"weights: create on this thread", "weights: calls of an Rnn created on their thread",
                "weightGrads: backward", "weightGrads: stepBackward", "workspace wrapped on another thread",
                "step workspace wrapped on another thread", "wrapping memory of another thread"};
        List<Case> cases = new ArrayList<>();
        cases.add(h -> {
            try (OtherThread other = new OtherThread()) {
                RnnParameters w = confinedCopy(other, h.weights, h.cfg);
                String first = "weights." + h.cfg.parameterIds().get(0).name();
                h.expectIae(() -> h.backend.create(h.cfg, w), first,
                        "expected a segment accessible by the calling thread", CONFINED);
            }
        });
        cases.add(h -> {
            try (OtherThread other = new OtherThread()) {
                RnnParameters w = confinedCopy(other, h.weights, h.cfg);
                Rnn rnn = other.run(() -> h.backend.create(h.cfg, w));
                try (RnnWorkspace ws = rnn.newWorkspace(Mode.TRAINING, h.T, h.N);
                     StepWorkspace sws = rnn.newStepWorkspace(Mode.TRAINING, h.N)) {
                    String first = "weights." + h.cfg.parameterIds().get(0).name();
                    String expected = "expected a segment accessible by the calling thread";
                    h.expectIae(() -> rnn.forward(h.args(), ws), first, expected, CONFINED);
                    h.expectIae(() -> rnn.stepForward(h.stepLayer, h.stepDir, h.stepArgs(), sws), first, expected,
                            CONFINED);
                    h.expectIae(rnn::weightsChanged, first, expected, CONFINED);
                    // on their own thread the same calls run
                    other.run(() -> {
                        rnn.forward(h.args().output(h.sentinel(h.size("output"))).hN((MemorySegment) null)
                                .cN((MemorySegment) null), ws);
                        return null;
                    });
                } finally {
                    rnn.close();
                }
            }
        });
        for (String call : List.of("backward", "stepBackward")) {
            cases.add(h -> {
                TensorValidationSuite.prepare(h, call);
                try (OtherThread other = new OtherThread()) {
                    var id = new org.rnn4j.ParamId(org.rnn4j.ParamKind.WEIGHT_IH, h.stepLayer, h.stepDir == 1);
                    MemorySegment g = other.allocate(h.weightGrads.get(id).byteSize(), h.weightGrads.get(id));
                    byte[] before = other.read(g);
                    // set() on this thread rejects the segment right away ...
                    h.expectIae(() -> h.weightGrads.set(id, g), id.name(),
                            "expected a segment accessible by the calling thread", CONFINED);
                    // ... so the set is completed on the owner thread, and the call names it
                    RnnParameters grads = other.run(() -> {
                        RnnParameters p = RnnParameters.of(h.cfg);
                        for (var i : h.cfg.parameterIds()) p.set(i, i.equals(id) ? g : h.weightGrads.get(i));
                        return p;
                    });
                    h.expectIae(() -> {
                        if (call.equals("backward")) h.rnn.backward(h.args(), h.grads().weightGrads(grads), h.ws);
                        else h.rnn.stepBackward(h.stepLayer, h.stepDir, h.stepArgs(), h.stepGrads().weightGrads(grads),
                                h.stepWs);
                    }, "weightGrads." + id.name(), "expected a segment accessible by the calling thread", CONFINED);
                    assertArrayEquals(before, other.read(g));
                }
            });
        }
        cases.add(h -> {
            try (OtherThread other = new OtherThread()) {
                long bytes = h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N);
                MemorySegment mem = other.allocate(bytes, null);
                RnnWorkspace ws = other.run(() -> h.rnn.wrapWorkspace(mem, Mode.TRAINING, h.T, h.N));
                byte[] before = other.read(mem);
                h.expectIae(() -> h.forwardOn(ws), "workspace",
                        "expected a segment accessible by the calling thread", CONFINED);
                h.expectIae(() -> h.backwardOn(ws), "workspace",
                        "expected a segment accessible by the calling thread", CONFINED);
                assertArrayEquals(before, other.read(mem));
            }
        });
        cases.add(h -> {
            try (OtherThread other = new OtherThread()) {
                long bytes = h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N);
                MemorySegment mem = other.allocate(bytes, null);
                StepWorkspace ws = other.run(() -> h.rnn.wrapStepWorkspace(mem, Mode.TRAINING, h.N));
                byte[] before = other.read(mem);
                h.expectIae(() -> h.stepForwardOn(ws), "workspace",
                        "expected a segment accessible by the calling thread", CONFINED);
                h.expectIae(() -> h.stepBackwardOn(ws),
                        "workspace", "expected a segment accessible by the calling thread", CONFINED);
                assertArrayEquals(before, other.read(mem));
            }
        });
        cases.add(h -> {
            try (OtherThread other = new OtherThread()) {
                MemorySegment mem = other.allocate(h.rnn.workspaceBytes(Mode.TRAINING, h.T, h.N), null);
                MemorySegment stepMem = other.allocate(h.rnn.stepWorkspaceBytes(Mode.TRAINING, h.N), null);
                String expected = "expected a segment accessible by the calling thread";
                h.expectIae(() -> h.rnn.wrapWorkspace(mem, Mode.TRAINING, h.T, h.N), "memory", expected, CONFINED);
                h.expectIae(() -> h.rnn.wrapStepWorkspace(stepMem, Mode.TRAINING, h.N), "memory", expected, CONFINED);
            }
        });
        return forEachSetup(Harness.twoSetups(backend), names, cases.toArray(Case[]::new));
    }

    /**
     * A copy of {@code w} whose every segment is confined to {@code other}'s thread. Built there: {@code set}
     * itself rejects a segment the calling thread cannot access.
     */
    static RnnParameters confinedCopy(OtherThread other, RnnParameters w, RnnConfig cfg) {
        List<MemorySegment> segs = new ArrayList<>();
        for (var id : cfg.parameterIds()) segs.add(other.allocate(w.get(id).byteSize(), w.get(id)));
        return other.run(() -> {
            RnnParameters p = RnnParameters.of(cfg);
            for (int i = 0; i < segs.size(); i++) p.set(cfg.parameterIds().get(i), segs.get(i));
            return p;
        });
    }

    // ---------------------------------------------------------------- weights and weight gradients at call time

    @TestFactory
    Stream<DynamicNode> weightsAndWeightGradients() {
        String[] names = {"weight closed after create: forward", "weight closed after create: stepForward",
                "weight closed after create: weightsChanged", "weight grads of another config: backward",
                "weight grads of another config: stepBackward", "weight grads missing a parameter",
                "weight grad read-only: backward", "weight grad read-only: stepBackward",
                "weight grad closed: backward", "weight grad closed: stepBackward",
                "weight grads given with accumulate and without weight grads is fine"};
        List<Case> cases = new ArrayList<>();
        Consumer<Harness> closeOneWeight = h -> {
            Arena a = Arena.ofShared();
            var id = h.cfg.parameterIds().get(0);
            var s = a.allocate(h.weights.get(id).byteSize(), 64);
            s.copyFrom(h.weights.get(id));
            h.weights.set(id, s);
            h.rebind();
            a.close();
        };
        String firstWeight = "weights." + Harness.setups(backend).get(0).cfg().parameterIds().get(0).name();
        cases.add(h -> {
            closeOneWeight.accept(h);
            h.expectIae(h::forward, firstWeight, "expected a live segment", "closed");
        });
        cases.add(h -> {
            closeOneWeight.accept(h);
            h.expectIae(h::stepForward, firstWeight, "expected a live segment", "closed");
        });
        cases.add(h -> {
            closeOneWeight.accept(h);
            h.expectIae(h.rnn::weightsChanged, firstWeight, "expected a live segment", "closed");
        });
        cases.add(h -> {
            h.forward();
            RnnConfig other = otherConfig(h.cfg);
            try (Arena a = Arena.ofConfined()) {
                RnnParameters g = RnnParameters.allocate(other, a);
                h.expectIae(() -> h.rnn.backward(h.args(), h.grads().weightGrads(g), h.ws), "weightGrads",
                        "expected parameters of " + h.cfg, "but they were made for " + other);
            }
        });
        cases.add(h -> {
            h.stepForward();
            RnnConfig other = otherConfig(h.cfg);
            try (Arena a = Arena.ofConfined()) {
                RnnParameters g = RnnParameters.allocate(other, a);
                h.expectIae(() -> h.rnn.stepBackward(h.stepLayer, h.stepDir, h.stepArgs(), h.stepGrads().weightGrads(g),
                        h.stepWs),
                        "weightGrads", "expected parameters of " + h.cfg, "but they were made for " + other);
            }
        });
        cases.add(h -> {
            h.forward();
            RnnParameters g = RnnParameters.of(h.cfg);
            var ids = h.cfg.parameterIds();
            for (int i = 0; i < ids.size() - 1; i++) g.set(ids.get(i), h.weightGrads.get(ids.get(i)));
            var last = ids.get(ids.size() - 1);
            h.expectIae(() -> h.rnn.backward(h.args(), h.grads().weightGrads(g), h.ws), "weightGrads." + last.name(),
                    "expected a segment of " + h.cfg.parameterSize(last) + " " + h.dt.numpyName() + " elements",
                    "but was not set");
        });
        for (String call : List.of("backward", "stepBackward")) {
            cases.add(h -> {
                TensorValidationSuite.prepare(h, call);
                var id = new org.rnn4j.ParamId(org.rnn4j.ParamKind.BIAS_HH, h.stepLayer, h.stepDir == 1);
                h.weightGrads.set(id, h.weightGrads.get(id).asReadOnly());
                h.expectIae(() -> TensorValidationSuite.run(h, call), "weightGrads." + id.name(),
                        "expected a writable segment", "read-only");
            });
        }
        for (String call : List.of("backward", "stepBackward")) {
            cases.add(h -> {
                TensorValidationSuite.prepare(h, call);
                var id = new org.rnn4j.ParamId(org.rnn4j.ParamKind.WEIGHT_HH, h.stepLayer, h.stepDir == 1);
                Arena a = Arena.ofConfined();
                h.weightGrads.set(id, a.allocate(h.weightGrads.get(id).byteSize()));
                a.close();
                h.expectIae(() -> TensorValidationSuite.run(h, call), "weightGrads." + id.name(),
                        "expected a live segment", "closed");
            });
        }
        cases.add(h -> {
            h.forward();
            assertDoesNotThrow(() -> h.rnn.backward(h.args(), h.grads().weightGrads(null).accumulate(true), h.ws));
        });
        return forEachSetup(Harness.twoSetups(backend), names, cases.toArray(Case[]::new));
    }

    /** The same network but for one detail (the hidden size). */
    static RnnConfig otherConfig(RnnConfig c) {
        return RnnConfig.builder(c.cell(), c.inputSize(), c.hiddenSize() + 1).layers(c.layers()).bidirectional(c.bidirectional()).dtype(c.dtype()).layout(c.layout()).build();
    }
}
