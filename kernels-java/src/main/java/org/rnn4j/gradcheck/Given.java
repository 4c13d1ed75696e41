package org.rnn4j.gradcheck;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.rnn4j.DType;
import org.rnn4j.ParamId;
import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.spi.SegmentRules;

/**
 * What the builders of {@link GradcheckData} and {@link GradcheckStepData} share: the caller's tensors as they
 * were given (a {@code double[]} or a {@code MemorySegment}, not yet read), and their checks and float64 copies
 * at {@code build()}. Every failure is an {@link IllegalArgumentException} {@code name: expected … but was …}.
 */
final class Given {
    private static final ValueLayout.OfDouble D = ValueLayout.JAVA_DOUBLE_UNALIGNED;

    private Given() {}

    /** One tensor argument as given: an array, a segment, or nothing. */
    static final class Slot {
        private double[] array;
        private MemorySegment segment;

        void set(double[] a) {
            array = a;
            segment = null;
        }

        void set(MemorySegment s) {
            segment = s;
            array = null;
        }

        boolean isSet() {
            return array != null || segment != null;
        }

        /**
         * A float64 copy of exactly {@code elements} values, or null when nothing was given. An array must have
         * exactly that many elements; a segment at least (its leading elements are read, as the API does).
         */
        double[] copy(String name, long elements, String shape) {
            if (array != null) {
                if (array.length != elements) {
                    throw new IllegalArgumentException(name + ": expected " + elements + " float64 elements " + shape
                            + " but the array has " + array.length);
                }
                return array.clone();
            }
            if (segment == null) return null;
            SegmentRules.alive(null, name, segment);
            SegmentRules.accessible(null, name, segment);
            SegmentRules.elementType(null, name, segment, DType.F64);
            SegmentRules.holds(null, name, segment, elements, DType.F64, shape);
            double[] v = new double[Math.toIntExact(elements)];
            MemorySegment.copy(segment, D, 0, v, 0, v.length);
            return v;
        }

        /** Like {@link #copy} but the tensor is required. */
        double[] required(String name, long elements, String shape) {
            if (!isSet()) {
                throw new IllegalArgumentException(name + ": expected " + elements + " float64 elements " + shape
                        + " but was null");
            }
            return copy(name, elements, shape);
        }

        /** Rejects a cell-state tensor given to a cell without cell state. */
        void absent(String name, RnnConfig config) {
            if (isSet()) {
                throw new IllegalArgumentException(name + ": expected null because " + config.cell().id()
                        + " has no cell state but " + (array != null ? "an array" : "a segment") + " was given");
            }
        }
    }

    /** A float64 configuration, else the failure every gradient check gives. */
    static RnnConfig float64(RnnConfig config) {
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        if (config.dtype() != DType.F64) {
            throw new IllegalArgumentException("config: expected dtype float64 because finite differences need "
                    + "float64 (a step of 1e-6 is below float32 resolution) but was " + config.dtype().numpyName());
        }
        return config;
    }

    static int positive(String name, int v) {
        if (v < 1) throw new IllegalArgumentException(name + ": expected >= 1 but was " + v);
        return v;
    }

    static String name(String name) {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: expected a non-empty name but was '" + name + "'");
        }
        return name;
    }

    static String shape(String symbols, long... dims) {
        StringBuilder sb = new StringBuilder("[").append(symbols).append("] = [");
        for (int i = 0; i < dims.length; i++) sb.append(i == 0 ? "" : ", ").append(dims[i]);
        return sb.append(']').toString();
    }

    /** The weights as given: an {@link RnnParameters} and/or single tensors by {@code state_dict} name. */
    static final class Weights {
        private RnnParameters parameters;
        private final Map<ParamId, Slot> single = new LinkedHashMap<>();

        void set(RnnConfig config, RnnParameters p) {
            if (p == null) throw new IllegalArgumentException("weights: expected an RnnParameters but was null");
            if (!p.config().hasSameParameters(config)) {
                throw new IllegalArgumentException("weights: expected parameters of " + config + " but they are of "
                        + p.config());
            }
            parameters = p;
        }

        void set(RnnConfig config, String name, double[] values) {
            if (values == null) throw new IllegalArgumentException(name + ": expected a double[] but was null");
            slot(config, name).set(values);
        }

        void set(RnnConfig config, String name, MemorySegment values) {
            if (values == null) throw new IllegalArgumentException(name + ": expected a segment but was null");
            slot(config, name).set(values);
        }

        private Slot slot(RnnConfig config, String name) {
            ParamId id = name == null ? null : ParamId.parse(name);
            if (id == null || !config.parameterIds().contains(id)) {
                throw new IllegalArgumentException("name: expected one of " + config.parameterIds() + " but was '"
                        + name + "'");
            }
            return single.computeIfAbsent(id, k -> new Slot());
        }

        /** Float64 copies of every parameter, in {@code state_dict} order: a single tensor wins over the set. */
        double[][] copy(RnnConfig config) {
            return copy(config, id -> true);
        }

        /**
         * The same, where a parameter {@code required} rejects is zero when not given (the parameters a step
         * does not read).
         */
        double[][] copy(RnnConfig config, java.util.function.Predicate<ParamId> required) {
            List<ParamId> ids = config.parameterIds();
            double[][] out = new double[ids.size()][];
            for (int k = 0; k < ids.size(); k++) {
                ParamId id = ids.get(k);
                long n = config.parameterSize(id);
                String shape = Arrays.toString(id.shape(config));
                Slot s = single.get(id);
                if (s != null) {
                    out[k] = s.copy(id.name(), n, shape);
                } else if (parameters != null && parameters.get(id) != null) {
                    Slot from = new Slot();
                    from.set(parameters.get(id));
                    out[k] = from.copy("weights." + id.name(), n, shape);
                } else if (!required.test(id)) {
                    out[k] = new double[Math.toIntExact(n)];
                } else {
                    throw new IllegalArgumentException("weights." + id.name() + ": expected " + n + " float64 "
                            + "elements " + shape + " but was not given (weights(RnnParameters) or weight(name, "
                            + "values) set the parameters)");
                }
            }
            return out;
        }
    }

    /** {@code elements} values uniform in [−1, 1) drawn from {@code rng}. */
    static double[] uniform(SplittableRandom rng, long elements) {
        return uniform(rng, elements, 1);
    }

    static double[] uniform(SplittableRandom rng, long elements, double bound) {
        double[] v = new double[Math.toIntExact(elements)];
        for (int i = 0; i < v.length; i++) v[i] = rng.nextDouble(-bound, bound);
        return v;
    }

    /** PyTorch's initialisation, uniform in ±1/sqrt(H), parameter by parameter in {@code state_dict} order. */
    static double[][] randomWeights(RnnConfig config, SplittableRandom rng) {
        List<ParamId> ids = config.parameterIds();
        double bound = 1.0 / Math.sqrt(config.hiddenSize());
        double[][] w = new double[ids.size()][];
        for (int k = 0; k < ids.size(); k++) w[k] = uniform(rng, config.parameterSize(ids.get(k)), bound);
        return w;
    }

    static double[] copyOrNull(double[] a) {
        return a == null ? null : a.clone();
    }

    /** A copy of the values of parameter {@code name} of {@code config} in {@code weights} (by parameter id). */
    static double[] weightCopy(RnnConfig config, double[][] weights, String name) {
        int k = name == null ? -1 : config.parameterIds().indexOf(ParamId.parse(name));
        if (k < 0) {
            throw new IllegalArgumentException("name: expected one of " + config.parameterIds() + " but was '"
                    + name + "'");
        }
        return weights[k].clone();
    }
}
