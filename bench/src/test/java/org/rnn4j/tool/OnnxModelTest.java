package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Mode;
import org.rnn4j.ParamId;
import org.rnn4j.Rnn;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.RnnWorkspace;
import org.rnn4j.SequenceArgs;

/**
 * The hand-written ONNX encoding is checked by ONNX Runtime itself: it must accept every model, and its outputs
 * must equal the reference backend's on the same weights (gate blocks permuted by the encoder) and inputs.
 */
class OnnxModelTest {

    @ParameterizedTest
    @ValueSource(strings = {"lstm", "lstm_peephole", "gru", "gru_reset_before", "rnn_tanh", "rnn_relu"})
    void onnxRuntimeAgreesWithTheReferenceBackend(String cellId) throws Exception {
        compare(Cell.parse(cellId), DType.F32, 5, 3, 4, 6, 2e-5);
    }

    @Test
    void oneLstmStepAgreesWithAHandComputation() throws Exception {
        // T = N = I = H = 1: every gate is one number, computed here from the rnn4j (i, f, g, o) weights.
        RnnConfig cfg = RnnConfig.builder(Cell.lstm(), 1, 1).dtype(DType.F32).build();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            float[] wih = {0.5f, -0.25f, 0.75f, 0.125f}, whh = {-0.5f, 0.375f, 0.25f, -0.625f};
            float[] bih = {0.1f, 0.2f, -0.3f, 0.4f}, bhh = {-0.05f, 0.15f, 0.05f, -0.2f};
            w.set("weight_ih_l0", wih).set("weight_hh_l0", whh).set("bias_ih_l0", bih).set("bias_hh_l0", bhh);
            float x = 0.8f, h = -0.3f, c = 0.6f;
            try (OnnxRunner ort = new OnnxRunner(cfg, w, 1, 1, 1)) {
                ort.buffer("X").putFloat(0, x);
                ort.buffer("initial_h").putFloat(0, h);
                ort.buffer("initial_c").putFloat(0, c);
                ort.run();
                double[] a = new double[4];
                for (int g = 0; g < 4; g++) a[g] = wih[g] * x + bih[g] + whh[g] * h + bhh[g];
                double i = sigmoid(a[0]), f = sigmoid(a[1]), gg = Math.tanh(a[2]), o = sigmoid(a[3]);
                double c1 = f * c + i * gg, h1 = o * Math.tanh(c1);
                assertEquals(h1, ort.buffer("Y").getFloat(0), 1e-6);
                assertEquals(h1, ort.buffer("Y_h").getFloat(0), 1e-6);
                assertEquals(c1, ort.buffer("Y_c").getFloat(0), 1e-6);
            }
        }
    }

    /**
     * float64 models are valid (ONNX Runtime loads and type-checks them) but its CPU provider (1.29) has no float64
     * kernel for LSTM/GRU (it says so when run) nor RNN (none registered): the peer refuses f64 up front. If a later
     * ONNX Runtime adds them, this test says so.
     */
    @Test
    void float64ModelsLoadButOnnxRuntimeHasNoFloat64Kernels() throws Exception {
        for (String c : new String[] {"lstm", "gru"}) {
            RnnConfig cfg = RnnConfig.builder(Cell.parse(c), 3, 4).dtype(DType.F64).build();
            try (Arena arena = Arena.ofConfined()) {
                RnnParameters w = RnnParameters.allocate(cfg, arena);
                try (OnnxRunner ort = new OnnxRunner(cfg, w, 2, 2, 1)) {
                    ai.onnxruntime.OrtException e = org.junit.jupiter.api.Assertions.assertThrows(
                            ai.onnxruntime.OrtException.class, ort::run);
                    assertTrue(e.getMessage().contains("does not support double"), e.getMessage());
                }
            }
        }
        assertTrue(OnnxRuntimePeer.unsupported(Cell.parse("rnn_tanh"), DType.F64) != null);
        assertEquals(null, OnnxRuntimePeer.unsupported(Cell.parse("rnn_tanh"), DType.F32));
    }

    @Test
    void theEncodingIsByteExactForAKnownModel() {
        // Tags, varints, a packed field, a nested message and a float, checked against the wire format by hand.
        ProtoWriter p = new ProtoWriter().int64(1, 7).string(2, "ab").packedInt64(1, 1, 300)
                .message(7, new ProtoWriter().int64(2, 14)).float32(2, 1.0f);
        assertEquals("08 07 12 02 61 62 0a 03 01 ac 02 3a 02 10 0e 15 00 00 80 3f", hex(p.toByteArray()));
        ProtoWriter neg = new ProtoWriter().int64(3, -1);
        assertEquals(11, neg.size(), "negative varints take ten bytes after the tag");
    }

    private static void compare(Cell cell, DType dtype, int T, int N, int I, int H, double tol) throws Exception {
        RnnConfig cfg = RnnConfig.builder(cell, I, H).dtype(dtype).build();
        SplittableRandom rnd = new SplittableRandom(7);
        boolean lstm = cell.hasCellState();
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            for (ParamId id : cfg.parameterIds()) fill(w.get(id), dtype, rnd, 0.6);
            MemorySegment x = random(arena, dtype, (long) T * N * I, rnd);
            MemorySegment h0 = random(arena, dtype, (long) N * H, rnd);
            MemorySegment c0 = lstm ? random(arena, dtype, (long) N * H, rnd) : null;
            MemorySegment y = arena.allocate((long) T * N * H * dtype.bytes());
            MemorySegment hN = arena.allocate((long) N * H * dtype.bytes());
            MemorySegment cN = lstm ? arena.allocate((long) N * H * dtype.bytes()) : null;
            try (Rnn rnn = Rnn.create(cfg, w, "reference"); RnnWorkspace ws = rnn.newWorkspace(Mode.INFERENCE, T, N)) {
                rnn.forward(new SequenceArgs().shape(T, N).input(x).h0(h0).c0(c0).output(y).hN(hN).cN(cN), ws);
            }
            try (OnnxRunner ort = new OnnxRunner(cfg, w, T, N, 1)) {
                copy(x, ort.buffer("X"));
                copy(h0, ort.buffer("initial_h"));
                if (lstm) copy(c0, ort.buffer("initial_c"));
                ort.run();
                // Y is [T, 1, N, H]: with one direction the same element order as rnn4j's [T, N, H].
                assertClose(y, ort.buffer("Y"), dtype, tol, cell.id() + " Y");
                assertClose(hN, ort.buffer("Y_h"), dtype, tol, cell.id() + " Y_h");
                if (lstm) assertClose(cN, ort.buffer("Y_c"), dtype, tol, cell.id() + " Y_c");
            }
        }
    }

    private static void assertClose(MemorySegment want, ByteBuffer got, DType dtype, double tol, String what) {
        long n = want.byteSize() / dtype.bytes();
        assertEquals(want.byteSize(), got.capacity(), what + ": size");
        double worst = 0;
        for (long i = 0; i < n; i++) {
            double g = dtype == DType.F64 ? got.getDouble((int) (i * 8)) : got.getFloat((int) (i * 4));
            worst = Math.max(worst, Math.abs(g - dtype.get(want, i)));
        }
        assertTrue(worst <= tol, what + ": max |ORT - reference| = " + worst + " > " + tol);
    }

    private static void copy(MemorySegment from, ByteBuffer to) {
        MemorySegment.ofBuffer(to).copyFrom(from);
    }

    private static MemorySegment random(Arena arena, DType dtype, long n, SplittableRandom rnd) {
        MemorySegment s = arena.allocate(n * dtype.bytes(), 64);
        fill(s, dtype, rnd, 1);
        return s;
    }

    private static void fill(MemorySegment s, DType dtype, SplittableRandom rnd, double scale) {
        long n = s.byteSize() / dtype.bytes();
        for (long i = 0; i < n; i++) dtype.set(s, i, scale * (2 * rnd.nextDouble() - 1));
    }

    private static double sigmoid(double a) {
        return 1 / (1 + Math.exp(-a));
    }

    private static String hex(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (byte v : b) sb.append(sb.isEmpty() ? "" : " ").append(String.format("%02x", v & 0xff));
        return sb.toString();
    }
}
