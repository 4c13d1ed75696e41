// The post-GEMM passes compiled per instruction set, and their tables (see postgemm_dispatch.h).
// Compiled once per library (the JNI glue includes it; see rnn4j_native.h).
#include "postgemm_dispatch.h"

#include <atomic>

namespace rnn4j {

// One set of wrappers per instruction set: each is an ordinary function carrying a target attribute, into which
// the always_inline pass templates are inlined and compiled for that target at its register width.
#define RNN4J_POSTGEMM_SET(NS, ATTR, BF, BD)                                                                    \
    namespace NS {                                                                                           \
    ATTR void lstm_f(const LstmForwardRow<float>& a, int b0, int b1) { lstm_forward<float, BF, false>(a, b0, b1); } \
    ATTR void lstm_f(const LstmForwardRow<double>& a, int b0, int b1) { lstm_forward<double, BD, false>(a, b0, b1); } \
    ATTR void lstm_fp(const LstmForwardRow<float>& a, int b0, int b1) { lstm_forward<float, BF, true>(a, b0, b1); } \
    ATTR void lstm_fp(const LstmForwardRow<double>& a, int b0, int b1) { lstm_forward<double, BD, true>(a, b0, b1); } \
    ATTR void lstm_b(const LstmBackwardRow<float>& a, int b0, int b1) { lstm_backward<float, BF, false>(a, b0, b1); } \
    ATTR void lstm_b(const LstmBackwardRow<double>& a, int b0, int b1) { lstm_backward<double, BD, false>(a, b0, b1); } \
    ATTR void lstm_bp(const LstmBackwardRow<float>& a, int b0, int b1) { lstm_backward<float, BF, true>(a, b0, b1); } \
    ATTR void lstm_bp(const LstmBackwardRow<double>& a, int b0, int b1) { lstm_backward<double, BD, true>(a, b0, b1); } \
    ATTR void gru_fl(const GruForwardRow<float>& a, int b0, int b1) { gru_forward_lbr<float, BF>(a, b0, b1); } \
    ATTR void gru_fl(const GruForwardRow<double>& a, int b0, int b1) { gru_forward_lbr<double, BD>(a, b0, b1); } \
    ATTR void gru_f1(const GruForwardRow<float>& a, int b0, int b1) { gru_forward_rb1<float, BF>(a, b0, b1); } \
    ATTR void gru_f1(const GruForwardRow<double>& a, int b0, int b1) { gru_forward_rb1<double, BD>(a, b0, b1); } \
    ATTR void gru_f2(const GruForwardRow<float>& a, int b0, int b1) { gru_forward_rb2<float, BF>(a, b0, b1); } \
    ATTR void gru_f2(const GruForwardRow<double>& a, int b0, int b1) { gru_forward_rb2<double, BD>(a, b0, b1); } \
    ATTR void gru_bl(const GruBackwardRow<float>& a, int b0, int b1) { gru_backward<float, BF, true>(a, b0, b1); } \
    ATTR void gru_bl(const GruBackwardRow<double>& a, int b0, int b1) { gru_backward<double, BD, true>(a, b0, b1); } \
    ATTR void gru_br(const GruBackwardRow<float>& a, int b0, int b1) { gru_backward<float, BF, false>(a, b0, b1); } \
    ATTR void gru_br(const GruBackwardRow<double>& a, int b0, int b1) { gru_backward<double, BD, false>(a, b0, b1); } \
    ATTR void gru_bx(const GruBackwardRow<float>& a, int b0, int b1) { gru_backward_reset<float, BF>(a, b0, b1); } \
    ATTR void gru_bx(const GruBackwardRow<double>& a, int b0, int b1) { gru_backward_reset<double, BD>(a, b0, b1); } \
    ATTR void rnn_ft(const RnnForwardRow<float>& a, int b0, int b1) { rnn_forward<float, BF, false>(a, b0, b1); } \
    ATTR void rnn_ft(const RnnForwardRow<double>& a, int b0, int b1) { rnn_forward<double, BD, false>(a, b0, b1); } \
    ATTR void rnn_fr(const RnnForwardRow<float>& a, int b0, int b1) { rnn_forward<float, BF, true>(a, b0, b1); } \
    ATTR void rnn_fr(const RnnForwardRow<double>& a, int b0, int b1) { rnn_forward<double, BD, true>(a, b0, b1); } \
    ATTR void rnn_bt(const RnnBackwardRow<float>& a, int b0, int b1) { rnn_backward<float, BF, false>(a, b0, b1); } \
    ATTR void rnn_bt(const RnnBackwardRow<double>& a, int b0, int b1) { rnn_backward<double, BD, false>(a, b0, b1); } \
    ATTR void rnn_br(const RnnBackwardRow<float>& a, int b0, int b1) { rnn_backward<float, BF, true>(a, b0, b1); } \
    ATTR void rnn_br(const RnnBackwardRow<double>& a, int b0, int b1) { rnn_backward<double, BD, true>(a, b0, b1); } \
    template <class T>                                                                                       \
    PostGemmKernels<T> table() {                                                                             \
        return PostGemmKernels<T>{&lstm_f, &lstm_fp, &lstm_b, &lstm_bp, &gru_fl, &gru_f1, &gru_f2,           \
                                  &gru_bl, &gru_br, &gru_bx, &rnn_ft, &rnn_fr, &rnn_bt, &rnn_br};             \
    }                                                                                                        \
    }

RNN4J_POSTGEMM_SET(isa512, RNN4J_TARGET_AVX512, 64, 64)
RNN4J_POSTGEMM_SET(isa256, RNN4J_TARGET_AVX2, 32, 32)
RNN4J_POSTGEMM_SET(isa128, , 16, 16)

#undef RNN4J_POSTGEMM_SET

namespace {

int detect_cpu_bits() {
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512bw") &&
        __builtin_cpu_supports("avx512dq") && __builtin_cpu_supports("avx512vl")) {
        return 512;
    }
    if (__builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma")) return 256;
    return 0;
}

std::atomic<int>& selected_bits() {
    static std::atomic<int> bits{postgemm_cpu_bits()};
    return bits;
}

template <class T>
const PostGemmKernels<T>* tables() {
    static const PostGemmKernels<T> t[3] = {isa512::table<T>(), isa256::table<T>(), isa128::table<T>()};
    return t;
}

}  // namespace

int postgemm_cpu_bits() {
    static const int bits = detect_cpu_bits();
    return bits;
}

int postgemm_simd_bits() {
    return selected_bits().load(std::memory_order_relaxed);
}

int set_postgemm_simd_bits(int bits) {
    int cpu = postgemm_cpu_bits();
    int b = bits >= 512 ? 512 : bits >= 256 ? 256 : 0;
    if (b > cpu) b = cpu;
    selected_bits().store(b, std::memory_order_relaxed);
    return b;
}

template <class T>
const PostGemmKernels<T>& postgemm_kernels_at(int bits) {
    return tables<T>()[bits >= 512 ? 0 : bits >= 256 ? 1 : 2];
}

template <class T>
const PostGemmKernels<T>& postgemm_kernels() {
    return postgemm_kernels_at<T>(postgemm_simd_bits());
}

template const PostGemmKernels<float>& postgemm_kernels<float>();
template const PostGemmKernels<double>& postgemm_kernels<double>();
template const PostGemmKernels<float>& postgemm_kernels_at<float>(int);
template const PostGemmKernels<double>& postgemm_kernels_at<double>(int);

}  // namespace rnn4j
