// Run-time dispatch of the post-GEMM passes (as oneDNN's postgemm_dispatcher): one table of function pointers
// per element type and instruction set, the widest the CPU supports chosen when first used. The passes are
// written once (postgemm_lstm.h, postgemm_gru.h, postgemm_rnn.h) and compiled three times in
// postgemm_dispatch.cpp: AVX-512 (zmm), AVX2 + FMA (ymm), and the x86-64 baseline (SSE2).
//
// Explicit tables rather than GCC's target_clones: a lower level can be forced (set_postgemm_simd_bits, from
// the Java system property rnn4j.native.simd), so the AVX2 and baseline code runs in tests on an AVX-512
// machine too; each version has its own name, so nothing multiversioned is called from the JNI glue.
#ifndef RNN4J_POSTGEMM_DISPATCH_H
#define RNN4J_POSTGEMM_DISPATCH_H

#include "postgemm_gru.h"
#include "postgemm_lstm.h"
#include "postgemm_rnn.h"

namespace rnn4j {

template <class T>
struct PostGemmKernels {
    void (*lstm_forward)(const LstmForwardRow<T>&, int, int);
    void (*lstm_forward_peephole)(const LstmForwardRow<T>&, int, int);
    void (*lstm_backward)(const LstmBackwardRow<T>&, int, int);
    void (*lstm_backward_peephole)(const LstmBackwardRow<T>&, int, int);
    void (*gru_forward_lbr)(const GruForwardRow<T>&, int, int);
    void (*gru_forward_rb1)(const GruForwardRow<T>&, int, int);
    void (*gru_forward_rb2)(const GruForwardRow<T>&, int, int);
    void (*gru_backward_lbr)(const GruBackwardRow<T>&, int, int);
    void (*gru_backward_rb)(const GruBackwardRow<T>&, int, int);
    void (*gru_backward_reset)(const GruBackwardRow<T>&, int, int);
    void (*rnn_forward_tanh)(const RnnForwardRow<T>&, int, int);
    void (*rnn_forward_relu)(const RnnForwardRow<T>&, int, int);
    void (*rnn_backward_tanh)(const RnnBackwardRow<T>&, int, int);
    void (*rnn_backward_relu)(const RnnBackwardRow<T>&, int, int);
};

/** The table of the selected level. */
template <class T>
const PostGemmKernels<T>& postgemm_kernels();

/** The table of a given level (512, 256 or 0), whatever the CPU: for tests that know the CPU has it. */
template <class T>
const PostGemmKernels<T>& postgemm_kernels_at(int bits);

/** The widest level this CPU (and OS) supports: 512 (AVX-512 F/BW/DQ/VL), 256 (AVX2 + FMA) or 0. */
int postgemm_cpu_bits();

/** The level the passes run at: the CPU's, unless a lower one was forced. */
int postgemm_simd_bits();

/** Forces a level (512, 256 or 0) no wider than the CPU's; returns the level in effect. */
int set_postgemm_simd_bits(int bits);

}  // namespace rnn4j

#endif  // RNN4J_POSTGEMM_DISPATCH_H
