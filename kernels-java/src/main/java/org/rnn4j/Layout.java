package org.rnn4j;

/**
 * Memory order of sequence tensors (input, output and their gradients). States ({@code h0}, {@code hN},
 * {@code c0}, {@code cN}) are always {@code [layers*directions, N, H]}, as in PyTorch, whatever the layout.
 */
public enum Layout {
    /** {@code [T, N, C]}: all samples of one time step are contiguous (the fast order for the kernels). */
    TIME_MAJOR,
    /** {@code [N, T, C]}: PyTorch's {@code batch_first=True}. */
    BATCH_FIRST;

    /** Element offset of {@code [t, n, 0]} in a tensor of this layout with {@code T} steps, {@code N} samples, {@code C} channels. */
    public long offset(int t, int n, int T, int N, int C) {
        return this == TIME_MAJOR ? ((long) t * N + n) * C : ((long) n * T + t) * C;
    }
}
