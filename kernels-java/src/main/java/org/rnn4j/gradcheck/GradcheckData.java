package org.rnn4j.gradcheck;

import java.io.IOException;
import java.lang.foreign.MemorySegment;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.conform.CaseFile;
import org.rnn4j.npy.NpyArray;

/**
 * The data of a gradient check of the sequence API, as the caller gives it: a float64 configuration, the shape
 * of the call (T, N, lengths), every parameter, the input, the initial states and the upstream gradients.
 * {@link GradientChecker#check(org.rnn4j.spi.RnnBackend, GradcheckData)} checks a backend's
 * {@code backward} on it against central differences of the linear loss
 * <pre>
 * L = Σ output·gradOutput + Σ hN·gradHN [+ Σ cN·gradCN]
 * </pre>
 * whose gradients are exactly what {@code backward} returns for those upstream gradients. The upstream
 * gradients are the loss's coefficients: a caller who thinks of a loss gives its coefficients (L = Σ output:
 * {@code gradOutput} all ones; L = hN[0, 0, 0]: {@code gradHN} one-hot), and a term left out is zero. At least
 * one must be given, or {@link Builder#upstreamFromSeed} draws the missing ones.
 *
 * <p>Built once, immutable: {@link Builder#build()} checks every argument, naming it, and copies every value
 * (the caller's arrays and segments are never written, nor read again). Absent initial states are zero; their
 * gradients are checked all the same.
 *
 * <pre>{@code
 * GradcheckData data = GradcheckData.builder(cfg, T, N)      // cfg: float64
 *         .weights(w)                                        // RnnParameters, or weight(name, double[]) each
 *         .input(x).h0(h0).c0(c0).lengths(lengths)           // h0, c0, lengths optional
 *         .gradOutput(dy).gradHN(dh)                         // the linear loss; absent terms are zero
 *         .build();
 * GradcheckReport r = GradientChecker.defaults().check(backend, data);
 * }</pre>
 *
 * {@link GradcheckCase#data()} gives the data a seeded case draws; {@link #toBuilder()} edits a copy.
 */
public final class GradcheckData {
    private final String name;
    private final RnnConfig config;
    private final int seqLength, batch;
    private final int[] lengths;
    private final double[][] weights;
    private final double[] input, h0, c0, gradOutput, gradHN, gradCN;

    GradcheckData(String name, RnnConfig config, int seqLength, int batch, int[] lengths, double[][] weights,
                  double[] input, double[] h0, double[] c0, double[] gradOutput, double[] gradHN, double[] gradCN) {
        this.name = name;
        this.config = config;
        this.seqLength = seqLength;
        this.batch = batch;
        this.lengths = lengths;
        this.weights = weights;
        this.input = input;
        this.h0 = h0;
        this.c0 = c0;
        this.gradOutput = gradOutput;
        this.gradHN = gradHN;
        this.gradCN = gradCN;
    }

    /**
     * A builder for a sequence call of {@code seqLength} steps on {@code batch} samples of {@code config}.
     *
     * @throws IllegalArgumentException naming the argument when {@code config} is null or not float64, or T or
     *                                  N is below 1
     */
    public static Builder builder(RnnConfig config, int seqLength, int batch) {
        return new Builder(Given.float64(config), Given.positive("seqLength", seqLength),
                Given.positive("batch", batch));
    }

    /** The data of {@code c} drawn from its seed, as {@link GradientChecker#check} has always drawn it. */
    static GradcheckData drawn(GradcheckCase c) {
        RnnConfig cfg = c.config();
        int T = c.seqLength(), N = c.batch();
        boolean hasC = cfg.cell().hasCellState();
        long inE = (long) T * N * cfg.inputSize(), outE = (long) T * N * cfg.outputSize();
        long stE = (long) cfg.stateRows() * N * cfg.hiddenSize();
        SplittableRandom rng = new SplittableRandom(c.seed());
        double[][] w = Given.randomWeights(cfg, rng);
        double[] x = Given.uniform(rng, inE), h = Given.uniform(rng, stE), cc = hasC ? Given.uniform(rng, stE) : null;
        double[] gOut = Given.uniform(rng, outE), gHN = Given.uniform(rng, stE);
        double[] gCN = hasC ? Given.uniform(rng, stE) : null;
        return new GradcheckData(c.name(), cfg, T, N, c.lengths(), w, x, h, cc, gOut, gHN, gCN);
    }

    /**
     * A builder filled from a case file in the conformance format: {@code FILE.npz} with its configuration in a
     * sidecar {@code FILE.json} (one case object: {@code cell}, {@code T}, {@code N}, {@code I}, {@code H},
     * {@code layers}, {@code bidirectional}, {@code layout}, {@code lengths}) or in the {@code cases.json} beside
     * it (see {@link CaseFile}). The arrays it reads, under the PyTorch fixtures' names and shapes (float64 or
     * float32, widened exactly): {@code input}, every parameter under its {@code state_dict} name, optionally
     * {@code h0}, {@code c0}, {@code lengths}, and the loss's coefficients {@code grad_output},
     * {@code grad_h_n}, {@code grad_c_n}. Expected results a fixture may also hold ({@code output}, {@code h_n},
     * {@code c_n}, {@code grad_input}, {@code grad_h0}, {@code grad_c0}, {@code grad_<parameter>}) are not
     * read: the checker computes its own numeric gradients. The case runs in float64 whatever its arrays' dtype.
     *
     * @throws IOException naming the file when it cannot be read, has no configuration, holds an array of
     *                     another name, or an array of the wrong shape or dtype
     */
    public static Builder fromCase(Path npz) throws IOException {
        CaseFile f = CaseFile.read(npz);
        RnnConfig cfg;
        try {
            cfg = f.config(DType.F64);
        } catch (IllegalArgumentException e) {
            throw new IOException(f.configSource() + ": invalid configuration: " + e.getMessage(), e);
        }
        int T = f.seqLength(), N = f.batch(), H = cfg.hiddenSize();
        boolean tm = cfg.layout() == Layout.TIME_MAJOR, lstm = cfg.cell().hasCellState();
        int[] in = tm ? new int[] {T, N, cfg.inputSize()} : new int[] {N, T, cfg.inputSize()};
        int[] out = tm ? new int[] {T, N, cfg.outputSize()} : new int[] {N, T, cfg.outputSize()};
        int[] st = {cfg.stateRows(), N, H};
        Map<String, int[]> inputs = new LinkedHashMap<>();
        inputs.put("input", in);
        inputs.put("h0", st);
        if (lstm) inputs.put("c0", st);
        inputs.put("grad_output", out);
        inputs.put("grad_h_n", st);
        if (lstm) inputs.put("grad_c_n", st);
        for (ParamId id : cfg.parameterIds()) inputs.put(id.name(), id.shape(cfg));
        Set<String> ignored = new HashSet<>(List.of("lengths", "output", "h_n", "grad_input", "grad_h0"));
        if (lstm) ignored.addAll(List.of("c_n", "grad_c0"));
        for (ParamId id : cfg.parameterIds()) ignored.add("grad_" + id.name());
        Builder b = builder(cfg, T, N).name(f.name()).lengths(f.lengths());
        for (var e : f.arrays().entrySet()) {
            String name = e.getKey();
            NpyArray a = e.getValue();
            if (ignored.contains(name)) continue;
            int[] shape = inputs.get(name);
            if (shape == null) {
                throw new IOException(npz + ": unexpected array '" + name + "' for a " + cfg.cell().id() + " case with "
                        + cfg.layers() + " layer(s)" + (cfg.bidirectional() ? ", bidirectional" : "") + " (it would "
                        + "not be used)");
            }
            if (!a.dtype().isFloating()) {
                throw new IOException(npz + ": array '" + name + "' has dtype " + a.dtype().descr()
                        + " but float64 or float32 was expected");
            }
            if (!Arrays.equals(a.shape(), shape)) {
                throw new IOException(npz + ": array '" + name + "' has shape " + Arrays.toString(a.shape()) + " but "
                        + cfg + " with T=" + T + ", N=" + N + " needs " + Arrays.toString(shape));
            }
            double[] v = a.toDoubleArray();
            switch (name) {
                case "input" -> b.input(v);
                case "h0" -> b.h0(v);
                case "c0" -> b.c0(v);
                case "grad_output" -> b.gradOutput(v);
                case "grad_h_n" -> b.gradHN(v);
                case "grad_c_n" -> b.gradCN(v);
                default -> b.weight(name, v);
            }
        }
        return b;
    }

    /** A builder holding copies of this data, to change some of it. */
    public Builder toBuilder() {
        Builder b = new Builder(config, seqLength, batch).name(name).lengths(lengths).input(input).h0(h0).c0(c0)
                .gradOutput(gradOutput).gradHN(gradHN).gradCN(gradCN);
        List<ParamId> ids = config.parameterIds();
        for (int k = 0; k < ids.size(); k++) b.weight(ids.get(k).name(), weights[k]);
        return b;
    }

    /** The label of reports. */
    public String name() {
        return name;
    }

    public RnnConfig config() {
        return config;
    }

    /** T. */
    public int seqLength() {
        return seqLength;
    }

    /** N. */
    public int batch() {
        return batch;
    }

    /** A copy of the lengths, or null when every sample has all T steps. */
    public int[] lengths() {
        return lengths == null ? null : lengths.clone();
    }

    /** A copy of the values of parameter {@code name} (a {@code state_dict} name of the configuration). */
    public double[] weight(String name) {
        return Given.weightCopy(config, weights, name);
    }

    /** A copy of the input. */
    public double[] input() {
        return input.clone();
    }

    /** A copy of h0, or null (zero). */
    public double[] h0() {
        return Given.copyOrNull(h0);
    }

    /** A copy of c0, or null (zero, and always for cells without cell state). */
    public double[] c0() {
        return Given.copyOrNull(c0);
    }

    /** A copy of gradOutput, or null (not in the loss). */
    public double[] gradOutput() {
        return Given.copyOrNull(gradOutput);
    }

    /** A copy of gradHN, or null (not in the loss). */
    public double[] gradHN() {
        return Given.copyOrNull(gradHN);
    }

    /** A copy of gradCN, or null (not in the loss). */
    public double[] gradCN() {
        return Given.copyOrNull(gradCN);
    }

    // Package-private views without copies, for the check.
    double[][] weightsView() {
        return weights;
    }

    int[] lengthsView() {
        return lengths;
    }

    double[] inputView() {
        return input;
    }

    double[] h0View() {
        return h0;
    }

    double[] c0View() {
        return c0;
    }

    double[] gradOutputView() {
        return gradOutput;
    }

    double[] gradHNView() {
        return gradHN;
    }

    double[] gradCNView() {
        return gradCN;
    }

    /** The name, then what the data is: config, T, N, lengths and the loss's terms. */
    @Override
    public String toString() {
        return name + " [" + config + ", T=" + seqLength + ", N=" + batch
                + (lengths != null ? ", lengths=" + Arrays.toString(lengths) : "") + ", loss on "
                + String.join(" + ", terms()) + "]";
    }

    private List<String> terms() {
        java.util.ArrayList<String> t = new java.util.ArrayList<>();
        if (gradOutput != null) t.add("output");
        if (gradHN != null) t.add("hN");
        if (gradCN != null) t.add("cN");
        return t;
    }

    /**
     * Collects the data of a {@link GradcheckData}; nothing is read or checked before {@link #build()} (but
     * {@link GradcheckData#builder}'s own arguments, at once). Tensors are row-major in the configuration's
     * layout, as for {@link org.rnn4j.Rnn#forward}: {@code input} [T, N, I] (or [N, T, I] batch-first),
     * {@code h0}, {@code c0}, {@code gradHN}, {@code gradCN} [L·D, N, H], {@code gradOutput} like the output
     * [T, N, D·H]. An array must have exactly the tensor's elements; of a segment the leading elements are read.
     * Setting a tensor again replaces it; null removes it.
     */
    public static final class Builder {
        private final RnnConfig config;
        private final int seqLength, batch;
        private String name;
        private int[] lengths;
        private final Given.Weights weights = new Given.Weights();
        private final Given.Slot input = new Given.Slot(), h0 = new Given.Slot(), c0 = new Given.Slot();
        private final Given.Slot gradOutput = new Given.Slot(), gradHN = new Given.Slot(), gradCN = new Given.Slot();
        private Long upstreamSeed;

        private Builder(RnnConfig config, int seqLength, int batch) {
            this.config = config;
            this.seqLength = seqLength;
            this.batch = batch;
            this.name = config.cell().id() + " (given data)";
        }

        /** The label of reports (default: the cell's id and "(given data)"). */
        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** Every parameter of the configuration (same cell, sizes, layers, directions, float64), read at build. */
        public Builder weights(RnnParameters weights) {
            this.weights.set(config, weights);
            return this;
        }

        /** One parameter by its {@code state_dict} name; it wins over {@link #weights(RnnParameters)}. */
        public Builder weight(String name, double[] values) {
            weights.set(config, name, values);
            return this;
        }

        /** One parameter by its {@code state_dict} name, from a segment. */
        public Builder weight(String name, MemorySegment values) {
            weights.set(config, name, values);
            return this;
        }

        /** Required. */
        public Builder input(double[] x) {
            input.set(x);
            return this;
        }

        public Builder input(MemorySegment x) {
            input.set(x);
            return this;
        }

        /** Optional: zero when absent. */
        public Builder h0(double[] h) {
            h0.set(h);
            return this;
        }

        public Builder h0(MemorySegment h) {
            h0.set(h);
            return this;
        }

        /** Optional (LSTM only): zero when absent. */
        public Builder c0(double[] c) {
            c0.set(c);
            return this;
        }

        public Builder c0(MemorySegment c) {
            c0.set(c);
            return this;
        }

        /** Per-sample lengths in 1..T (copied), or null for all T. */
        public Builder lengths(int[] lengths) {
            this.lengths = lengths == null ? null : lengths.clone();
            return this;
        }

        /** The loss's coefficients of the output; absent: the output is not in the loss. */
        public Builder gradOutput(double[] g) {
            gradOutput.set(g);
            return this;
        }

        public Builder gradOutput(MemorySegment g) {
            gradOutput.set(g);
            return this;
        }

        /** The loss's coefficients of hN; absent: hN is not in the loss. */
        public Builder gradHN(double[] g) {
            gradHN.set(g);
            return this;
        }

        public Builder gradHN(MemorySegment g) {
            gradHN.set(g);
            return this;
        }

        /** The loss's coefficients of cN (LSTM only); absent: cN is not in the loss. */
        public Builder gradCN(double[] g) {
            gradCN.set(g);
            return this;
        }

        public Builder gradCN(MemorySegment g) {
            gradCN.set(g);
            return this;
        }

        /**
         * Draws every upstream gradient not given (gradOutput, gradHN, and gradCN for the LSTMs) uniform in
         * [−1, 1) from {@code seed}, as the seeded cases do: for callers with no loss of their own.
         */
        public Builder upstreamFromSeed(long seed) {
            this.upstreamSeed = seed;
            return this;
        }

        /**
         * Checks every argument and copies every value.
         *
         * @throws IllegalArgumentException {@code name: expected … but was …} for the first argument that is
         *                                  missing, of the wrong size, not float64 (heap segments), closed,
         *                                  confined to another thread, a cell state of a cell without one, a
         *                                  length out of 1..T, or when the loss has no term
         */
        public GradcheckData build() {
            String n = Given.name(name);
            int T = seqLength, N = batch, I = config.inputSize(), H = config.hiddenSize();
            int rows = config.stateRows();
            long inE = (long) T * N * I, outE = (long) T * N * config.outputSize(), stE = (long) rows * N * H;
            boolean tm = config.layout() == Layout.TIME_MAJOR;
            String inShape = tm ? Given.shape("T, N, I", T, N, I) : Given.shape("N, T, I", N, T, I);
            String outShape = tm ? Given.shape("T, N, D·H", T, N, config.outputSize())
                    : Given.shape("N, T, D·H", N, T, config.outputSize());
            String stShape = Given.shape("L·D, N, H", rows, N, H);
            boolean hasC = config.cell().hasCellState();
            if (!hasC) {
                c0.absent("c0", config);
                gradCN.absent("gradCN", config);
            }
            int[] lens = null;
            if (lengths != null) {
                if (lengths.length != N) {
                    throw new IllegalArgumentException("lengths: expected " + N + " entries (one per sample) but was "
                            + lengths.length);
                }
                for (int k = 0; k < N; k++) {
                    if (lengths[k] < 1 || lengths[k] > T) {
                        throw new IllegalArgumentException("lengths[" + k + "]: expected a value in 1.." + T
                                + " but was " + lengths[k]);
                    }
                }
                lens = lengths.clone();
            }
            double[] x = input.required("input", inE, inShape);
            double[] h = h0.copy("h0", stE, stShape);
            double[] c = hasC ? c0.copy("c0", stE, stShape) : null;
            double[] gOut = gradOutput.copy("gradOutput", outE, outShape);
            double[] gHN = gradHN.copy("gradHN", stE, stShape);
            double[] gCN = hasC ? gradCN.copy("gradCN", stE, stShape) : null;
            double[][] w = weights.copy(config);
            if (upstreamSeed != null) {
                SplittableRandom rng = new SplittableRandom(upstreamSeed);
                double[] dOut = Given.uniform(rng, outE), dHN = Given.uniform(rng, stE);
                double[] dCN = hasC ? Given.uniform(rng, stE) : null;
                if (gOut == null) gOut = dOut;
                if (gHN == null) gHN = dHN;
                if (hasC && gCN == null) gCN = dCN;
            }
            if (gOut == null && gHN == null && gCN == null) {
                throw new IllegalArgumentException("gradOutput: expected at least one of gradOutput, gradHN"
                        + (hasC ? ", gradCN" : "") + " (the coefficients of the linear loss L = Σ output·gradOutput"
                        + " + Σ hN·gradHN" + (hasC ? " + Σ cN·gradCN" : "") + "), or upstreamFromSeed(seed), but "
                        + "none was given: every gradient would be 0");
            }
            return new GradcheckData(n, config, T, N, lens, w, x, h, c, gOut, gHN, gCN);
        }
    }
}
