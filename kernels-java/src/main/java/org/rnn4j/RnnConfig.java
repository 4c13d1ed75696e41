package org.rnn4j;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;

/**
 * What a recurrent network is, independent of any call: cell, sizes, depth, directions, dtype and layout.
 * Immutable, value-equal; the sequence length and batch size are per call (see {@link RnnPlan}). Built with
 * {@link #builder}, so that new settings can be added without breaking callers.
 */
public final class RnnConfig {
    /**
     * Most stacked layers a config takes: far beyond any trained RNN, and small enough that every count derived
     * from it (parameters, state rows, per-step work) stays far from overflow.
     */
    public static final int MAX_LAYERS = 4096;

    private final Cell cell;
    private final int inputSize;
    private final int hiddenSize;
    private final int layers;
    private final boolean bidirectional;
    private final DType dtype;
    private final Layout layout;

    private RnnConfig(Cell cell, int inputSize, int hiddenSize, int layers, boolean bidirectional, DType dtype,
                      Layout layout) {
        if (cell == null) throw new IllegalArgumentException("cell: expected a Cell but was null");
        if (dtype == null) throw new IllegalArgumentException("dtype: expected F32 or F64 but was null");
        if (layout == null) throw new IllegalArgumentException("layout: expected TIME_MAJOR or BATCH_FIRST but was null");
        if (inputSize < 1) throw new IllegalArgumentException("inputSize: expected >= 1 but was " + inputSize);
        if (hiddenSize < 1) throw new IllegalArgumentException("hiddenSize: expected >= 1 but was " + hiddenSize);
        if (layers < 1 || layers > MAX_LAYERS) {
            throw new IllegalArgumentException("layers: expected a value in 1.." + MAX_LAYERS + " but was " + layers);
        }
        // Keep every element count of one layer within int range so kernels can index with ints.
        long widest = (long) cell.gates() * hiddenSize * Math.max(inputSize, (bidirectional ? 2L : 1L) * hiddenSize);
        if (widest > Integer.MAX_VALUE) {
            throw new IllegalArgumentException("hiddenSize/inputSize: expected G*H*max(I, D*H) <= " + Integer.MAX_VALUE
                    + " but was " + widest);
        }
        this.cell = cell;
        this.inputSize = inputSize;
        this.hiddenSize = hiddenSize;
        this.layers = layers;
        this.bidirectional = bidirectional;
        this.dtype = dtype;
        this.layout = layout;
    }

    public static Builder builder(Cell cell, int inputSize, int hiddenSize) {
        return new Builder(cell, inputSize, hiddenSize);
    }

    /** A builder holding this configuration, to derive a variant of it. */
    public Builder toBuilder() {
        return new Builder(cell, inputSize, hiddenSize).layers(layers).bidirectional(bidirectional).dtype(dtype)
                .layout(layout);
    }

    /** The recurrent cell. */
    public Cell cell() {
        return cell;
    }

    /** I: channels of the input sequence. */
    public int inputSize() {
        return inputSize;
    }

    /** H: channels of each direction's hidden state. */
    public int hiddenSize() {
        return hiddenSize;
    }

    /** L: stacked layers; layer k &gt; 0 reads the (concatenated) output of layer k-1. */
    public int layers() {
        return layers;
    }

    /** Whether each layer also runs in reverse time (outputs concatenated [forward, reverse]). */
    public boolean bidirectional() {
        return bidirectional;
    }

    /** Element type of every tensor. */
    public DType dtype() {
        return dtype;
    }

    /** Order of the sequence tensors. */
    public Layout layout() {
        return layout;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof RnnConfig c && c.cell.equals(cell) && c.inputSize == inputSize
                && c.hiddenSize == hiddenSize && c.layers == layers && c.bidirectional == bidirectional
                && c.dtype == dtype && c.layout == layout;
    }

    /**
     * Whether {@code other} has the same parameters as this config: cell, I, H, layers, directions and dtype
     * equal (the layout shapes only the sequence tensors), so one {@link RnnParameters} serves both.
     */
    public boolean hasSameParameters(RnnConfig other) {
        return other != null && other.cell.equals(cell) && other.inputSize == inputSize
                && other.hiddenSize == hiddenSize && other.layers == layers && other.bidirectional == bidirectional
                && other.dtype == dtype;
    }

    @Override
    public int hashCode() {
        return Objects.hash(cell, inputSize, hiddenSize, layers, bidirectional, dtype, layout);
    }

    /** D: 2 when bidirectional, else 1. */
    public int directions() {
        return bidirectional ? 2 : 1;
    }

    /** G: gate blocks of the cell. */
    public int gates() {
        return cell.gates();
    }

    /** Channels of the output sequence: D·H. */
    public int outputSize() {
        return directions() * hiddenSize;
    }

    /** Input channels of layer {@code layer}: I for the first layer, D·H above it. */
    public int layerInputSize(int layer) {
        return layer == 0 ? inputSize : outputSize();
    }

    /** Rows of the state tensors h0/hN/c0/cN: L·D. */
    public int stateRows() {
        return layers * directions();
    }

    /** Every parameter of the network in PyTorch {@code state_dict} order. */
    public List<ParamId> parameterIds() {
        List<ParamId> ids = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            for (int d = 0; d < directions(); d++) {
                for (ParamKind k : ParamKind.values()) {
                    if (k == ParamKind.WEIGHT_PEEPHOLE && !(cell instanceof Cell.Lstm lstm && lstm.peepholes())) continue;
                    ids.add(new ParamId(k, l, d == 1));
                }
            }
        }
        return Collections.unmodifiableList(ids);
    }

    /** Element count of one parameter. */
    public long parameterSize(ParamId id) {
        long n = 1;
        for (int s : id.shape(this)) n *= s;
        return n;
    }

    /** Total parameter elements. */
    public long parameterCount() {
        long n = 0;
        for (ParamId id : parameterIds()) n += parameterSize(id);
        return n;
    }

    @Override
    public String toString() {
        return cell.id() + "(I=" + inputSize + ", H=" + hiddenSize + ", layers=" + layers
                + (bidirectional ? ", bidirectional" : "") + ", " + dtype.numpyName() + ", " + layout + ")";
    }

    /** Fluent construction with PyTorch's defaults: 1 layer, unidirectional, float32, time-major. */
    public static final class Builder {
        private Cell cell;
        private int inputSize;
        private int hiddenSize;
        private int layers = 1;
        private boolean bidirectional;
        private DType dtype = DType.F32;
        private Layout layout = Layout.TIME_MAJOR;

        private Builder(Cell cell, int inputSize, int hiddenSize) {
            this.cell = cell;
            this.inputSize = inputSize;
            this.hiddenSize = hiddenSize;
        }

        public Builder cell(Cell cell) {
            this.cell = cell;
            return this;
        }

        public Builder inputSize(int inputSize) {
            this.inputSize = inputSize;
            return this;
        }

        public Builder hiddenSize(int hiddenSize) {
            this.hiddenSize = hiddenSize;
            return this;
        }

        public Builder layers(int layers) {
            this.layers = layers;
            return this;
        }

        public Builder bidirectional(boolean bidirectional) {
            this.bidirectional = bidirectional;
            return this;
        }

        public Builder dtype(DType dtype) {
            this.dtype = dtype;
            return this;
        }

        public Builder layout(Layout layout) {
            this.layout = layout;
            return this;
        }

        public RnnConfig build() {
            return new RnnConfig(cell, inputSize, hiddenSize, layers, bidirectional, dtype, layout);
        }
    }
}
