package org.rnn4j.tool;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.ArrayList;
import java.util.List;
import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.GruVariant;
import org.rnn4j.ParamId;
import org.rnn4j.ParamKind;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/**
 * An ONNX model of one unidirectional {@code LSTM}, {@code GRU} or {@code RNN} node, built from rnn4j weights
 * (PyTorch's layout and gate orders) with fixed shapes, written with {@link ProtoWriter}: the model the ONNX
 * Runtime peer runs. No ONNX or protobuf library is needed.
 *
 * <p>Graph inputs {@code X} [T, N, I] and {@code initial_h} [1, N, H] (and {@code initial_c} for the LSTMs);
 * initializers {@code W} [1, G·H, I], {@code R} [1, G·H, H], {@code B} [1, 2·G·H] (and {@code P} [1, 3·H]);
 * outputs {@code Y} [T, 1, N, H], {@code Y_h} [1, N, H] (and {@code Y_c}). Gate blocks are permuted from rnn4j's
 * orders to ONNX's: LSTM i,f,g,o → i,o,f,c; GRU r,z,n → z,r,h; peepholes i,f,o → i,o,f. The GRU's form is the
 * attribute {@code linear_before_reset} (1 for {@code gru}, PyTorch's and cuDNN's form; 0 for
 * {@code gru_reset_before}); the vanilla RNN's activation is {@code Tanh} or {@code Relu}. Every rnn4j cell is
 * expressible, with the same equations (docs/equations.md).
 */
final class OnnxModel {
    /** ONNX operator set of the node (LSTM/GRU/RNN-14: the version that added {@code layout}). */
    static final int OPSET = 14;
    /** IR version 7 (ONNX 1.7), enough for opset 14. */
    static final int IR_VERSION = 7;

    // TensorProto.DataType
    static final int FLOAT = 1;
    static final int DOUBLE = 11;
    // AttributeProto.AttributeType
    private static final int ATTR_INT = 2;
    private static final int ATTR_STRINGS = 8;

    private OnnxModel() {}

    /** The ONNX operator for a cell. */
    static String opType(Cell cell) {
        return switch (cell) {
            case Cell.Lstm l -> "LSTM";
            case Cell.Gru g -> "GRU";
            case Cell.Rnn s -> "RNN";
        };
    }

    /** rnn4j gate block feeding each ONNX gate block, in ONNX order. */
    static int[] gatePermutation(Cell cell) {
        return switch (cell) {
            case Cell.Lstm l -> new int[] {0, 3, 1, 2}; // i, o, f, c  <-  i, f, g, o
            case Cell.Gru g -> new int[] {1, 0, 2};     // z, r, h     <-  r, z, n
            case Cell.Rnn s -> new int[] {0};
        };
    }

    /** The peephole rows in ONNX order (i, o, f) from rnn4j's (i, f, o). */
    static final int[] PEEPHOLE_PERMUTATION = {0, 2, 1};

    /**
     * The serialized model of layer 0, forward direction, of {@code config} (one layer, unidirectional) with
     * {@code weights}, for sequences of {@code T} steps and batches of {@code N}.
     */
    static byte[] build(RnnConfig config, RnnParameters weights, int T, int N) {
        if (config.layers() != 1 || config.bidirectional()) {
            throw new IllegalArgumentException("config: expected one unidirectional layer but was " + config);
        }
        Cell cell = config.cell();
        int I = config.inputSize(), H = config.hiddenSize(), G = config.gates();
        int elemType = config.dtype() == DType.F64 ? DOUBLE : FLOAT;
        boolean lstm = cell.hasCellState();
        boolean peep = cell instanceof Cell.Lstm l && l.peepholes();
        int[] perm = gatePermutation(cell);

        ProtoWriter graph = new ProtoWriter();
        // node (1)
        ProtoWriter node = new ProtoWriter();
        List<String> inputs = new ArrayList<>(List.of("X", "W", "R", "B", "", "initial_h"));
        if (lstm) inputs.add("initial_c");
        if (peep) inputs.add("P");
        for (String in : inputs) node.string(1, in);
        node.string(2, "Y").string(2, "Y_h");
        if (lstm) node.string(2, "Y_c");
        node.string(3, "rnn").string(4, opType(cell));
        node.message(5, intAttribute("hidden_size", H));
        if (cell instanceof Cell.Gru g) {
            node.message(5, intAttribute("linear_before_reset", g.variant() == GruVariant.LINEAR_BEFORE_RESET ? 1 : 0));
        }
        if (cell instanceof Cell.Rnn s) {
            node.message(5, stringsAttribute("activations", s.activation() == Activation.RELU ? "Relu" : "Tanh"));
        }
        graph.message(1, node);
        graph.string(2, "rnn4j_" + cell.id());
        // initializers (5)
        ParamId wih = new ParamId(ParamKind.WEIGHT_IH, 0, false), whh = new ParamId(ParamKind.WEIGHT_HH, 0, false);
        ParamId bih = new ParamId(ParamKind.BIAS_IH, 0, false), bhh = new ParamId(ParamKind.BIAS_HH, 0, false);
        graph.message(5, tensor("W", elemType, new long[] {1, (long) G * H, I}, blocks(weights, wih, perm)));
        graph.message(5, tensor("R", elemType, new long[] {1, (long) G * H, H}, blocks(weights, whh, perm)));
        graph.message(5, tensor("B", elemType, new long[] {1, 2L * G * H},
                concat(blocks(weights, bih, perm), blocks(weights, bhh, perm))));
        if (peep) {
            graph.message(5, tensor("P", elemType, new long[] {1, 3L * H},
                    blocks(weights, new ParamId(ParamKind.WEIGHT_PEEPHOLE, 0, false), PEEPHOLE_PERMUTATION)));
        }
        // inputs (11), outputs (12)
        graph.message(11, valueInfo("X", elemType, T, N, I));
        graph.message(11, valueInfo("initial_h", elemType, 1, N, H));
        if (lstm) graph.message(11, valueInfo("initial_c", elemType, 1, N, H));
        graph.message(12, valueInfo("Y", elemType, T, 1, N, H));
        graph.message(12, valueInfo("Y_h", elemType, 1, N, H));
        if (lstm) graph.message(12, valueInfo("Y_c", elemType, 1, N, H));

        ProtoWriter model = new ProtoWriter();
        model.int64(1, IR_VERSION);
        model.string(2, "rnn4j");
        model.string(3, "bench");
        model.message(7, graph);
        model.message(8, new ProtoWriter().string(1, "").int64(2, OPSET));
        return model.toByteArray();
    }

    /** The bytes of the gate blocks of {@code id} in the order {@code perm} (rnn4j block indices). */
    private static byte[] blocks(RnnParameters w, ParamId id, int[] perm) {
        List<byte[]> parts = new ArrayList<>();
        for (int g : perm) {
            MemorySegment s = w.gateBlock(id, g);
            parts.add(s.toArray(ValueLayout.JAVA_BYTE)); // native order: little-endian on every supported platform
        }
        return concat(parts.toArray(byte[][]::new));
    }

    private static byte[] concat(byte[]... parts) {
        long n = 0;
        for (byte[] p : parts) n += p.length;
        if (n > Integer.MAX_VALUE - 16) throw new IllegalArgumentException("weights: expected at most 2 GiB per tensor but "
                + "were " + n + " bytes");
        byte[] out = new byte[(int) n];
        int at = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, at, p.length);
            at += p.length;
        }
        return out;
    }

    private static ProtoWriter intAttribute(String name, long value) {
        return new ProtoWriter().string(1, name).int64(3, value).int64(20, ATTR_INT);
    }

    private static ProtoWriter stringsAttribute(String name, String... values) {
        ProtoWriter a = new ProtoWriter().string(1, name);
        for (String v : values) a.string(9, v);
        return a.int64(20, ATTR_STRINGS);
    }

    /** TensorProto: dims (1), data_type (2), name (8), raw_data (9, little-endian). */
    private static ProtoWriter tensor(String name, int elemType, long[] dims, byte[] raw) {
        return new ProtoWriter().packedInt64(1, dims).int64(2, elemType).string(8, name).bytes(9, raw);
    }

    /** ValueInfoProto { name (1), type (2): TypeProto { tensor_type (1): { elem_type (1), shape (2) } } }. */
    private static ProtoWriter valueInfo(String name, int elemType, long... dims) {
        ProtoWriter shape = new ProtoWriter();
        for (long d : dims) shape.message(1, new ProtoWriter().int64(1, d));
        ProtoWriter tensorType = new ProtoWriter().int64(1, elemType).message(2, shape);
        return new ProtoWriter().string(1, name).message(2, new ProtoWriter().message(1, tensorType));
    }
}
