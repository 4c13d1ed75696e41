package org.rnn4j.validation;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.function.Executable;
import org.rnn4j.Activation;
import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GruVariant;
import org.rnn4j.Layout;
import org.rnn4j.ParamId;
import org.rnn4j.ParamKind;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.reference.ReferenceBackend;
import org.rnn4j.spi.RnnBackend;
import org.rnn4j.testkit.Harness;

/**
 * Contract (k) of docs/contract.md, the setup rules no backend sees: {@link RnnConfig}, {@link DType} and
 * {@link Cell} by name, {@link RnnParameters#set} and {@link RnnParameters#get} (unknown names, and for every
 * parameter of every kind: null, too small, closed, wrong dtype), {@link Rnn#create} (null arguments, weights
 * of another configuration, a missing or closed parameter, unknown or unavailable backends) and
 * {@link Backends#get}. Workspace creation, which asks the backend, is in
 * {@link org.rnn4j.testkit.SetupValidationSuite}.
 */
class SetupValidationTest {

    static final RnnConfig LSTM_F32 = Harness.config(Cell.lstm(), 3, 4, 1, false, DType.F32, Layout.TIME_MAJOR);
    /** Every kind of parameter (peepholes), two layers, both directions, float64. */
    static final RnnConfig PEEP_F64 = Harness.config(Cell.lstmWithPeepholes(), 3, 2, 2, true, DType.F64,
            Layout.BATCH_FIRST);
    static final RnnConfig GRU_F32 = Harness.config(Cell.gru(GruVariant.RESET_BEFORE), 2, 3, 2, true, DType.F32,
            Layout.TIME_MAJOR);

    static IllegalArgumentException iae(Executable call, String arg, String... fragments) {
        return Harness.iae(call, arg, fragments);
    }

    static RnnParameters filled(RnnConfig cfg, Arena arena) {
        return RnnParameters.allocate(cfg, arena);
    }

    // ---------------------------------------------------------------- RnnConfig and friends

    @Test
    void configRejectsNullsAndNonPositiveSizes() {
        iae(() -> RnnConfig.builder(null, 1, 1).layers(1).bidirectional(false).dtype(DType.F32).layout(Layout.TIME_MAJOR).build(), "cell", "a Cell", "null");
        iae(() -> RnnConfig.builder(Cell.lstm(), 1, 1).layers(1).bidirectional(false).dtype(null).layout(Layout.TIME_MAJOR).build(), "dtype", "F32 or F64", "null");
        iae(() -> RnnConfig.builder(Cell.lstm(), 1, 1).layers(1).bidirectional(false).dtype(DType.F32).layout(null).build(), "layout", "TIME_MAJOR or BATCH_FIRST",
                "null");
        iae(() -> RnnConfig.builder(Cell.lstm(), 0, 4).build(), "inputSize", ">= 1", "but was 0");
        iae(() -> RnnConfig.builder(Cell.lstm(), -5, 4).build(), "inputSize", ">= 1", "but was -5");
        iae(() -> RnnConfig.builder(Cell.lstm(), 3, 0).build(), "hiddenSize", ">= 1", "but was 0");
        iae(() -> RnnConfig.builder(Cell.lstm(), 3, 4).layers(0).build(), "layers", "in 1..4096", "but was 0");
        iae(() -> RnnConfig.builder(Cell.lstm(), 3, 4).layers(-1).build(), "layers", "in 1..4096", "but was -1");
        // Bounded above too, so that no count derived from it (parameters, state rows) can overflow.
        iae(() -> RnnConfig.builder(Cell.lstm(), 3, 4).layers(4097).build(), "layers", "in 1..4096", "but was 4097");
        iae(() -> RnnConfig.builder(Cell.lstm(), 3, 4).layers(Integer.MAX_VALUE).bidirectional(true).build(),
                "layers", "in 1..4096");
        iae(() -> RnnConfig.builder(Cell.lstm(), 3, 1 << 16).bidirectional(true).build(), "hiddenSize/inputSize",
                "<= " + Integer.MAX_VALUE, "but was " + 4L * 65536 * 2 * 65536);
        iae(() -> RnnConfig.builder(Cell.lstm(), 1 << 30, 4).build(), "hiddenSize/inputSize", "but was "
                + 16L * (1 << 30));
        assertDoesNotThrow(() -> RnnConfig.builder(Cell.rnn(Activation.RELU), 1, 1).build());
        // the bound itself is a valid depth, and every count derived from it fits
        RnnConfig deepest = RnnConfig.builder(Cell.lstmWithPeepholes(), 1, 1).layers(RnnConfig.MAX_LAYERS)
                .bidirectional(true).build();
        assertEquals(2 * RnnConfig.MAX_LAYERS, deepest.stateRows());
        assertEquals(5 * 2 * RnnConfig.MAX_LAYERS, deepest.parameterIds().size());
        assertDoesNotThrow(() -> RnnParameters.of(deepest));
    }

    @Test
    void cellsAndDtypesByName() {
        iae(() -> Cell.parse("lstm2"), "cell", "lstm, lstm_peephole, gru, gru_reset_before, rnn_tanh, rnn_relu",
                "but was 'lstm2'");
        iae(() -> Cell.parse(null), "cell", "but was 'null'");
        iae(() -> Cell.gru(null), "variant", "GruVariant", "null");
        iae(() -> Cell.rnn(null), "activation", "TANH or RELU", "null");
        iae(() -> DType.parse("f16"), "dtype", "f32, float32, f64, float64", "but was 'f16'");
        iae(() -> DType.parse(null), "dtype", "f32, float32, f64, float64", "but was null");
        assertEquals(DType.F64, DType.parse("Float64"));
        for (Cell c : Cell.all()) assertEquals(c, Cell.parse(c.id().toUpperCase().replace('_', '-')));
        // one name for the vanilla RNN: the factory Cell.rnn makes a Cell.Rnn, with the ids rnn_tanh/rnn_relu
        assertEquals(new Cell.Rnn(Activation.TANH), Cell.rnn(Activation.TANH));
        assertEquals(new Cell.Rnn(Activation.RELU), Cell.parse("rnn_relu"));
        assertEquals("rnn_tanh", Cell.rnn(Activation.TANH).id());
    }

    // ---------------------------------------------------------------- RnnParameters

    @Test
    void unknownParameterNames() {
        try (Arena a = Arena.ofConfined()) {
            RnnParameters p = RnnParameters.of(LSTM_F32);
            MemorySegment s = a.allocate(4096);
            String expected = "expected one of " + LSTM_F32.parameterIds();
            for (String bad : new String[] {"weight", "weight_ih", "weight_ih_l", "weight_ih_lx", "weight_ih_l1",
                    "weight_ih_l0_reverse", "weight_peephole_l0", "Weight_ih_l0", "weight_ih_l0 ", "", "bias_l0",
                    "weight_ih_l-1"}) {
                iae(() -> p.set(bad, s), "name", expected, "but was '" + bad + "'");
            }
            iae(() -> p.set((String) null, s), "name", expected, "but was 'null'");
            iae(() -> p.set(new ParamId(ParamKind.WEIGHT_IH, 1, false), s), "id", expected, "but was weight_ih_l1");
            iae(() -> p.set((ParamId) null, s), "id", expected, "but was null");
            // peepholes exist only for the peephole LSTM; reverse weights only when bidirectional
            assertDoesNotThrow(() -> RnnParameters.of(PEEP_F64).set("weight_peephole_l1_reverse", s));
            iae(() -> RnnParameters.of(GRU_F32).set("weight_peephole_l0", s), "name", "but was 'weight_peephole_l0'");
        }
    }

    /** Every parameter of every kind, layer and direction: null, one element short, closed, other dtype. */
    @TestFactory
    Stream<DynamicTest> everyParameterIsCheckedWhenSet() {
        List<DynamicTest> tests = new ArrayList<>();
        for (RnnConfig cfg : List.of(PEEP_F64, GRU_F32, LSTM_F32)) {
            for (ParamId id : cfg.parameterIds()) {
                String name = id.name();
                long need = cfg.parameterSize(id);
                DType dt = cfg.dtype();
                tests.add(dynamicTest(cfg.cell().id() + "/" + dt + " " + name, () -> {
                    RnnParameters p = RnnParameters.of(cfg);
                    iae(() -> p.set(name, (MemorySegment) null), name,
                            "expected a segment of " + need + " " + dt.numpyName() + " elements", "but was null");
                    iae(() -> p.set(name, (float[]) null), name, "expected a float[]", "but was null");
                    iae(() -> p.set(name, (double[]) null), name, "expected a double[]", "but was null");
                    try (Arena a = Arena.ofConfined()) {
                        iae(() -> p.set(name, a.allocate((need - 1) * dt.bytes())), name,
                                "expected at least " + need + " " + dt.numpyName() + " elements",
                                "(" + (need - 1) + " elements)");
                        iae(() -> p.set(id, a.allocate((need - 1) * dt.bytes())), name, "expected at least " + need);
                    }
                    Arena closed = Arena.ofConfined();
                    MemorySegment dead = closed.allocate(need * dt.bytes());
                    closed.close();
                    iae(() -> p.set(name, dead), name, "expected a live segment", "closed");
                    if (dt == DType.F64) {
                        iae(() -> p.set(name, new float[(int) (2 * need)]), name, "expected float64 data (double[])",
                                "backed by float[]");
                        assertDoesNotThrow(() -> p.set(name, new double[(int) need]));
                    } else {
                        iae(() -> p.set(name, new double[(int) need]), name, "expected float32 data (float[])",
                                "backed by double[]");
                        assertDoesNotThrow(() -> p.set(name, new float[(int) need]));
                    }
                    iae(() -> p.set(name, MemorySegment.ofArray(new int[(int) (2 * need)])), name,
                            "backed by int[]", "dtype mismatch");
                    // a rejected set leaves the previous value in place
                    assertTrue(p.get(name) != null && p.get(name).byteSize() == need * dt.bytes());
                }));
            }
        }
        return tests.stream();
    }

    /** get(kind, layer, direction) names a layer or direction out of range instead of treating it as forward. */
    @Test
    void parameterByKindLayerAndDirection() {
        try (Arena a = Arena.ofConfined()) {
            RnnParameters p = filled(PEEP_F64, a); // 2 layers, bidirectional
            assertSame(p.get("weight_ih_l1_reverse"), p.get(ParamKind.WEIGHT_IH, 1, 1));
            assertSame(p.get("weight_peephole_l0"), p.get(ParamKind.WEIGHT_PEEPHOLE, 0, 0));
            for (int bad : new int[] {2, -1, Integer.MAX_VALUE}) {
                iae(() -> p.get(ParamKind.WEIGHT_IH, 0, bad), "direction", "expected a value in 0..1",
                        "but was " + bad);
            }
            for (int bad : new int[] {2, -1}) {
                iae(() -> p.get(ParamKind.BIAS_HH, bad, 0), "layer", "expected a value in 0..1", "but was " + bad);
            }
            iae(() -> p.get(null, 0, 0), "kind", "a ParamKind", "but was null");
            RnnParameters q = filled(LSTM_F32, a); // 1 layer, unidirectional, no peepholes
            iae(() -> q.get(ParamKind.WEIGHT_HH, 0, 1), "direction", "expected a value in 0..0", "but was 1");
            iae(() -> q.get(ParamKind.WEIGHT_PEEPHOLE, 0, 0), "kind", "but was WEIGHT_PEEPHOLE");
        }
    }

    @Test
    void parameterSetsNeedAConfigAndAnArena() {
        iae(() -> RnnParameters.of(null), "config", "RnnConfig", "but was null");
        iae(() -> RnnParameters.allocate(null, Arena.global()), "config", "RnnConfig", "but was null");
        iae(() -> RnnParameters.allocate(LSTM_F32, null), "arena", "Arena", "but was null");
    }

    // ---------------------------------------------------------------- Rnn.create

    @Test
    void createRejectsNullArguments() {
        try (Arena a = Arena.ofConfined()) {
            RnnParameters w = filled(LSTM_F32, a);
            iae(() -> Rnn.create(null, w, "reference"), "config", "RnnConfig", "but was null");
            iae(() -> Rnn.create(null, w, new ReferenceBackend()), "config", "RnnConfig", "but was null");
            iae(() -> Rnn.create(LSTM_F32, null, "reference"), "weights", "RnnParameters", "but was null");
            iae(() -> Rnn.create(LSTM_F32, null, new ReferenceBackend()), "weights", "RnnParameters", "but was null");
            iae(() -> Rnn.create(LSTM_F32, w, (RnnBackend) null), "backend", "RnnBackend", "but was null");
            iae(() -> Rnn.create(LSTM_F32, w, (String) null), "backend", "a backend name", "but was null");
        }
    }

    /** Weights made for a configuration whose parameters differ in any single detail are rejected. */
    @TestFactory
    Stream<DynamicTest> createRejectsWeightsOfAnotherConfig() {
        RnnConfig c = PEEP_F64;
        List<RnnConfig> others = List.of(
                RnnConfig.builder(Cell.lstm(), c.inputSize(), c.hiddenSize()).layers(c.layers()).bidirectional(true).dtype(c.dtype()).layout(c.layout()).build(),
                RnnConfig.builder(c.cell(), c.inputSize() + 1, c.hiddenSize()).layers(c.layers()).bidirectional(true).dtype(c.dtype()).layout(c.layout()).build(),
                RnnConfig.builder(c.cell(), c.inputSize(), c.hiddenSize() + 1).layers(c.layers()).bidirectional(true).dtype(c.dtype()).layout(c.layout()).build(),
                RnnConfig.builder(c.cell(), c.inputSize(), c.hiddenSize()).layers(1).bidirectional(true).dtype(c.dtype()).layout(c.layout()).build(),
                RnnConfig.builder(c.cell(), c.inputSize(), c.hiddenSize()).layers(c.layers()).bidirectional(false).dtype(c.dtype()).layout(c.layout()).build(),
                RnnConfig.builder(c.cell(), c.inputSize(), c.hiddenSize()).layers(c.layers()).bidirectional(true).dtype(DType.F32).layout(c.layout()).build(),
                Harness.config(Cell.gru(GruVariant.LINEAR_BEFORE_RESET), 3, 2, 2, true, DType.F64, Layout.BATCH_FIRST),
                Harness.config(Cell.gru(GruVariant.RESET_BEFORE), 3, 2, 2, true, DType.F64, Layout.BATCH_FIRST));
        List<DynamicTest> tests = new ArrayList<>();
        for (RnnConfig other : others) {
            tests.add(dynamicTest(other.toString(), () -> {
                try (Arena a = Arena.ofConfined()) {
                    RnnParameters w = filled(other, a);
                    iae(() -> Rnn.create(c, w, "reference"), "weights", "expected parameters of " + c + " (any layout)",
                            "but they were made for " + other);
                    iae(() -> Rnn.create(c, w, new ReferenceBackend()), "weights", "expected parameters of " + c);
                }
            }));
        }
        return tests.stream();
    }

    /** Each parameter left unset (and each one closed) is named. */
    @TestFactory
    Stream<DynamicTest> createRejectsAMissingOrClosedParameter() {
        List<DynamicTest> tests = new ArrayList<>();
        for (RnnConfig cfg : List.of(PEEP_F64, GRU_F32)) {
            for (ParamId missing : cfg.parameterIds()) {
                tests.add(dynamicTest(cfg.cell().id() + " without " + missing.name(), () -> {
                    try (Arena a = Arena.ofConfined()) {
                        RnnParameters full = filled(cfg, a);
                        RnnParameters w = RnnParameters.of(cfg);
                        for (ParamId id : cfg.parameterIds()) if (!id.equals(missing)) w.set(id, full.get(id));
                        iae(() -> Rnn.create(cfg, w, "reference"), "weights." + missing.name(),
                                "expected a segment of " + cfg.parameterSize(missing) + " " + cfg.dtype().numpyName()
                                        + " elements", "but was not set");
                    }
                }));
                tests.add(dynamicTest(cfg.cell().id() + " with " + missing.name() + " closed", () -> {
                    try (Arena a = Arena.ofConfined()) {
                        RnnParameters w = filled(cfg, a);
                        Arena b = Arena.ofConfined();
                        w.set(missing, b.allocate(w.get(missing).byteSize()));
                        b.close();
                        iae(() -> Rnn.create(cfg, w, "reference"), "weights." + missing.name(),
                                "expected a live segment", "closed");
                    }
                }));
            }
        }
        return tests.stream();
    }

    @Test
    void createWithUnknownOrUnavailableBackend() {
        try (Arena a = Arena.ofConfined()) {
            RnnParameters w = filled(LSTM_F32, a);
            iae(() -> Rnn.create(LSTM_F32, w, "nope"), "backend", "expected one of [reference, vector, native",
                    "but was 'nope'");
            iae(() -> Rnn.create(LSTM_F32, w, ""), "backend", "but was ''");
            iae(() -> Rnn.create(LSTM_F32, w, "Reference"), "backend", "but was 'Reference'");
            for (Backends.Info info : Backends.list()) {
                if (info.available()) continue;
                IllegalStateException e = assertThrows(IllegalStateException.class,
                        () -> Rnn.create(LSTM_F32, w, info.name()));
                assertEquals("backend '" + info.name() + "' is not available: " + info.reason(), e.getMessage());
            }
        }
    }

    // ---------------------------------------------------------------- Backends

    @Test
    void backendsGet() {
        iae(() -> Backends.get(null), "backend", "a backend name", "but was null");
        iae(() -> Backends.get("cuda"), "backend", "expected one of [reference, vector, native", "but was 'cuda'");
        iae(() -> Backends.get("reference", null), "options", "BackendOptions", "but was null");
        iae(() -> BackendOptions.threads(-1), "threads", ">= 0", "but was -1");
        iae(() -> Backends.get("reference", BackendOptions.threads(2)), "threads", "expected 0 or 1", "but was 2");
        assertEquals("reference", Backends.get("reference", BackendOptions.threads(1)).name());

        // kernels-java's class path has no native provider: the known backend is unavailable, with its reason
        IllegalStateException nat = assertThrows(IllegalStateException.class, () -> Backends.get("native"));
        assertTrue(nat.getMessage().startsWith("backend 'native' is not available: "), nat.getMessage());
        String reason = nat.getMessage().substring("backend 'native' is not available: ".length());
        assertFalse(reason.isBlank(), "the reason must say why");
        Backends.Info info = Backends.list().stream().filter(i -> i.name().equals("native")).findFirst().orElseThrow();
        assertEquals(info.reason(), reason);
    }

    @Test
    void systemPropertyPicksTheBackend() {
        String old = System.getProperty(Backends.PROPERTY);
        try {
            System.clearProperty(Backends.PROPERTY);
            assertEquals("reference", Backends.fromSystemProperty("reference").name());
            assertEquals("reference", Backends.nameFromSystemProperty("reference"));
            iae(() -> Backends.nameFromSystemProperty(null), "backend", "a backend name", "but was null");
            iae(() -> Backends.nameFromSystemProperty("nope"), "backend", "but was 'nope'");
            System.setProperty(Backends.PROPERTY, "nope");
            iae(() -> Backends.fromSystemProperty("reference"), "backend", "but was 'nope'");
            iae(() -> Backends.nameFromSystemProperty("reference"), "backend", "expected one of [reference, vector, "
                    + "native", "but was 'nope'");
            System.setProperty(Backends.PROPERTY, "native");
            assertThrows(IllegalStateException.class, () -> Backends.fromSystemProperty("reference"));
            IllegalStateException e = assertThrows(IllegalStateException.class,
                    () -> Backends.nameFromSystemProperty("reference"));
            assertTrue(e.getMessage().startsWith("backend 'native' is not available: "), e.getMessage());
            System.setProperty(Backends.PROPERTY, "reference");
            assertEquals("reference", Backends.nameFromSystemProperty("vector"), "the property wins over the fallback");
        } finally {
            if (old == null) System.clearProperty(Backends.PROPERTY);
            else System.setProperty(Backends.PROPERTY, old);
        }
    }
}
