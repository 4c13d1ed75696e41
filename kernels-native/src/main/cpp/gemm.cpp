// The packed micro-kernel of gemm.h compiled per instruction set, and its table. Compiled once per library
// (the JNI glue includes it). The level follows the post-GEMM passes' (postgemm_dispatch.h), forced or not.
#include "gemm.h"

#include "postgemm_dispatch.h"

namespace rnn4j {

#define RNN4J_GEMM_SET(NS, ATTR, B, MR)                                                                          \
    namespace NS {                                                                                           \
    ATTR void multiply(int m, int K, const float* A, int64_t lda, const float* Bp, int64_t ps, int panels,       \
                       float* C, int64_t ldc, bool acc) {                                                    \
        packed_multiply<float, B, MR>(m, K, A, lda, 1, Bp, ps, panels, C, ldc, acc, false);                  \
    }                                                                                                        \
    ATTR void multiply(int m, int K, const double* A, int64_t lda, const double* Bp, int64_t ps, int panels,     \
                       double* C, int64_t ldc, bool acc) {                                                   \
        packed_multiply<double, B, MR>(m, K, A, lda, 1, Bp, ps, panels, C, ldc, acc, false);                 \
    }                                                                                                        \
    ATTR void multiply_at(int m, int K, const float* A, int64_t ks, const float* Bp, int64_t ps, int panels,     \
                          float* C, int64_t ldc, bool acc) {                                                 \
        packed_multiply<float, B, MR>(m, K, A, 1, ks, Bp, ps, panels, C, ldc, acc, true);                    \
    }                                                                                                        \
    ATTR void multiply_at(int m, int K, const double* A, int64_t ks, const double* Bp, int64_t ps, int panels,   \
                          double* C, int64_t ldc, bool acc) {                                                \
        packed_multiply<double, B, MR>(m, K, A, 1, ks, Bp, ps, panels, C, ldc, acc, true);                   \
    }                                                                                                        \
    template <class T>                                                                                       \
    PackedGemm<T> table() {                                                                                  \
        return PackedGemm<T>{&multiply, &multiply_at, MR};                                                   \
    }                                                                                                        \
    }

RNN4J_GEMM_SET(gemm512, RNN4J_TARGET_AVX512, 64, 6)
RNN4J_GEMM_SET(gemm256, RNN4J_TARGET_AVX2, 32, 3)
RNN4J_GEMM_SET(gemm128, , 16, 1)

#undef RNN4J_GEMM_SET

namespace {

template <class T>
const PackedGemm<T>* gemm_tables() {
    static const PackedGemm<T> t[3] = {gemm512::table<T>(), gemm256::table<T>(), gemm128::table<T>()};
    return t;
}

}  // namespace

template <class T>
const PackedGemm<T>& packed_gemm_at(int bits) {
    return gemm_tables<T>()[bits >= 512 ? 0 : bits >= 256 ? 1 : 2];
}

template <class T>
const PackedGemm<T>& packed_gemm() {
    return packed_gemm_at<T>(postgemm_simd_bits());
}

template const PackedGemm<float>& packed_gemm<float>();
template const PackedGemm<double>& packed_gemm<double>();
template const PackedGemm<float>& packed_gemm_at<float>(int);
template const PackedGemm<double>& packed_gemm_at<double>(int);

}  // namespace rnn4j
