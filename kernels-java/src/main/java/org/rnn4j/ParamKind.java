package org.rnn4j;

/** The kinds of parameter a layer direction owns, named as in PyTorch's {@code state_dict}. */
public enum ParamKind {
    /** [G·H, in]: input-to-hidden weights, gate blocks stacked by rows. */
    WEIGHT_IH("weight_ih"),
    /** [G·H, H]: hidden-to-hidden weights. */
    WEIGHT_HH("weight_hh"),
    /** [G·H]. */
    BIAS_IH("bias_ih"),
    /** [G·H]. For the linear-before-reset GRU the n block of this bias sits inside the reset product. */
    BIAS_HH("bias_hh"),
    /** [3, H], rows i, f, o: LSTM with peepholes only. */
    WEIGHT_PEEPHOLE("weight_peephole");

    private final String prefix;

    ParamKind(String prefix) {
        this.prefix = prefix;
    }

    public String prefix() {
        return prefix;
    }
}
