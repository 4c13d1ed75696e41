package org.rnn4j.tool;

import ai.onnxruntime.OrtException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peer onnxruntime}: ONNX Runtime's CPU {@code LSTM}/{@code GRU}/{@code RNN} operators on a model this tool
 * writes ({@link OnnxModel}), run in this JVM through ONNX Runtime's Java API ({@link OnnxRunner}).
 */
@Command(name = "onnxruntime",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"ONNX Runtime peer (Java API, CPU execution provider): times the ONNX LSTM/GRU/RNN operator on "
                + "a model built by the tool with random weights (the weights of ./rnn4j bench for the same --seed), "
                + "intra-op threads K, inter-op threads 1, sequential execution, and prints the bench line of ./rnn4j "
                + "bench with backend=onnxruntime.",
                "Modes: fwd (inference forward over T steps) and step (the same operator over one step: ONNX has no "
                        + "single-cell operator); ONNX Runtime has no training kernels for these operators. Every "
                        + "cell is expressible (gru: linear_before_reset=1; gru_reset_before: 0; lstm_peephole: "
                        + "input P). float32 only: its CPU provider has no float64 LSTM/GRU/RNN kernels."})
final class OnnxRuntimePeer implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    RnnRunOptions run;

    @Override
    public Integer call() {
        BenchSpec s = run.spec();
        validate(spec, s);
        PrintWriter out = spec.commandLine().getOut();
        out.println(run(s, out));
        out.flush();
        return 0;
    }

    /** Why ONNX Runtime cannot run {@code cell} in {@code dtype}, or null. */
    static String unsupported(Cell cell, DType dtype) {
        if (dtype == DType.F64) {
            return "ONNX Runtime's CPU execution provider has no float64 kernel for " + OnnxModel.opType(cell)
                    + " (LSTM and GRU: 'operator does not support double yet'; RNN: none registered): float32 only";
        }
        return null;
    }

    static void validate(CommandSpec spec, BenchSpec s) {
        if (s.mode() == BenchCommand.BenchMode.fwdbwd) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--mode': ONNX Runtime runs "
                    + "these operators for inference only (its CPU build has no gradient kernels for them): expected "
                    + "fwd or step but was fwdbwd");
        }
        String why = unsupported(s.cell(), s.dtype());
        if (why != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--dtype': " + why);
    }

    /** Runs the peer; returns its bench line (the description and results go to {@code out}). */
    static String run(BenchSpec s, PrintWriter out) {
        int T = s.mode() == BenchCommand.BenchMode.step ? 1 : s.shape().seqLength();
        int N = s.shape().batch();
        RnnConfig cfg = RnnConfig.builder(s.cell(), s.shape().inputSize(), s.shape().hiddenSize()).dtype(s.dtype())
                .build();
        double flops = BenchCommand.flops(cfg, s.mode(), s.shape().seqLength(), N);
        int e = s.dtype().bytes();
        long weightBytes = cfg.parameterCount() * e;
        boolean lstm = cfg.cell().hasCellState();
        long state = (long) N * cfg.hiddenSize();
        // Off-heap: the weights (ours, ONNX Runtime's initializer and its pre-packed copy) and the bound tensors.
        MemoryBudget budget = new MemoryBudget().add("weights, ONNX Runtime's copy and its pre-packed copy",
                        3 * cfg.parameterCount(), e)
                .add("input", (long) T * N * cfg.inputSize(), e).add("output", (long) T * N * cfg.hiddenSize(), e)
                .add("initial and final states", (lstm ? 4L : 2L) * state, e);
        String subject = "peer onnxruntime " + s.describe();
        budget.require(subject, BenchCommand.availableMemory(), null);
        // The bound tensors are NIO direct buffers, which count against -XX:MaxDirectMemorySize.
        new MemoryBudget().add("input", (long) T * N * cfg.inputSize(), e).add("output", (long) T * N * cfg.hiddenSize(), e)
                .add("initial and final states", (lstm ? 4L : 2L) * state, e)
                .require(subject, MemoryBudget.directAvailable(), null);
        // On the Java heap: the serialized model, copied while it is assembled (the protobuf limit is 2 GiB).
        Runtime rt = Runtime.getRuntime();
        long heapFree = rt.maxMemory() - (rt.totalMemory() - rt.freeMemory());
        new MemoryBudget().addBytes("the ONNX model while it is built (4x the weights)", 4 * weightBytes)
                .require(subject, new MemoryBudget.Available(heapFree, "Java heap free, -Xmx "
                        + MemoryBudget.human(rt.maxMemory())), null);
        if (weightBytes > (1L << 31) - (1L << 20)) {
            throw new ToolException(subject + ": the weights (" + MemoryBudget.human(weightBytes) + ") do not fit in one "
                    + "ONNX model (protobuf's 2 GiB limit); choose a smaller I or H");
        }

        SplittableRandom rnd = new SplittableRandom(s.seed());
        Sampler.Measurement m;
        String version;
        try (Arena arena = Arena.ofConfined()) {
            RnnParameters w = RnnParameters.allocate(cfg, arena);
            for (ParamId id : cfg.parameterIds()) fill(w.get(id), s.dtype(), rnd, 1 / Math.sqrt(cfg.hiddenSize()));
            try (OnnxRunner ort = new OnnxRunner(cfg, w, T, N, s.threads())) {
                version = OnnxRunner.version();
                fill(ort.buffer("X"), rnd);
                fill(ort.buffer("initial_h"), rnd);
                if (lstm) fill(ort.buffer("initial_c"), rnd);
                out.println(String.format(Locale.ROOT, "benchmark: ONNX Runtime %s, %s operator (%s), mode %s, %s, "
                                + "T=%d N=%d I=%d H=%d, threads=%d", version, OnnxModel.opType(cfg.cell()),
                        cfg.cell().id(), s.mode(), s.dtype().numpyName(), T, N, cfg.inputSize(), cfg.hiddenSize(),
                        s.threads()));
                out.println(String.format(Locale.ROOT, "  flops per call: %.4g (%s)", flops,
                        s.mode() == BenchCommand.BenchMode.step ? "forward with T=1" : "forward"));
                out.println("  session: CPU execution provider, intra_op_num_threads=" + s.threads()
                        + ", inter_op_num_threads=1, sequential execution, all graph optimisations; weights are "
                        + "initializers (pre-packed by ONNX Runtime); inputs and pinned outputs in direct buffers"
                        + (s.mode() == BenchCommand.BenchMode.step ? "; step: the operator over a sequence of one "
                        + "step" : ""));
                out.println(BenchCommand.timingSummary(s.timing()));
                out.flush();
                m = Sampler.measure(s.timing(), ort::run);
            }
        } catch (OrtException ex) {
            throw new ToolException(subject + ": ONNX Runtime: " + ex.getMessage(), ex);
        } catch (OutOfMemoryError ex) {
            throw BenchCommand.outOfMemory(subject, ex);
        } catch (RuntimeException ex) {
            throw ex;
        } catch (Exception ex) {
            throw new ToolException(subject + ": " + ex, ex);
        }
        BenchLine.describe(out, m, flops);
        if (s.mode() == BenchCommand.BenchMode.fwd && T > 1) {
            out.println(String.format(Locale.ROOT, "  per step: %.4f ms (median / T)", m.stats().median() / T));
        }
        out.flush();
        return BenchLine.format(BenchLine.rnnIdentity("onnxruntime", s.cell().id(), s.mode().name(), s.dtypeName(),
                s.shape(), s.threads()), m, flops, Map.of());
    }

    private static void fill(MemorySegment s, DType dt, SplittableRandom rnd, double scale) {
        long n = s.byteSize() / dt.bytes();
        for (long i = 0; i < n; i++) dt.set(s, i, scale * (2 * rnd.nextDouble() - 1));
    }

    private static void fill(ByteBuffer b, SplittableRandom rnd) {
        for (int i = 0; i + 4 <= b.capacity(); i += 4) b.putFloat(i, (float) (2 * rnd.nextDouble() - 1));
    }
}
