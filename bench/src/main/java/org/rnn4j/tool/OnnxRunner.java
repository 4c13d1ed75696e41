package org.rnn4j.tool;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.LinkedHashMap;
import java.util.Map;
import org.rnn4j.DType;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/**
 * One ONNX Runtime session of an {@link OnnxModel} with its input and output tensors bound once: inputs and outputs
 * live in direct buffers that ONNX Runtime reads and writes in place (outputs are pinned, so a run allocates no
 * output tensors). CPU execution provider, {@code intra_op_num_threads = threads}, {@code inter_op_num_threads = 1},
 * sequential execution, all graph optimisations; weights are initializers, so ONNX Runtime may pre-pack them.
 */
final class OnnxRunner implements AutoCloseable {
    private final OrtSession session;
    private final Map<String, OnnxTensor> inputs = new LinkedHashMap<>();
    private final Map<String, OnnxTensor> outputs = new LinkedHashMap<>();
    private final Map<String, ByteBuffer> buffers = new LinkedHashMap<>();
    private final DType dtype;

    /**
     * A session for {@code config} (one layer, one direction) with {@code weights}, sized T×N, with zeroed inputs;
     * fill them with {@link #input(String)}.
     */
    OnnxRunner(RnnConfig config, RnnParameters weights, int T, int N, int threads) throws OrtException {
        this.dtype = config.dtype();
        byte[] model = OnnxModel.build(config, weights, T, N);
        OrtEnvironment env = OrtEnvironment.getEnvironment();
        int H = config.hiddenSize(), I = config.inputSize();
        boolean lstm = config.cell().hasCellState();
        try (OrtSession.SessionOptions o = new OrtSession.SessionOptions()) {
            o.setIntraOpNumThreads(threads);
            o.setInterOpNumThreads(1);
            o.setExecutionMode(OrtSession.SessionOptions.ExecutionMode.SEQUENTIAL);
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            this.session = env.createSession(model, o);
        }
        try {
            bind(env, inputs, "X", T, N, I);
            bind(env, inputs, "initial_h", 1, N, H);
            if (lstm) bind(env, inputs, "initial_c", 1, N, H);
            bind(env, outputs, "Y", T, 1, N, H);
            bind(env, outputs, "Y_h", 1, N, H);
            if (lstm) bind(env, outputs, "Y_c", 1, N, H);
        } catch (OrtException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private void bind(OrtEnvironment env, Map<String, OnnxTensor> into, String name, long... shape) throws OrtException {
        long n = 1;
        for (long d : shape) n *= d;
        long bytes = n * dtype.bytes();
        if (bytes > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(name + ": expected at most 2 GiB (a Java direct buffer's limit) but "
                    + "needs " + bytes + " bytes");
        }
        ByteBuffer b = ByteBuffer.allocateDirect((int) bytes).order(ByteOrder.nativeOrder());
        buffers.put(name, b);
        into.put(name, dtype == DType.F64 ? OnnxTensor.createTensor(env, b.asDoubleBuffer(), shape)
                : OnnxTensor.createTensor(env, b.asFloatBuffer(), shape));
    }

    /** The direct buffer of input or output {@code name} (native order), read and written in place. */
    ByteBuffer buffer(String name) {
        ByteBuffer b = buffers.get(name);
        if (b == null) throw new IllegalArgumentException("name: expected one of " + buffers.keySet() + " but was " + name);
        return b;
    }

    /** One run: reads the inputs' buffers, writes the outputs' buffers. */
    void run() throws OrtException {
        try (OrtSession.Result r = session.run(inputs, outputs)) {
            // Pinned outputs: nothing to copy.
        }
    }

    @Override
    public void close() {
        for (OnnxValue v : inputs.values()) v.close();
        for (OnnxValue v : outputs.values()) v.close();
        try {
            session.close();
        } catch (OrtException e) {
            // Nothing to do: the session is gone either way.
        }
    }

    /** The ONNX Runtime version (from its native library). */
    static String version() {
        return OrtEnvironment.getEnvironment().getVersion();
    }
}
