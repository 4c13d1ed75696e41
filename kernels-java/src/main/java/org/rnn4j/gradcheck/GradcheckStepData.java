package org.rnn4j.gradcheck;

import java.lang.foreign.MemorySegment;
import java.util.List;
import java.util.SplittableRandom;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;

/**
 * The data of a gradient check of the single-step API, as the caller gives it: a float64 configuration, the
 * stepped layer and direction, N, the parameters, the step's input and previous states and the upstream
 * gradients. {@link GradientChecker#checkStep(org.rnn4j.spi.RnnBackend, GradcheckStepData)} checks
 * {@code stepBackward} after a training {@code stepForward} against central differences of the linear loss
 * <pre>
 * L = Σ hNext·gradHNext [+ Σ cNext·gradCNext]
 * </pre>
 * (the upstream gradients are its coefficients; a term left out is zero, and at least one must be given or
 * drawn by {@link Builder#upstreamFromSeed}). Only the stepped layer direction's parameters are required: the
 * others, which a step does not read, are zero when not given.
 *
 * <pre>{@code
 * GradcheckStepData step = GradcheckStepData.builder(cfg, 0, 0, N)   // layer 0, forward direction
 *         .weights(w).input(x).hPrev(h).cPrev(c).gradHNext(dh).build();
 * GradcheckReport r = GradientChecker.defaults().checkStep(backend, step);
 * }</pre>
 *
 * Built once, immutable; {@link Builder#build()} checks every argument, naming it, and copies every value.
 * {@link GradcheckCase#stepData} gives the data a seeded case draws.
 */
public final class GradcheckStepData {
    private final String name;
    private final RnnConfig config;
    private final int layer, direction, batch;
    private final double[][] weights;
    private final double[] input, hPrev, cPrev, gradHNext, gradCNext;

    GradcheckStepData(String name, RnnConfig config, int layer, int direction, int batch, double[][] weights,
                      double[] input, double[] hPrev, double[] cPrev, double[] gradHNext, double[] gradCNext) {
        this.name = name;
        this.config = config;
        this.layer = layer;
        this.direction = direction;
        this.batch = batch;
        this.weights = weights;
        this.input = input;
        this.hPrev = hPrev;
        this.cPrev = cPrev;
        this.gradHNext = gradHNext;
        this.gradCNext = gradCNext;
    }

    /**
     * A builder for one step of layer {@code layer}, direction {@code direction} (0 forward, 1 reverse) on
     * {@code batch} samples of {@code config}.
     *
     * @throws IllegalArgumentException naming the argument when {@code config} is null or not float64, the
     *                                  layer or direction is out of range, or N is below 1
     */
    public static Builder builder(RnnConfig config, int layer, int direction, int batch) {
        Given.float64(config);
        if (layer < 0 || layer >= config.layers()) {
            throw new IllegalArgumentException("layer: expected a value in 0.." + (config.layers() - 1) + " but was "
                    + layer);
        }
        if (direction < 0 || direction >= config.directions()) {
            throw new IllegalArgumentException("direction: expected a value in 0.." + (config.directions() - 1)
                    + " but was " + direction);
        }
        return new Builder(config, layer, direction, Given.positive("batch", batch));
    }

    public String name() {
        return name;
    }

    public RnnConfig config() {
        return config;
    }

    public int layer() {
        return layer;
    }

    /** 0 forward, 1 reverse. */
    public int direction() {
        return direction;
    }

    /** N. */
    public int batch() {
        return batch;
    }

    /** A copy of the values of parameter {@code name} (zero for a parameter the step does not read and was not given). */
    public double[] weight(String name) {
        return Given.weightCopy(config, weights, name);
    }

    public double[] input() {
        return input.clone();
    }

    /** A copy of hPrev, or null (zero). */
    public double[] hPrev() {
        return Given.copyOrNull(hPrev);
    }

    /** A copy of cPrev, or null (zero). */
    public double[] cPrev() {
        return Given.copyOrNull(cPrev);
    }

    public double[] gradHNext() {
        return Given.copyOrNull(gradHNext);
    }

    public double[] gradCNext() {
        return Given.copyOrNull(gradCNext);
    }

    double[][] weightsView() {
        return weights;
    }

    double[] inputView() {
        return input;
    }

    double[] hPrevView() {
        return hPrev;
    }

    double[] cPrevView() {
        return cPrev;
    }

    double[] gradHNextView() {
        return gradHNext;
    }

    double[] gradCNextView() {
        return gradCNext;
    }

    @Override
    public String toString() {
        return name + " [" + config + ", layer " + layer + ", direction " + direction + ", N=" + batch + "]";
    }

    /**
     * Collects the data of a {@link GradcheckStepData}; nothing is read or checked before {@link #build()}.
     * {@code input} is [N, in] with in = I for layer 0 and D·H above; {@code hPrev}, {@code cPrev},
     * {@code gradHNext}, {@code gradCNext} are [N, H]. An array must have exactly the tensor's elements; of a
     * segment the leading elements are read.
     */
    public static final class Builder {
        private final RnnConfig config;
        private final int layer, direction, batch;
        private String name;
        private final Given.Weights weights = new Given.Weights();
        private final Given.Slot input = new Given.Slot(), hPrev = new Given.Slot(), cPrev = new Given.Slot();
        private final Given.Slot gradHNext = new Given.Slot(), gradCNext = new Given.Slot();
        private Long upstreamSeed;

        private Builder(RnnConfig config, int layer, int direction, int batch) {
            this.config = config;
            this.layer = layer;
            this.direction = direction;
            this.batch = batch;
            this.name = config.cell().id() + " (given data)";
        }

        public Builder name(String name) {
            this.name = name;
            return this;
        }

        /** The parameters (same cell, sizes, layers, directions, float64), read at build. */
        public Builder weights(RnnParameters weights) {
            this.weights.set(config, weights);
            return this;
        }

        /** One parameter by its {@code state_dict} name; it wins over {@link #weights(RnnParameters)}. */
        public Builder weight(String name, double[] values) {
            weights.set(config, name, values);
            return this;
        }

        public Builder weight(String name, MemorySegment values) {
            weights.set(config, name, values);
            return this;
        }

        /** Required: [N, in]. */
        public Builder input(double[] x) {
            input.set(x);
            return this;
        }

        public Builder input(MemorySegment x) {
            input.set(x);
            return this;
        }

        /** Optional: zero when absent. */
        public Builder hPrev(double[] h) {
            hPrev.set(h);
            return this;
        }

        public Builder hPrev(MemorySegment h) {
            hPrev.set(h);
            return this;
        }

        /** Optional (LSTM only): zero when absent. */
        public Builder cPrev(double[] c) {
            cPrev.set(c);
            return this;
        }

        public Builder cPrev(MemorySegment c) {
            cPrev.set(c);
            return this;
        }

        /** The loss's coefficients of hNext; absent: hNext is not in the loss. */
        public Builder gradHNext(double[] g) {
            gradHNext.set(g);
            return this;
        }

        public Builder gradHNext(MemorySegment g) {
            gradHNext.set(g);
            return this;
        }

        /** The loss's coefficients of cNext (LSTM only); absent: cNext is not in the loss. */
        public Builder gradCNext(double[] g) {
            gradCNext.set(g);
            return this;
        }

        public Builder gradCNext(MemorySegment g) {
            gradCNext.set(g);
            return this;
        }

        /** Draws every upstream gradient not given uniform in [−1, 1) from {@code seed}. */
        public Builder upstreamFromSeed(long seed) {
            this.upstreamSeed = seed;
            return this;
        }

        /**
         * Checks every argument and copies every value.
         *
         * @throws IllegalArgumentException {@code name: expected … but was …} for the first argument that is
         *                                  missing, of the wrong size, not float64, closed, confined to another
         *                                  thread, a cell state of a cell without one, or when the loss has no term
         */
        public GradcheckStepData build() {
            String n = Given.name(name);
            int N = batch, in = config.layerInputSize(layer), H = config.hiddenSize();
            long inE = (long) N * in, stE = (long) N * H;
            String inShape = Given.shape("N, in", N, in), stShape = Given.shape("N, H", N, H);
            boolean hasC = config.cell().hasCellState();
            if (!hasC) {
                cPrev.absent("cPrev", config);
                gradCNext.absent("gradCNext", config);
            }
            double[] x = input.required("input", inE, inShape);
            double[] h = hPrev.copy("hPrev", stE, stShape);
            double[] c = hasC ? cPrev.copy("cPrev", stE, stShape) : null;
            double[] gH = gradHNext.copy("gradHNext", stE, stShape);
            double[] gC = hasC ? gradCNext.copy("gradCNext", stE, stShape) : null;
            double[][] w = weights.copy(config, id -> id.layer() == layer && id.direction() == direction);
            if (upstreamSeed != null) {
                SplittableRandom rng = new SplittableRandom(upstreamSeed);
                double[] dH = Given.uniform(rng, stE), dC = hasC ? Given.uniform(rng, stE) : null;
                if (gH == null) gH = dH;
                if (hasC && gC == null) gC = dC;
            }
            if (gH == null && gC == null) {
                throw new IllegalArgumentException("gradHNext: expected at least one of gradHNext"
                        + (hasC ? ", gradCNext" : "") + " (the coefficients of the linear loss L = Σ hNext·gradHNext"
                        + (hasC ? " + Σ cNext·gradCNext" : "") + "), or upstreamFromSeed(seed), but none was given: "
                        + "every gradient would be 0");
            }
            return new GradcheckStepData(n, config, layer, direction, N, w, x, h, c, gH, gC);
        }
    }

    /** The data of {@code c} drawn from its seed, as {@link GradientChecker#checkStep} has always drawn it. */
    static GradcheckStepData drawn(GradcheckCase c, int layer, int direction) {
        RnnConfig cfg = c.config();
        builder(cfg, layer, direction, c.batch()); // the range checks, with their messages
        int N = c.batch();
        boolean hasC = cfg.cell().hasCellState();
        long inE = (long) N * cfg.layerInputSize(layer), stE = (long) N * cfg.hiddenSize();
        SplittableRandom rng = new SplittableRandom(c.seed());
        double[][] w = Given.randomWeights(cfg, rng);
        double[] x = Given.uniform(rng, inE), h = Given.uniform(rng, stE), cc = hasC ? Given.uniform(rng, stE) : null;
        double[] gH = Given.uniform(rng, stE), gC = hasC ? Given.uniform(rng, stE) : null;
        return new GradcheckStepData(c.name(), cfg, layer, direction, N, w, x, h, cc, gH, gC);
    }

    /** The parameter ids the step reads. */
    List<ParamId> steppedIds() {
        return config.parameterIds().stream().filter(id -> id.layer() == layer && id.direction() == direction)
                .toList();
    }
}
