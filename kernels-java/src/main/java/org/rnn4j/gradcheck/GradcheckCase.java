package org.rnn4j.gradcheck;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.rnn4j.Cell;
import org.rnn4j.DType;
import org.rnn4j.Layout;
import org.rnn4j.RnnConfig;

/**
 * One gradient-check problem: a network configuration and the shape of the call. All data (inputs, states,
 * weights, upstream gradients) is drawn from {@code seed}, so a case is reproducible on any backend
 * ({@link #data()} and {@link #stepData} give it). To check data of one's own, see {@link GradcheckData}.
 *
 * @param name      a label for reports
 * @param config    the network; must be float64 (see the package documentation for why)
 * @param seqLength T (ignored by {@link GradientChecker#checkStep}, but at least 1)
 * @param batch     N
 * @param lengths   per-sample lengths in 1..T, or null for all T (copied; ignored by the step check)
 * @param seed      seed of every random value of the case
 */
public record GradcheckCase(String name, RnnConfig config, int seqLength, int batch, int[] lengths, long seed) {

    public GradcheckCase {
        if (name == null || name.isBlank()) {
            throw new IllegalArgumentException("name: expected a non-empty name but was '" + name + "'");
        }
        if (config == null) throw new IllegalArgumentException("config: expected an RnnConfig but was null");
        if (config.dtype() != DType.F64) {
            throw new IllegalArgumentException("config: expected dtype float64 because finite differences need "
                    + "float64 (a step of 1e-6 is below float32 resolution) but was " + config.dtype().numpyName());
        }
        if (seqLength < 1) throw new IllegalArgumentException("seqLength: expected >= 1 but was " + seqLength);
        if (batch < 1) throw new IllegalArgumentException("batch: expected >= 1 but was " + batch);
        if (lengths != null) {
            if (lengths.length != batch) {
                throw new IllegalArgumentException("lengths: expected " + batch + " entries (one per sample) but was "
                        + lengths.length);
            }
            for (int n = 0; n < batch; n++) {
                if (lengths[n] < 1 || lengths[n] > seqLength) {
                    throw new IllegalArgumentException("lengths[" + n + "]: expected a value in 1.." + seqLength
                            + " but was " + lengths[n]);
                }
            }
            lengths = lengths.clone();
        }
    }

    /**
     * The data the checker draws from the seed for the sequence API: weights uniform in ±1/sqrt(H), then input,
     * h0, c0 (LSTM), gradOutput, gradHN and gradCN (LSTM) uniform in [−1, 1), in that order. To check a variant
     * of it: {@code c.data().toBuilder()}.
     */
    public GradcheckData data() {
        return GradcheckData.drawn(this);
    }

    /**
     * The data the checker draws from the seed for one step of layer {@code layer}, direction {@code direction}
     * on {@link #batch()} samples: weights, then input [N, in], hPrev, cPrev (LSTM), gradHNext and gradCNext
     * (LSTM).
     *
     * @throws IllegalArgumentException naming {@code layer} or {@code direction} when out of range
     */
    public GradcheckStepData stepData(int layer, int direction) {
        return GradcheckStepData.drawn(this, layer, direction);
    }

    /** A copy of the lengths (null when every sample has all T steps). */
    @Override
    public int[] lengths() {
        return lengths == null ? null : lengths.clone();
    }

    /**
     * The standard suite: every cell of {@link Cell#all()} in six float64 variants on small shapes (T ≤ 5,
     * N ≤ 4, I and H ≤ 4):
     * <ul>
     *   <li>{@code uni}: one unidirectional layer, N = 1;</li>
     *   <li>{@code layers2}: two stacked unidirectional layers;</li>
     *   <li>{@code bidir}: one bidirectional layer;</li>
     *   <li>{@code varlen}: two bidirectional layers, unsorted lengths including 1 and T;</li>
     *   <li>{@code batchfirst}: batch-first layout, bidirectional, with lengths;</li>
     *   <li>{@code tiny}: T = N = I = H = 1, two bidirectional layers.</li>
     * </ul>
     * The whole suite takes a few seconds on the reference backend.
     */
    public static List<GradcheckCase> standard() {
        List<GradcheckCase> out = new ArrayList<>();
        List<Cell> cells = Cell.all();
        for (int ci = 0; ci < cells.size(); ci++) {
            Cell cell = cells.get(ci);
            long seed = 7919L * (ci + 1);
            out.add(of(cell, "uni", 3, 4, 1, false, Layout.TIME_MAJOR, 5, 1, null, seed + 1));
            out.add(of(cell, "layers2", 2, 3, 2, false, Layout.TIME_MAJOR, 3, 3, null, seed + 2));
            out.add(of(cell, "bidir", 3, 2, 1, true, Layout.TIME_MAJOR, 4, 2, null, seed + 3));
            out.add(of(cell, "varlen", 2, 3, 2, true, Layout.TIME_MAJOR, 5, 4, new int[] {3, 5, 1, 4}, seed + 4));
            out.add(of(cell, "batchfirst", 4, 3, 1, true, Layout.BATCH_FIRST, 4, 3, new int[] {2, 4, 1}, seed + 5));
            out.add(of(cell, "tiny", 1, 1, 2, true, Layout.TIME_MAJOR, 1, 1, null, seed + 6));
        }
        return Collections.unmodifiableList(out);
    }

    private static GradcheckCase of(Cell cell, String variant, int inputSize, int hidden, int layers, boolean bidir,
                                    Layout layout, int T, int N, int[] lengths, long seed) {
        RnnConfig cfg = RnnConfig.builder(cell, inputSize, hidden).layers(layers).bidirectional(bidir)
                .dtype(DType.F64).layout(layout).build();
        return new GradcheckCase(cell.id() + "/" + variant, cfg, T, N, lengths, seed);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GradcheckCase c && name.equals(c.name) && config.equals(c.config)
                && seqLength == c.seqLength && batch == c.batch && Arrays.equals(lengths, c.lengths) && seed == c.seed;
    }

    @Override
    public int hashCode() {
        return ((name.hashCode() * 31 + config.hashCode()) * 31 + Arrays.hashCode(lengths)) * 31
                + Long.hashCode(seed) + 17 * seqLength + batch;
    }

    /** The name, then what the case is: config, T, N and lengths. */
    @Override
    public String toString() {
        return name + " [" + config + ", T=" + seqLength + ", N=" + batch
                + (lengths != null ? ", lengths=" + Arrays.toString(lengths) : "") + "]";
    }
}
