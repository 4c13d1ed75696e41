// rnn4j native backend: thin C++17 layer over OpenBLAS's CBLAS interface.
//
// Included by the JNI glue that JavaCPP generates for org.rnn4j.nativebackend.NativeBlasLibrary.
// Everything here trusts its arguments: org.rnn4j.nativebackend.NativeGemm validates shapes, leading
// dimensions, segment sizes, liveness and overlap in Java before any call reaches this file.
//
// Build flags (see kernels-native/pom.xml): -std=c++17 -O3 on the portable x86-64 baseline, never
// -march=native and never -ffast-math; -lgcc and -Wl,--no-undefined so that later
// __attribute__((target_clones(...))) kernels link and fail at build time rather than load time.
#ifndef RNN4J_BLAS_H
#define RNN4J_BLAS_H

#include <cblas.h>

namespace rnn4j {

/** Version string of the OpenBLAS headers this library was compiled against, e.g. "OpenBLAS 0.3.31". */
inline const char* openblas_header_version() {
#ifdef OPENBLAS_VERSION
    return OPENBLAS_VERSION;
#else
    return "";
#endif
}

/**
 * Row-major C[M x N] = alpha * op(A) * op(B) + beta * C, op(X) = X or X^T, float32, on caller memory.
 * op(A) is M x K (A stored M x K with lda >= K, or K x M with lda >= M when transA);
 * op(B) is K x N (B stored K x N with ldb >= N, or N x K with ldb >= K when transB); ldc >= N.
 */
inline void sgemm(bool transA, bool transB, int m, int n, int k,
                  float alpha, const float* a, int lda, const float* b, int ldb,
                  float beta, float* c, int ldc) {
    cblas_sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/** As {@link sgemm}, float64. */
inline void dgemm(bool transA, bool transB, int m, int n, int k,
                  double alpha, const double* a, int lda, const double* b, int ldb,
                  double beta, double* c, int ldc) {
    cblas_dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
                m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
}

/** openblas_get_config(): build configuration, e.g. "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=..." */
inline const char* openblas_config() {
    const char* s = openblas_get_config();
    return s != nullptr ? s : "";
}

/** openblas_get_corename(): the CPU kernel set chosen at load time (DYNAMIC_ARCH), e.g. "Haswell", "SkylakeX". */
inline const char* openblas_corename() {
    const char* s = openblas_get_corename();
    return s != nullptr ? s : "";
}

inline int openblas_num_threads() {
    return openblas_get_num_threads();
}

inline void set_openblas_num_threads(int n) {
    openblas_set_num_threads(n);
}

inline int openblas_num_procs() {
    return openblas_get_num_procs();
}

}  // namespace rnn4j

#endif  // RNN4J_BLAS_H
