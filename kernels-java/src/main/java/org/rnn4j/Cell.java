package org.rnn4j;

import java.util.Locale;

/**
 * The recurrent cell: what one time step computes. Gate order inside the stacked weight rows follows
 * PyTorch: LSTM {@code i, f, g, o}; GRU {@code r, z, n}; the vanilla RNN ({@link Cell.Rnn}) has one block. See {@code docs/equations.md}.
 */
public sealed interface Cell permits Cell.Lstm, Cell.Gru, Cell.Rnn {

    /** Number of gate blocks G stacked in {@code weight_ih}/{@code weight_hh} (rows = G·H). */
    int gates();

    /** Whether the cell carries a memory cell {@code c} beside {@code h} (LSTM only). */
    default boolean hasCellState() {
        return this instanceof Lstm;
    }

    /** Whether the cell has a {@code weight_peephole} parameter (an LSTM with peepholes). */
    default boolean hasPeepholes() {
        return this instanceof Lstm l && l.peepholes();
    }

    /** The fixture/CLI name: lstm, lstm_peephole, gru, gru_reset_before, rnn_tanh, rnn_relu. */
    String id();

    /**
     * LSTM with forget gate. With {@code peepholes}, a parameter {@code weight_peephole_l{k}} of shape [3, H]
     * (rows i, f, o) adds {@code p_i ⊙ c_{t-1}} and {@code p_f ⊙ c_{t-1}} to the i and f pre-activations and
     * {@code p_o ⊙ c_t} to the o pre-activation (Gers and Schmidhuber 2000).
     */
    record Lstm(boolean peepholes) implements Cell {
        public int gates() {
            return 4;
        }

        public String id() {
            return peepholes ? "lstm_peephole" : "lstm";
        }
    }

    /** GRU in one of its two forms. */
    record Gru(GruVariant variant) implements Cell {
        public Gru {
            if (variant == null) throw new IllegalArgumentException("variant: expected a GruVariant but was null");
        }

        public int gates() {
            return 3;
        }

        public String id() {
            return variant == GruVariant.LINEAR_BEFORE_RESET ? "gru" : "gru_reset_before";
        }
    }

    /**
     * The vanilla RNN, {@code h_t = act(W_ih x_t + b_ih + W_hh h_{t-1} + b_hh)} with {@code act} tanh or ReLU
     * (ids {@code rnn_tanh}, {@code rnn_relu}; made by {@link Cell#rnn(Activation)}). "RNN" is the one name this
     * cell has in the API, the command line and the docs, as in PyTorch's {@code nn.RNN}.
     */
    record Rnn(Activation activation) implements Cell {
        public Rnn {
            if (activation == null) throw new IllegalArgumentException("activation: expected TANH or RELU but was null");
        }

        public int gates() {
            return 1;
        }

        public String id() {
            return activation == Activation.TANH ? "rnn_tanh" : "rnn_relu";
        }
    }

    static Cell lstm() {
        return new Lstm(false);
    }

    static Cell lstmWithPeepholes() {
        return new Lstm(true);
    }

    static Cell gru(GruVariant variant) {
        return new Gru(variant);
    }

    static Cell rnn(Activation activation) {
        return new Rnn(activation);
    }

    /** All six cells, in a fixed order (for tests and tools that sweep them). */
    static java.util.List<Cell> all() {
        return java.util.List.of(lstm(), lstmWithPeepholes(), gru(GruVariant.LINEAR_BEFORE_RESET),
                gru(GruVariant.RESET_BEFORE), rnn(Activation.TANH), rnn(Activation.RELU));
    }

    /** Parses the names {@link #id()} returns (case-insensitive, '-' accepted for '_'). */
    static Cell parse(String name) {
        String key = name == null ? "" : name.toLowerCase(Locale.ROOT).replace('-', '_');
        for (Cell c : all()) {
            if (c.id().equals(key)) return c;
        }
        throw new IllegalArgumentException("cell: expected one of lstm, lstm_peephole, gru, gru_reset_before, "
                + "rnn_tanh, rnn_relu but was '" + name + "'");
    }
}
