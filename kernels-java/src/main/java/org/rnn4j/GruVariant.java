package org.rnn4j;

/**
 * The two GRU formulations in use. They differ only in where the reset gate acts on the candidate:
 * <pre>
 *   LINEAR_BEFORE_RESET: n = tanh(W_in x + b_in + r * (W_hn h + b_hn))     PyTorch, cuDNN, Keras reset_after=True
 *   RESET_BEFORE:        n = tanh(W_in x + b_in + W_hn (r * h) + b_hn)     Cho et al. 2014, ONNX default, Keras reset_after=False
 * </pre>
 * Linear-before-reset lets the whole recurrent product W_hh h be one GEMM per step; reset-before needs the
 * r gate before the third block of that product can start.
 */
public enum GruVariant {
    LINEAR_BEFORE_RESET,
    RESET_BEFORE
}
