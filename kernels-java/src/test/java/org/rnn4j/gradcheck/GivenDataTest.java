package org.rnn4j.gradcheck;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GradientArgs;
import org.rnn4j.GruVariant;
import org.rnn4j.Layout;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.SequenceArgs;
import org.rnn4j.conform.CaseDirectory;
import org.rnn4j.npy.NpyArray;
import org.rnn4j.npy.Npz;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.spi.ExecutionPlan;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.spi.RnnBackend;

/**
 * The checker on the caller's own data ({@link GradcheckData}, {@link GradcheckStepData}, case files): the same
 * report as on seeded data, argument checks naming the argument, the caller's memory left alone, and broken
 * backends caught.
 */
class GivenDataTest {
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;
    private static final GradientChecker CHECKER = GradientChecker.defaults();

    @TempDir
    Path dir;

    private static GradcheckCase standard(String name) {
        return GradcheckCase.standard().stream().filter(c -> c.name().equals(name)).findFirst().orElseThrow();
    }

    /** {@code c}'s drawn data given back through the builder, every tensor by array and parameter by name. */
    private static GradcheckData rebuilt(GradcheckCase c) {
        GradcheckData d = c.data();
        GradcheckData.Builder b = GradcheckData.builder(c.config(), c.seqLength(), c.batch()).name(c.name())
                .lengths(d.lengths()).input(d.input()).h0(d.h0()).c0(d.c0()).gradOutput(d.gradOutput())
                .gradHN(d.gradHN()).gradCN(d.gradCN());
        for (ParamId id : c.config().parameterIds()) b.weight(id.name(), d.weight(id.name()));
        return b.build();
    }

    @Test
    void givenDataGiveTheSeededReportBitForBit() {
        for (String name : List.of("lstm/varlen", "gru_reset_before/batchfirst", "rnn_relu/layers2")) {
            GradcheckCase c = standard(name);
            GradcheckReport seeded = CHECKER.check(new ReferenceBackend(), c);
            GradcheckReport given = CHECKER.check(new ReferenceBackend(), rebuilt(c));
            assertTrue(given.passed(), given::toTable);
            assertEquals(seeded, given);
            assertEquals(c.name(), given.caseName());
        }
    }

    @Test
    void givenStepDataGiveTheSeededReportBitForBit() {
        GradcheckCase c = BrokenBackendTest.twoLayerBidirStep("lstm_peephole/step", Cell.lstmWithPeepholes(), 5);
        GradcheckStepData d = c.stepData(1, 1);
        GradcheckStepData.Builder b = GradcheckStepData.builder(c.config(), 1, 1, c.batch()).name(c.name())
                .input(d.input()).hPrev(d.hPrev()).cPrev(d.cPrev()).gradHNext(d.gradHNext()).gradCNext(d.gradCNext());
        for (ParamId id : c.config().parameterIds()) b.weight(id.name(), d.weight(id.name()));
        GradcheckReport given = CHECKER.checkStep(new ReferenceBackend(), b.build());
        assertTrue(given.passed(), given::toTable);
        assertEquals(CHECKER.checkStep(new ReferenceBackend(), c, 1, 1), given);
        assertEquals(c.name() + " step(layer=1, direction=1)", given.caseName());
    }

    @Test
    void weightsFromRnnParametersAndSegmentsWork() {
        GradcheckCase c = standard("gru/bidir");
        GradcheckData d = c.data();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = RnnParameters.allocate(c.config(), arena);
            for (ParamId id : c.config().parameterIds()) {
                MemorySegment.copy(d.weight(id.name()), 0, w.get(id), D, 0, (int) c.config().parameterSize(id));
            }
            MemorySegment x = arena.allocate(8L * d.input().length + 64); // larger than needed: leading elements
            MemorySegment.copy(d.input(), 0, x, D, 0, d.input().length);
            GradcheckData given = GradcheckData.builder(c.config(), c.seqLength(), c.batch()).name(c.name())
                    .weights(w).input(x).h0(d.h0()).gradOutput(d.gradOutput()).gradHN(d.gradHN()).build();
            assertEquals(CHECKER.check(new ReferenceBackend(), c), CHECKER.check(new ReferenceBackend(), given));
        }
    }

    @Test
    void theCallersMemoryIsNeverWritten() {
        GradcheckCase c = standard("lstm/bidir");
        GradcheckData d = c.data();
        double[] x = d.input(), h = d.h0(), cc = d.c0(), gy = d.gradOutput();
        double[] wih = d.weight("weight_ih_l0");
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = RnnParameters.allocate(c.config(), arena);
            for (ParamId id : c.config().parameterIds()) {
                MemorySegment.copy(d.weight(id.name()), 0, w.get(id), D, 0, (int) c.config().parameterSize(id));
            }
            GradcheckData given = GradcheckData.builder(c.config(), c.seqLength(), c.batch()).weights(w)
                    .weight("weight_ih_l0", wih).input(x).h0(h).c0(cc).gradOutput(gy).build();
            x[0] = 99; // the data was copied at build
            assertEquals(c.data().input()[0], given.input()[0]);
            x[0] = c.data().input()[0];
            Map<ParamId, double[]> before = new LinkedHashMap<>();
            for (ParamId id : c.config().parameterIds()) before.put(id, F64.read(w.get(id), c.config().parameterSize(id)));
            assertTrue(CHECKER.check(new ReferenceBackend(), given).passed());
            for (ParamId id : c.config().parameterIds()) {
                assertArrayEquals(before.get(id), F64.read(w.get(id), c.config().parameterSize(id)), id.name());
            }
            assertArrayEquals(c.data().input(), x);
            assertArrayEquals(c.data().h0(), h);
            assertArrayEquals(c.data().weight("weight_ih_l0"), wih);
        }
    }

    @Test
    void anyLinearLossWorks() {
        GradcheckCase c = standard("lstm/varlen");
        GradcheckData d = c.data();
        int outE = d.gradOutput().length, stE = d.gradHN().length;
        double[] ones = new double[outE];
        java.util.Arrays.fill(ones, 1);
        double[] oneHot = new double[stE];
        oneHot[stE - 1] = 1;
        List<GradcheckData> losses = List.of(
                d.toBuilder().gradHN((double[]) null).gradCN((double[]) null).gradOutput(ones).build(),   // L = Σ output
                d.toBuilder().gradOutput((double[]) null).gradCN((double[]) null).gradHN(oneHot).build(), // L = hN[last]
                d.toBuilder().gradOutput((double[]) null).gradHN((double[]) null).build());               // L = Σ cN·gradCN
        for (GradcheckData l : losses) {
            GradcheckReport r = CHECKER.check(new ReferenceBackend(), l);
            assertTrue(r.passed(), r::toTable);
            assertEquals(CHECKER.check(new ReferenceBackend(), c).tensors().stream().map(TensorCheck::tensor).toList(),
                    r.tensors().stream().map(TensorCheck::tensor).toList());
        }
        assertNull(losses.get(0).gradHN());
        assertTrue(losses.get(2).toString().contains("loss on cN"), losses.get(2).toString());
    }

    @Test
    void absentStatesAreZeroAndStillChecked() {
        GradcheckCase c = standard("rnn_tanh/uni");
        GradcheckData d = c.data().toBuilder().h0((double[]) null).build();
        GradcheckReport r = CHECKER.check(new ReferenceBackend(), d);
        assertTrue(r.passed(), r::toTable);
        assertTrue(r.tensors().stream().anyMatch(t -> t.tensor().equals("h0")), r::toTable);
        assertNull(d.h0());
    }

    @Test
    void upstreamFromSeedFillsOnlyWhatIsMissing() {
        GradcheckCase c = standard("gru/uni");
        GradcheckData d = c.data();
        GradcheckData seeded = GradcheckData.builder(c.config(), c.seqLength(), c.batch()).input(d.input())
                .weights(weightsOf(c, d)).gradHN(d.gradHN()).upstreamFromSeed(5).build();
        assertArrayEquals(d.gradHN(), seeded.gradHN());
        assertEquals(d.gradOutput().length, seeded.gradOutput().length);
        assertTrue(CHECKER.check(new ReferenceBackend(), seeded).passed());
        GradcheckData again = GradcheckData.builder(c.config(), c.seqLength(), c.batch()).input(d.input())
                .weights(weightsOf(c, d)).upstreamFromSeed(5).build();
        assertArrayEquals(seeded.gradOutput(), again.gradOutput());
    }

    private static RnnParameters weightsOf(GradcheckCase c, GradcheckData d) {
        RnnParameters w = RnnParameters.of(c.config());
        for (ParamId id : c.config().parameterIds()) w.set(id.name(), d.weight(id.name()));
        return w;
    }

    @Test
    void brokenBackendIsCaughtOnGivenData() {
        RnnBackend wrongBias = new DelegatingBackend(new ReferenceBackend()) {
            @Override
            public void backward(PreparedWeights w, ExecutionPlan p, SequenceArgs a, GradientArgs g, MemorySegment ws) {
                super.backward(w, p, a, g, ws);
                MemorySegment b = g.weightGrads().get("bias_ih_l0");
                b.setAtIndex(D, 1, b.getAtIndex(D, 1) + 1e-3);
            }
        };
        GradcheckData d = standard("lstm_peephole/uni").data().toBuilder().gradOutput((double[]) null).build();
        GradcheckReport r = CHECKER.check(wrongBias, d);
        assertFalse(r.passed());
        assertEquals(Set.of("bias_ih_l0"), r.tensors().stream().filter(t -> !t.passed()).map(TensorCheck::tensor)
                .collect(Collectors.toSet()), r::toTable);
    }

    // ---------------------------------------------------------------- argument checks

    private static final RnnConfig LSTM = RnnConfig.builder(Cell.lstm(), 3, 2).dtype(DType.F64).build();
    private static final RnnConfig GRU =
            RnnConfig.builder(Cell.gru(GruVariant.RESET_BEFORE), 3, 2).layers(2).dtype(DType.F64).build();

    private static void assertMessage(String start, Executable call, String... contains) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().startsWith(start), () -> "expected '" + start + "...' but was: " + e.getMessage());
        for (String c : contains) assertTrue(e.getMessage().contains(c), e.getMessage());
    }

    /** A complete builder for LSTM, T = 2, N = 1: every test below breaks one thing. */
    private static GradcheckData.Builder lstm() {
        GradcheckData.Builder b = GradcheckData.builder(LSTM, 2, 1).input(new double[6]).gradHN(new double[2]);
        for (ParamId id : LSTM.parameterIds()) b.weight(id.name(), new double[(int) LSTM.parameterSize(id)]);
        return b;
    }

    @Test
    void float32ConfigurationsAreRefused() {
        RnnConfig f32 = RnnConfig.builder(Cell.lstm(), 3, 2).build();
        assertMessage("config: expected dtype float64", () -> GradcheckData.builder(f32, 2, 1),
                "finite differences need float64", "but was float32");
        assertMessage("config: expected dtype float64", () -> GradcheckStepData.builder(f32, 0, 0, 1));
        assertMessage("config: expected an RnnConfig but was null", () -> GradcheckData.builder(null, 2, 1));
        assertMessage("seqLength: expected >= 1 but was 0", () -> GradcheckData.builder(LSTM, 0, 1));
        assertMessage("batch: expected >= 1 but was -1", () -> GradcheckData.builder(LSTM, 1, -1));
        assertMessage("layer: expected a value in 0..1 but was 2", () -> GradcheckStepData.builder(GRU, 2, 0, 1));
        assertMessage("direction: expected a value in 0..0 but was 1", () -> GradcheckStepData.builder(GRU, 0, 1, 1));
    }

    @Test
    void everyArgumentIsCheckedByName() {
        lstm().build(); // complete: fine
        assertMessage("input: expected 6 float64 elements [T, N, I] = [2, 1, 3] but was null",
                () -> lstm().input((double[]) null).build());
        assertMessage("input: expected 6 float64 elements [T, N, I] = [2, 1, 3] but the array has 5",
                () -> lstm().input(new double[5]).build());
        assertMessage("h0: expected 2 float64 elements [L·D, N, H] = [1, 1, 2] but the array has 3",
                () -> lstm().h0(new double[3]).build());
        assertMessage("gradOutput: expected 4 float64 elements [T, N, D·H] = [2, 1, 2] but the array has 6",
                () -> lstm().gradOutput(new double[6]).build());
        assertMessage("lengths[0]: expected a value in 1..2 but was 3", () -> lstm().lengths(new int[] {3}).build());
        assertMessage("lengths: expected 1 entries (one per sample) but was 2",
                () -> lstm().lengths(new int[] {1, 2}).build());
        assertMessage("name: expected one of", () -> lstm().weight("weight_ih_l1", new double[1]), "weight_ih_l1");
        assertMessage("weights.bias_hh_l0: expected 8 float64 elements [8] but was not given",
                () -> GradcheckData.builder(LSTM, 2, 1).input(new double[6]).gradHN(new double[2])
                        .weight("weight_ih_l0", new double[24]).weight("weight_hh_l0", new double[16])
                        .weight("bias_ih_l0", new double[8]).build());
        assertMessage("weight_hh_l0: expected 16 float64 elements [8, 2] but the array has 15",
                () -> lstm().weight("weight_hh_l0", new double[15]).build());
        assertMessage("weights: expected parameters of", () -> lstm().weights(RnnParameters.of(GRU)));
        assertMessage("gradOutput: expected at least one of gradOutput, gradHN, gradCN",
                () -> lstm().gradHN((double[]) null).build(), "upstreamFromSeed", "every gradient would be 0");
        assertMessage("name: expected a non-empty name", () -> lstm().name(" ").build());

        GradcheckData.Builder gru = GradcheckData.builder(GRU, 2, 1).input(new double[6]).gradHN(new double[4]);
        for (ParamId id : GRU.parameterIds()) gru.weight(id.name(), new double[(int) GRU.parameterSize(id)]);
        gru.build();
        assertMessage("c0: expected null because gru_reset_before has no cell state but an array was given",
                () -> gru.c0(new double[4]).build());
        gru.c0((double[]) null);
        assertMessage("gradCN: expected null because gru_reset_before has no cell state",
                () -> gru.gradCN(new double[4]).build());
    }

    @Test
    void segmentsAreCheckedLikeTheApiChecksThem() {
        try (Arena arena = Arena.ofConfined()) {
            assertMessage("input: expected at least 6 float64 elements (48 bytes) [T, N, I] = [2, 1, 3] but the "
                    + "segment has 40 bytes", () -> lstm().input(arena.allocate(40)).build());
            assertMessage("input: expected float64 data (double[]) but was backed by float[]",
                    () -> lstm().input(MemorySegment.ofArray(new float[12])).build());
        }
        Arena closed = Arena.ofConfined();
        MemorySegment s = closed.allocate(48);
        closed.close();
        assertMessage("h0: expected a live segment but its arena is closed", () -> lstm().h0(s).build());
    }

    @Test
    void stepDataNeedsOnlyTheSteppedParameters() {
        GradcheckStepData.Builder b = GradcheckStepData.builder(GRU, 1, 0, 2).input(new double[4]).gradHNext(
                new double[] {0.3, -0.2, 0.5, 0.1});
        // layer 1 reads D·H = 2 inputs; give only layer 1's parameters, with values
        double v = 0.1;
        for (ParamId id : GRU.parameterIds()) {
            if (id.layer() != 1) continue;
            double[] a = new double[(int) GRU.parameterSize(id)];
            for (int i = 0; i < a.length; i++) a[i] = (v += 0.07) % 0.9 - 0.45;
            b.weight(id.name(), a);
        }
        GradcheckStepData d = b.input(new double[] {0.5, -0.25, 0.75, 0.1}).build();
        assertArrayEquals(new double[(int) GRU.parameterSize(ParamId.parse("weight_ih_l0"))], d.weight("weight_ih_l0"));
        GradcheckReport r = CHECKER.checkStep(new ReferenceBackend(), d);
        assertTrue(r.passed(), r::toTable);
        assertTrue(r.tensors().stream().anyMatch(t -> t.tensor().equals("weightGrads(other layers untouched)")));
        assertMessage("weights.weight_ih_l1: expected", () -> GradcheckStepData.builder(GRU, 1, 0, 2)
                .input(new double[4]).gradHNext(new double[4]).build());
        assertMessage("input: expected 4 float64 elements [N, in] = [2, 2] but the array has 6",
                () -> GradcheckStepData.builder(GRU, 1, 0, 2).input(new double[6]).build());
        assertMessage("cPrev: expected null because gru_reset_before has no cell state",
                () -> GradcheckStepData.builder(GRU, 0, 0, 2).cPrev(new double[4]).build());
        assertMessage("gradHNext: expected at least one of gradHNext (the coefficients",
                () -> b.gradHNext((double[]) null).build());
    }

    // ---------------------------------------------------------------- case files

    @Test
    void aCaseFileWithASidecarIsChecked() throws IOException {
        GradcheckCase c = standard("rnn_relu/batchfirst");
        GradcheckData d = c.data();
        RnnConfig cfg = c.config();
        Map<String, NpyArray> arrays = new LinkedHashMap<>();
        int T = c.seqLength(), N = c.batch();
        arrays.put("input", NpyArray.of(d.input(), N, T, cfg.inputSize()));
        for (ParamId id : cfg.parameterIds()) arrays.put(id.name(), NpyArray.of(d.weight(id.name()), id.shape(cfg)));
        arrays.put("h0", NpyArray.of(d.h0(), cfg.stateRows(), N, cfg.hiddenSize()));
        arrays.put("grad_output", NpyArray.of(d.gradOutput(), N, T, cfg.outputSize()));
        arrays.put("grad_h_n", NpyArray.of(d.gradHN(), cfg.stateRows(), N, cfg.hiddenSize()));
        arrays.put("lengths", NpyArray.of(c.lengths(), N));
        arrays.put("output", NpyArray.of(new double[T * N * cfg.outputSize()], N, T, cfg.outputSize())); // ignored
        Npz.write(dir.resolve("mine.npz"), arrays, true);
        Files.writeString(dir.resolve("mine.json"), "{\"name\": \"" + c.name() + "\", \"cell\": \"rnn_relu\", \"T\": "
                + T + ", \"N\": " + N + ", \"I\": 4, \"H\": 3, \"bidirectional\": true, \"layout\": \"batch-first\"}");
        GradcheckData read = GradcheckData.fromCase(dir.resolve("mine.npz")).build();
        assertEquals(c.name(), read.name());
        assertEquals(cfg, read.config());
        assertArrayEquals(c.lengths(), read.lengths());
        assertEquals(CHECKER.check(new ReferenceBackend(), c), CHECKER.check(new ReferenceBackend(), read));

        arrays.put("extra", NpyArray.of(new double[1], 1));
        Npz.write(dir.resolve("mine.npz"), arrays, false);
        IOException e = assertThrows(IOException.class, () -> GradcheckData.fromCase(dir.resolve("mine.npz")));
        assertTrue(e.getMessage().contains("unexpected array 'extra'"), e.getMessage());
        arrays.remove("extra");
        arrays.put("h0", NpyArray.of(d.h0(), 1, N, cfg.hiddenSize() * 2));
        Npz.write(dir.resolve("mine.npz"), arrays, false);
        e = assertThrows(IOException.class, () -> GradcheckData.fromCase(dir.resolve("mine.npz")));
        assertTrue(e.getMessage().contains("array 'h0' has shape [1, 3, 6]"), e.getMessage());
    }

    @Test
    void aCaseFileWithoutConfigurationIsAClearError() throws IOException {
        Npz.write(dir.resolve("lonely.npz"), Map.of("input", NpyArray.of(new double[1], 1, 1, 1)), false);
        IOException e = assertThrows(IOException.class, () -> GradcheckData.fromCase(dir.resolve("lonely.npz")));
        assertTrue(e.getMessage().contains("no configuration: expected lonely.json beside it"), e.getMessage());
        e = assertThrows(IOException.class, () -> GradcheckData.fromCase(dir.resolve("absent.npz")));
        assertTrue(e.getMessage().endsWith("absent.npz: no such file"), e.getMessage());
    }

    @Test
    void everyBundledFixtureIsACaseFileToo() throws IOException {
        // The configuration comes from the cases.json beside each fixture; the expected results are not read.
        try (CaseDirectory fx = CaseDirectory.onClassPath(CaseDirectory.TORCH_FIXTURES)) {
            Path file = fx.path().resolve("rnn_tanh_T5_N3_I4_H6_L1_D1_seed3.npz");
            GradcheckData d = GradcheckData.fromCase(file).build();
            assertEquals(Cell.rnn(Activation.TANH), d.config().cell());
            assertEquals(Layout.TIME_MAJOR, d.config().layout());
            assertEquals(5, d.seqLength());
            GradcheckReport r = CHECKER.check(new ReferenceBackend(), d);
            assertTrue(r.passed(), r::toTable);
        }
    }
}
