package org.rnn4j;

/** Nonlinearity of a vanilla (Elman) RNN cell: {@code h' = act(W_ih x + b_ih + W_hh h + b_hh)}. */
public enum Activation {
    TANH,
    RELU
}
