package org.rnn4j.vector;

import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.GruVariant;

/** The six cells as the kernels see them: decided once per network, so hot loops carry no cell switch. */
public enum CellKind {
    LSTM, LSTM_PEEPHOLE, GRU_LINEAR_BEFORE_RESET, GRU_RESET_BEFORE, RNN_TANH, RNN_RELU;

    public static CellKind of(Cell cell) {
        return switch (cell) {
            case Cell.Lstm l -> l.peepholes() ? LSTM_PEEPHOLE : LSTM;
            case Cell.Gru g -> g.variant() == GruVariant.LINEAR_BEFORE_RESET ? GRU_LINEAR_BEFORE_RESET : GRU_RESET_BEFORE;
            case Cell.Rnn r -> r.activation() == Activation.TANH ? RNN_TANH : RNN_RELU;
        };
    }

    public boolean isLstm() {
        return this == LSTM || this == LSTM_PEEPHOLE;
    }

    public boolean isGru() {
        return this == GRU_LINEAR_BEFORE_RESET || this == GRU_RESET_BEFORE;
    }

    public int gates() {
        return isLstm() ? 4 : isGru() ? 3 : 1;
    }
}
