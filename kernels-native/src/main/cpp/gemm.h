// The cell level's GEMMs (docs/kernels.md, "Which GEMM runs where in native").
//
// By default every product runs on the packed micro-kernel below: the input GEMM over all steps, the recurrent
// GEMM and the dh GEMM of each step, dW_ih and dW_hh, and dX. It multiplies A, read in place (row-major, or with
// a k stride: dG^T for the weight gradients), by B in panels of NR = 128 bytes (32 floats, 16 doubles) — the
// weights packed once (packed_weights.h), the weight gradients' B packed per K block by the grid — with an
// MR x NR register tile (MR = 6 on AVX-512, 3 on AVX2, 1 at the baseline) whose elements are each one chain of
// fused multiply-adds over k in order, and for a single row a GEMV over several panels with the same chains. So
// an element's bits do not depend on the tile, the blocking or the thread that computes it.
//
// Measured against OpenBLAS 0.3.31 (Zen 5, one thread): OpenBLAS repacks both operands on every per-step call
// (21% of all cycles of an LSTM fwd+bwd T=100 N=64 I=H=512 in its copy routines), and on the large products it
// ran at 208-231 GFLOP/s (Cooperlake kernels, in the fixed chunks determinism needs) against 245-258 here.
//
// With rnn4j.native.gemm=openblas every product goes through OpenBLAS's CBLAS interface instead (row-major on raw
// pointers; a GEMV for one row), single-threaded inside each call (the team shares the work: NativeBackend sets
// OpenBLAS to one thread). OpenBLAS may choose different code paths for different problem shapes (small-matrix
// kernels, the K blocking), so there the grid never lets the thread count decide a shape: the per-step products
// go grain by grain (a fixed column range each), the large ones in fixed chunks (gemm_row_chunk,
// gemm_weight_chunk), whoever runs them.
#ifndef RNN4J_GEMM_H
#define RNN4J_GEMM_H

#include <cblas.h>

#include <cstdint>

#include "simd.h"

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

// ---------------------------------------------------------------------------------- packed micro-kernel

/** Columns of a packed panel: 128 bytes. */
template <class T>
constexpr int panel_width() {
    return 2 * block_lanes<T>();
}

// The accumulators are named variables (cRJ: row R, vector J of the panel): GCC 12 keeps an array of vectors in
// memory and builds each broadcast lane by lane, named variables stay in registers. Unused ones are dead code.
#define RNN4J_FMA_ROW(r)                                                                                 \
    if constexpr (R > r) {                                                                               \
        const V a = A[r * lda + k * ks] - V{}; /* a broadcast (see simd.h) */                                                    \
        c##r##0 += a * b0;                                                                               \
        if constexpr (NV > 1) c##r##1 += a * b1;                                                         \
        if constexpr (NV > 2) c##r##2 += a * b2;                                                         \
        if constexpr (NV > 3) c##r##3 += a * b3;                                                         \
        if constexpr (NV > 4) c##r##4 += a * b4;                                                         \
        if constexpr (NV > 5) c##r##5 += a * b5;                                                         \
        if constexpr (NV > 6) c##r##6 += a * b6;                                                         \
        if constexpr (NV > 7) c##r##7 += a * b7;                                                         \
    }
#define RNN4J_STORE(c, ptr)                                                                              \
    {                                                                                                    \
        T* q = (ptr);                                                                                    \
        vstore<T, B>(q, accumulate ? vload<T, B>(q) + c : c);                                            \
    }
#define RNN4J_STORE_ROW(r, base)                                                                         \
    if constexpr (R > r) {                                                                               \
        T* cr = (base);                                                                                  \
        RNN4J_STORE(c##r##0, cr);                                                                        \
        if constexpr (NV > 1) RNN4J_STORE(c##r##1, cr + L);                                              \
        if constexpr (NV > 2) RNN4J_STORE(c##r##2, cr + 2 * L);                                          \
        if constexpr (NV > 3) RNN4J_STORE(c##r##3, cr + 3 * L);                                          \
        if constexpr (NV > 4) RNN4J_STORE(c##r##4, cr + 4 * L);                                          \
        if constexpr (NV > 5) RNN4J_STORE(c##r##5, cr + 5 * L);                                          \
        if constexpr (NV > 6) RNN4J_STORE(c##r##6, cr + 6 * L);                                          \
        if constexpr (NV > 7) RNN4J_STORE(c##r##7, cr + 7 * L);                                          \
    }

/**
 * R rows of A against one packed panel: C[R][NR] (+)= A[R][K] B, the panel k-major ([K][NR]); R <= 6 and
 * NR / (B / sizeof(T)) <= 8 vectors per row. A's element (i, k) is A[i*lda + k*ks] (ks = 1: row-major; lda = 1:
 * A stored transposed, as dG is for the weight gradients). Each element is one chain of (fused) multiply-adds
 * over k in order.
 */
template <class T, int B, int R>
RNN4J_INLINE void packed_tile(int K, const T* A, int64_t lda, int64_t ks, const T* Bp, T* C, int64_t ldc,
                              bool accumulate) {
    typedef vec<T, B> V;
    constexpr int L = B / (int)sizeof(T);
    constexpr int NR = panel_width<T>();
    constexpr int NV = NR / L;
    static_assert(R >= 1 && R <= 6 && NV >= 1 && NV <= 8, "tile shape");
    V c00 = V{}, c01 = V{}, c02 = V{}, c03 = V{}, c04 = V{}, c05 = V{}, c06 = V{}, c07 = V{};
    V c10 = V{}, c11 = V{}, c12 = V{}, c13 = V{}, c14 = V{}, c15 = V{}, c16 = V{}, c17 = V{};
    V c20 = V{}, c21 = V{}, c22 = V{}, c23 = V{}, c24 = V{}, c25 = V{}, c26 = V{}, c27 = V{};
    V c30 = V{}, c31 = V{}, c32 = V{}, c33 = V{}, c34 = V{}, c35 = V{}, c36 = V{}, c37 = V{};
    V c40 = V{}, c41 = V{}, c42 = V{}, c43 = V{}, c44 = V{}, c45 = V{}, c46 = V{}, c47 = V{};
    V c50 = V{}, c51 = V{}, c52 = V{}, c53 = V{}, c54 = V{}, c55 = V{}, c56 = V{}, c57 = V{};
    for (int k = 0; k < K; k++) {
        const T* b = Bp + (int64_t)k * NR;
        const V b0 = vload<T, B>(b);
        const V b1 = NV > 1 ? vload<T, B>(b + (NV > 1 ? L : 0)) : V{};
        const V b2 = NV > 2 ? vload<T, B>(b + (NV > 2 ? 2 * L : 0)) : V{};
        const V b3 = NV > 3 ? vload<T, B>(b + (NV > 3 ? 3 * L : 0)) : V{};
        const V b4 = NV > 4 ? vload<T, B>(b + (NV > 4 ? 4 * L : 0)) : V{};
        const V b5 = NV > 5 ? vload<T, B>(b + (NV > 5 ? 5 * L : 0)) : V{};
        const V b6 = NV > 6 ? vload<T, B>(b + (NV > 6 ? 6 * L : 0)) : V{};
        const V b7 = NV > 7 ? vload<T, B>(b + (NV > 7 ? 7 * L : 0)) : V{};
        RNN4J_FMA_ROW(0)
        RNN4J_FMA_ROW(1)
        RNN4J_FMA_ROW(2)
        RNN4J_FMA_ROW(3)
        RNN4J_FMA_ROW(4)
        RNN4J_FMA_ROW(5)
    }
    RNN4J_STORE_ROW(0, C)
    RNN4J_STORE_ROW(1, C + ldc)
    RNN4J_STORE_ROW(2, C + 2 * ldc)
    RNN4J_STORE_ROW(3, C + 3 * ldc)
    RNN4J_STORE_ROW(4, C + 4 * ldc)
    RNN4J_STORE_ROW(5, C + 5 * ldc)
}

/**
 * One row of A against P panels at once (a GEMV on packed B: P*NV independent chains keep the FMA units busy
 * while the weights stream in), P*NV <= 8. The same chains as packed_tile, so a row gets the same bits either way.
 */
template <class T, int B, int P>
RNN4J_INLINE void packed_row(int K, const T* A, int64_t ks, const T* Bp, int64_t panelStride, T* C, bool accumulate) {
    typedef vec<T, B> V;
    constexpr int L = B / (int)sizeof(T);
    constexpr int NR = panel_width<T>();
    constexpr int NV = NR / L;
    constexpr int N = P * NV;  // vectors per k, all from one row of A
    static_assert(N >= 1 && N <= 8, "row shape");
    V d0 = V{}, d1 = V{}, d2 = V{}, d3 = V{}, d4 = V{}, d5 = V{}, d6 = V{}, d7 = V{};
    // vector v of the P*NV: panel v / NV, vector v % NV of that panel
#define RNN4J_ROW_ADDR(v) (Bp + ((v) / NV) * panelStride + (int64_t)k * NR + ((v) % NV) * L)
    for (int k = 0; k < K; k++) {
        const V a = A[k * ks] - V{};
        d0 += a * vload<T, B>(RNN4J_ROW_ADDR(0));
        if constexpr (N > 1) d1 += a * vload<T, B>(RNN4J_ROW_ADDR(1));
        if constexpr (N > 2) d2 += a * vload<T, B>(RNN4J_ROW_ADDR(2));
        if constexpr (N > 3) d3 += a * vload<T, B>(RNN4J_ROW_ADDR(3));
        if constexpr (N > 4) d4 += a * vload<T, B>(RNN4J_ROW_ADDR(4));
        if constexpr (N > 5) d5 += a * vload<T, B>(RNN4J_ROW_ADDR(5));
        if constexpr (N > 6) d6 += a * vload<T, B>(RNN4J_ROW_ADDR(6));
        if constexpr (N > 7) d7 += a * vload<T, B>(RNN4J_ROW_ADDR(7));
    }
#undef RNN4J_ROW_ADDR
#define RNN4J_ROW_OUT(v) (C + ((v) / NV) * NR + ((v) % NV) * L)
    RNN4J_STORE(d0, RNN4J_ROW_OUT(0));
    if constexpr (N > 1) RNN4J_STORE(d1, RNN4J_ROW_OUT(1));
    if constexpr (N > 2) RNN4J_STORE(d2, RNN4J_ROW_OUT(2));
    if constexpr (N > 3) RNN4J_STORE(d3, RNN4J_ROW_OUT(3));
    if constexpr (N > 4) RNN4J_STORE(d4, RNN4J_ROW_OUT(4));
    if constexpr (N > 5) RNN4J_STORE(d5, RNN4J_ROW_OUT(5));
    if constexpr (N > 6) RNN4J_STORE(d6, RNN4J_ROW_OUT(6));
    if constexpr (N > 7) RNN4J_STORE(d7, RNN4J_ROW_OUT(7));
#undef RNN4J_ROW_OUT
}

#undef RNN4J_FMA_ROW
#undef RNN4J_STORE_ROW
#undef RNN4J_STORE

/**
 * Rows [i0, i1) against one panel: tiles of MR, the rest in one smaller tile. (A function, not a lambda: a lambda
 * is compiled for the default target, not for the target of the function it sits in.)
 */
template <class T, int B, int MR>
RNN4J_INLINE void packed_tiles(int K, const T* A, int64_t lda, int64_t ks, const T* bp, T* cp, int64_t ldc,
                               bool accumulate, int i0, int i1) {
    int i = i0;
    for (; i + MR <= i1; i += MR) packed_tile<T, B, MR>(K, A + i * lda, lda, ks, bp, cp + i * ldc, ldc, accumulate);
    const T* a = A + i * lda;
    T* c = cp + i * ldc;
    switch (i1 - i) {
        case 0: break;
        case 1: packed_tile<T, B, 1>(K, a, lda, ks, bp, c, ldc, accumulate); break;
        case 2: if (MR > 2) packed_tile<T, B, (MR > 2 ? 2 : 1)>(K, a, lda, ks, bp, c, ldc, accumulate); break;
        case 3: if (MR > 3) packed_tile<T, B, (MR > 3 ? 3 : 1)>(K, a, lda, ks, bp, c, ldc, accumulate); break;
        case 4: if (MR > 4) packed_tile<T, B, (MR > 4 ? 4 : 1)>(K, a, lda, ks, bp, c, ldc, accumulate); break;
        default: if (MR > 5) packed_tile<T, B, (MR > 5 ? 5 : 1)>(K, a, lda, ks, bp, c, ldc, accumulate); break;
    }
}

/**
 * C[m][panels*NR] (+)= A[m][K] Bp: A's element (i, k) at A[i*lda + k*ks], Bp `panels` panels of [K][NR] spaced
 * panelStride apart, C row-major (ldc). Panel by panel, rows in tiles of MR (the rest in one smaller tile), so a
 * panel stays in cache while the tiles use it; or, with tilesOuter, tile by tile over all panels (A's rows stay
 * in L1 while the panels stream from L2: the weight gradients, whose A is strided). One row: P panels at a time.
 */
template <class T, int B, int MR>
RNN4J_INLINE void packed_multiply(int m, int K, const T* A, int64_t lda, int64_t ks, const T* Bp, int64_t panelStride,
                                  int panels, T* C, int64_t ldc, bool accumulate, bool tilesOuter) {
    constexpr int NR = panel_width<T>();
    constexpr int NV = NR / (B / (int)sizeof(T));
    constexpr int P = 8 / NV;  // panels per GEMV step: 4 on AVX-512, 2 on AVX2, 1 at the baseline
    if (m == 1) {
        int p = 0;
        for (; p + P <= panels; p += P) packed_row<T, B, P>(K, A, ks, Bp + p * panelStride, panelStride, C + p * NR, accumulate);
        for (; p < panels; p++) packed_row<T, B, 1>(K, A, ks, Bp + p * panelStride, panelStride, C + p * NR, accumulate);
        return;
    }
    if (tilesOuter) {
        for (int i = 0; i < m; i += MR) {
            const int i1 = i + MR < m ? i + MR : m;
            for (int p = 0; p < panels; p++) {
                packed_tiles<T, B, MR>(K, A, lda, ks, Bp + p * panelStride, C + p * NR, ldc, accumulate, i, i1);
            }
        }
    } else {
        for (int p = 0; p < panels; p++) {
            packed_tiles<T, B, MR>(K, A, lda, ks, Bp + p * panelStride, C + p * NR, ldc, accumulate, 0, m);
        }
    }
}

/** The packed micro-kernel of one instruction set (gemm.cpp), chosen at the same level as the passes. */
template <class T>
struct PackedGemm {
    /** packed_multiply with A row-major (ks = 1), panels outer. */
    void (*multiply)(int m, int K, const T* A, int64_t lda, const T* Bp, int64_t panelStride, int panels, T* C,
                     int64_t ldc, bool accumulate);
    /** packed_multiply with A's element (i, k) at A[i + k*ks] (dG^T, read in place), tiles outer. */
    void (*multiply_at)(int m, int K, const T* A, int64_t ks, const T* Bp, int64_t panelStride, int panels, T* C,
                        int64_t ldc, bool accumulate);
    int mr;  // rows per register tile
};

template <class T>
const PackedGemm<T>& packed_gemm();

template <class T>
const PackedGemm<T>& packed_gemm_at(int bits);

}  // namespace rnn4j

#endif  // RNN4J_GEMM_H
