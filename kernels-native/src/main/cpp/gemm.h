// The cell level's GEMMs: row-major products on raw pointers through OpenBLAS's CBLAS interface
// (cblas_sgemm/dgemm, and cblas_sgemv/dgemv where a product has a single row), single-threaded inside each
// call (the backend's team shares the work: NativeBackend sets OpenBLAS to one thread).
//
// Determinism: OpenBLAS may choose different code paths for different problem shapes (small-matrix kernels,
// the K blocking), so the grid never lets the thread count decide a shape: the per-step products go grain by
// grain (a fixed column range each), the large ones in fixed row chunks (gemm_row_chunk), whoever runs them.
// Each output element is then computed by the same call, with the same operands, in every run.
#ifndef RNN4J_GEMM_H
#define RNN4J_GEMM_H

#include <cblas.h>

#include <cstdint>

namespace rnn4j {

/** C[m x n] = alpha op(A) op(B) + beta C, row-major; op(A) is m x k, op(B) is k x n. */
inline void gemm(bool ta, bool tb, int m, int n, int k, float alpha, const float* a, int64_t lda, const float* b,
                 int64_t ldb, float beta, float* c, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    cblas_sgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a,
                (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

inline void gemm(bool ta, bool tb, int m, int n, int k, double alpha, const double* a, int64_t lda,
                 const double* b, int64_t ldb, double beta, double* c, int64_t ldc) {
    if (m <= 0 || n <= 0) return;
    cblas_dgemm(CblasRowMajor, ta ? CblasTrans : CblasNoTrans, tb ? CblasTrans : CblasNoTrans, m, n, k, alpha, a,
                (int)lda, b, (int)ldb, beta, c, (int)ldc);
}

/** y[m] = alpha A[m x n] x + beta y, A row-major (no transpose): one dot product per row of A. */
inline void gemv(int m, int n, float alpha, const float* a, int64_t lda, const float* x, float beta, float* y) {
    if (m <= 0) return;
    cblas_sgemv(CblasRowMajor, CblasNoTrans, m, n, alpha, a, (int)lda, x, 1, beta, y, 1);
}

inline void gemv(int m, int n, double alpha, const double* a, int64_t lda, const double* x, double beta,
                 double* y) {
    if (m <= 0) return;
    cblas_dgemv(CblasRowMajor, CblasNoTrans, m, n, alpha, a, (int)lda, x, 1, beta, y, 1);
}

/**
 * Rows per chunk of a large product over `rows` rows (the input GEMM, dX): a function of the problem alone,
 * never of the thread count. Chunks of at least 256 rows (smaller ones repack B too often) and at most twelve
 * of them, so that 1, 2, 3, 4 and 6 threads share them evenly.
 */
inline int gemm_row_chunk(int64_t rows) {
    int64_t c = (rows + 11) / 12;
    if (c < 256) c = 256;
    c = (c + 15) / 16 * 16;
    return (int)(rows < c ? rows : c);
}

/**
 * Rows of dW per chunk of a weight-gradient product (M = the gate columns): each chunk repacks the whole B
 * (the layer input or h_{t-1} over all steps), so chunks are large: 512 rows, or the whole when smaller.
 */
inline int gemm_weight_chunk(int m) {
    return m < 512 ? m : 512;
}

}  // namespace rnn4j

#endif  // RNN4J_GEMM_H
