package org.rnn4j.testkit;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.DType;

/**
 * Contract (k) of docs/contract.md, the per-tensor rules, for every tensor of every call (forward, backward, stepForward, stepBackward) on a
 * spread of cells, dtypes, layouts and depths: a required tensor that is null, a segment one element too small,
 * a closed segment, a segment confined to another thread, a read-only output, a heap segment of the other
 * dtype, and a cell-state tensor given to a cell without cell state. Each rejected call must throw
 * IllegalArgumentException naming the argument, what was expected and what was given, and leave every buffer
 * (outputs, weights, weight gradients, both workspaces) byte-for-byte untouched. The workspaces themselves are
 * covered by {@link CallValidationSuite}.
 */
public abstract class TensorValidationSuite extends BackendSuite {

    protected TensorValidationSuite(BackendUnderTest backend) {
        super(backend);
    }

    /** Which tensors each call validates, in the order the call checks them. */
    static final Map<String, List<String>> CALLS = new LinkedHashMap<>();
    /** Which of those the call writes. */
    static final Map<String, List<String>> WRITES = new LinkedHashMap<>();
    /** Which of those are required (null rejected). */
    static final Map<String, List<String>> REQUIRED = new LinkedHashMap<>();
    /**
     * The tensors each call accepts, for the cell-state rule: backward and stepBackward take the arguments of
     * their forward, so they reject cN and cNext for a cell without cell state as the forward calls do.
     */
    static final Map<String, List<String>> ACCEPTED = new LinkedHashMap<>();

    static {
        CALLS.put("forward", List.of("input", "h0", "c0", "output", "hN", "cN"));
        CALLS.put("backward", List.of("input", "h0", "c0", "gradOutput", "gradHN", "gradCN", "gradInput", "gradH0",
                "gradC0"));
        CALLS.put("stepForward", List.of("step.input", "step.hPrev", "step.cPrev", "step.hNext", "step.cNext"));
        CALLS.put("stepBackward", List.of("step.input", "step.hPrev", "step.cPrev", "step.gradHNext",
                "step.gradCNext", "step.gradInput", "step.gradHPrev", "step.gradCPrev"));
        WRITES.put("forward", List.of("output", "hN", "cN"));
        WRITES.put("backward", List.of("gradInput", "gradH0", "gradC0"));
        WRITES.put("stepForward", List.of("step.hNext", "step.cNext"));
        WRITES.put("stepBackward", List.of("step.gradInput", "step.gradHPrev", "step.gradCPrev"));
        // output is required only when hN is not given (a sequence-to-one model may skip the outputs).
        REQUIRED.put("forward", List.of("input"));
        REQUIRED.put("backward", List.of("input"));
        REQUIRED.put("stepForward", List.of("step.input", "step.hNext"));
        REQUIRED.put("stepBackward", List.of("step.input"));
        ACCEPTED.putAll(CALLS);
        ACCEPTED.put("backward", List.of("input", "h0", "c0", "cN", "gradOutput", "gradHN", "gradCN", "gradInput",
                "gradH0", "gradC0"));
        ACCEPTED.put("stepBackward", List.of("step.input", "step.hPrev", "step.cPrev", "step.cNext",
                "step.gradHNext", "step.gradCNext", "step.gradInput", "step.gradHPrev", "step.gradCPrev"));
    }

    static void prepare(Harness h, String call) {
        if (call.equals("backward")) h.forward();
        if (call.equals("stepBackward")) h.stepForward();
    }

    static void run(Harness h, String call) {
        switch (call) {
            case "forward" -> h.forward();
            case "backward" -> h.backward();
            case "stepForward" -> h.stepForward();
            case "stepBackward" -> h.stepBackward();
            default -> throw new IllegalArgumentException(call);
        }
    }

    /** One dynamic test per setup, call and key (of the keys {@code keys} selects for that call). */
    private Stream<DynamicNode> each(Map<String, List<String>> keys, boolean nonLstmOnly,
                                            BiConsumer<Harness, String> replaceAndExpect, String ruleName) {
        List<Harness.Setup> setups = Harness.setups(backend).stream()
                .filter(setup -> !(nonLstmOnly && setup.cfg().cell().hasCellState())).toList();
        return Harness.containerPerSetup(setups, ruleName + " ", (setup, tests) -> {
            boolean lstm = setup.cfg().cell().hasCellState();
            for (var e : keys.entrySet()) {
                String call = e.getKey();
                for (String key : e.getValue()) {
                    boolean cellState = Harness.CELL_STATE.contains(key);
                    if (cellState && !lstm && !nonLstmOnly) continue;
                    if (nonLstmOnly && !cellState) continue;
                    tests.add(setup.test(call + "(" + Harness.argName(key) + ")", h -> {
                        prepare(h, call);
                        replaceAndExpect.accept(h, key + "@" + call);
                    }));
                }
            }
        });
    }

    private static String key(String keyAtCall) {
        return keyAtCall.substring(0, keyAtCall.indexOf('@'));
    }

    private static String call(String keyAtCall) {
        return keyAtCall.substring(keyAtCall.indexOf('@') + 1);
    }

    private static void expect(Harness h, String keyAtCall, String... fragments) {
        String key = key(keyAtCall);
        h.expectIae(() -> run(h, call(keyAtCall)), Harness.argName(key), fragments);
    }

    @TestFactory
    Stream<DynamicNode> requiredTensorIsNull() {
        return each(REQUIRED, false, (h, kc) -> {
            String key = key(kc);
            long need = h.size(key);
            h.put(key, null);
            expect(h, kc, "expected a segment of " + need + " " + h.dt.numpyName() + " elements", "but was null");
        }, "null");
    }

    @TestFactory
    Stream<DynamicNode> segmentOneElementTooSmall() {
        return each(CALLS, false, (h, kc) -> {
            String key = key(kc);
            long need = h.size(key);
            h.put(key, h.sentinel(need - 1));
            expect(h, kc, "expected at least " + need + " " + h.dt.numpyName() + " elements",
                    "but the segment has " + (need - 1) * h.dt.bytes() + " bytes (" + (need - 1) + " elements)");
        }, "too small");
    }

    @TestFactory
    Stream<DynamicNode> segmentOfClosedArena() {
        return each(CALLS, false, (h, kc) -> {
            String key = key(kc);
            h.put(key, h.closed(h.get(key).byteSize()));
            expect(h, kc, "expected a live segment", "closed");
        }, "closed");
    }

    /** A segment confined to another thread (its arena's owner) is named; neither it nor any other buffer is touched. */
    @TestFactory
    Stream<DynamicNode> segmentConfinedToAnotherThread() {
        return each(CALLS, false, (h, kc) -> {
            String key = key(kc);
            try (OtherThread other = new OtherThread()) {
                MemorySegment confined = other.allocate(h.get(key).byteSize(), h.get(key));
                byte[] before = other.read(confined);
                h.put(key, confined);
                expect(h, kc, "expected a segment accessible by the calling thread",
                        "but it is confined to another thread");
                assertArrayEquals(before, other.read(confined), "the confined segment was written");
            }
        }, "confined");
    }

    @TestFactory
    Stream<DynamicNode> readOnlyOutput() {
        return each(WRITES, false, (h, kc) -> {
            String key = key(kc);
            h.put(key, h.get(key).asReadOnly());
            expect(h, kc, "expected a writable segment", "read-only");
        }, "read-only");
    }

    @TestFactory
    Stream<DynamicNode> heapArrayOfTheOtherDtype() {
        return each(CALLS, false, (h, kc) -> {
            String key = key(kc);
            h.put(key, h.wrongDtype(h.size(key)));
            boolean f32 = h.dt == DType.F32;
            expect(h, kc, "expected " + h.dt.numpyName() + " data (" + (f32 ? "float[]" : "double[]") + ")",
                    "backed by " + (f32 ? "double[]" : "float[]"), "dtype mismatch");
        }, "dtype");
    }

    @TestFactory
    Stream<DynamicNode> cellStateForCellWithoutOne() {
        return each(ACCEPTED, true, (h, kc) -> {
            String key = key(kc);
            long elems = h.size(key.startsWith("step.") ? "step.hPrev" : "hN");
            h.put(key, h.sentinel(elems));
            expect(h, kc, "expected null because " + h.cfg.cell().id() + " has no cell state",
                    "a segment was given");
        }, "no cell state");
    }

    /**
     * output may be null only when hN is given (a sequence-to-one model): without hN the call names output and
     * says why; with hN a training forward and its backward run.
     */
    @TestFactory
    Stream<DynamicTest> outputNullOnlyWithHN() {
        return Harness.testPerSetup(Harness.setups(backend), h -> {
            h.put("output", null);
            MemorySegment hN = h.get("hN");
            h.put("hN", null);
            h.expectIae(h::forward, "output", "expected a segment of " + h.size("output") + " "
                    + h.dt.numpyName() + " elements (it may be null only when hN is given)", "but was null");
            h.put("hN", hN);
            assertDoesNotThrow(h::forward);
            assertDoesNotThrow(h::backward);
        });
    }

    /** The issue's example, word for word: the message names the argument, the expected and the given size. */
    @Test
    void exampleMessage() {
        try (Harness h = Harness.setups(backend).get(0).open()) { // LSTM float32, T=5, N=3, H=4: output of 60 elements
            h.put("output", h.sentinel(59));
            IllegalArgumentException e = h.expectIae(h::forward, "output");
            assertEquals("output: expected at least 60 float32 elements (240 bytes) but the segment has 236 bytes "
                    + "(59 elements)", e.getMessage());
        }
    }

    /** The array overloads reach the same checks: float[] for a float64 network, double[] for a float32 one. */
    @TestFactory
    Stream<DynamicTest> arrayOverloadsOfTheWrongType() {
        return Harness.testPerSetup(Harness.twoSetups(backend), h -> {
            int in = (int) h.size("input");
            var args = h.args();
            Consumer<Object> asInput = a -> {
                if (a instanceof float[] f) args.input(f);
                else args.input((double[]) a);
            };
            asInput.accept(h.dt == DType.F64 ? new float[2 * in] : new double[in]);
            h.expectIae(() -> h.rnn.forward(args, h.ws), "input",
                    h.dt == DType.F64 ? "backed by float[]" : "backed by double[]");
            // and the right type is accepted
            asInput.accept(h.dt == DType.F64 ? (Object) new double[in] : new float[in]);
            assertDoesNotThrow(() -> h.rnn.forward(args, h.ws));
        });
    }

    /** Inputs may be read-only views (a framework's frozen buffers): accepted by every call. */
    @TestFactory
    Stream<DynamicTest> readOnlyInputsAreAccepted() {
        return Harness.testPerSetup(Harness.setups(backend), h -> {
            for (String k : List.of("input", "h0", "c0", "gradOutput", "gradHN", "gradCN", "step.input",
                    "step.hPrev", "step.cPrev", "step.gradHNext", "step.gradCNext")) {
                if (h.has(k)) h.put(k, h.get(k).asReadOnly());
            }
            h.assertEveryCallAccepted();
        });
    }

    /** Segments larger than needed are fine: only the leading bytes are used. */
    @TestFactory
    Stream<DynamicTest> largerSegmentsAreAccepted() {
        return Harness.testPerSetup(Harness.twoSetups(backend), h -> {
            for (var list : CALLS.values()) {
                for (String k : list) {
                    if (!h.has(k)) continue;
                    MemorySegment bigger = h.sentinel(h.size(k) + 7);
                    bigger.asSlice(0, h.get(k).byteSize()).copyFrom(h.get(k));
                    h.put(k, bigger);
                }
            }
            h.assertEveryCallAccepted();
        });
    }
}
