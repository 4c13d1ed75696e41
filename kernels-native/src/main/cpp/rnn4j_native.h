// The entry points of the native backend that the JNI glue calls (declared for JavaCPP by
// org.rnn4j.nativebackend.NativeKernels). Declarations only: the definitions are in rnn4j_native.cpp, compiled
// once; the glue includes it together with the other .cpp files of this directory (the @Platform include list),
// so the library is one translation unit, while each .cpp also compiles on its own (the C++ tests do).
//
// Nothing here validates anything: Java (org.rnn4j.Rnn and NativeCall) has checked every argument before a
// call reaches these functions; addresses are raw native addresses of memory that stays alive during the call.
#ifndef RNN4J_NATIVE_H
#define RNN4J_NATIVE_H

#include <cstdint>

namespace rnn4j {

/** A team of `threads` threads (the caller plus threads - 1 workers); returns its handle, 0 if threads could not start. */
int64_t team_create(int threads);
/** Stops the team's workers and frees it. */
void team_destroy(int64_t team);

/**
 * Workspace layout (plan.h) for a configuration and capacity: total bytes, and two offsets in the header.
 * `flags`: 1 training, 2 a step plan, 4 the layout for the OpenBLAS products (rnn4j.native.gemm=openblas).
 */
int64_t workspace_bytes(int elementBytes, int kind, int inputSize, int hidden, int layers, int directions, int capT,
                        int capN, int flags);
int64_t workspace_lengths_offset(int elementBytes, int kind, int inputSize, int hidden, int layers,
                                 int directions, int capT, int capN, int flags);
int64_t workspace_weight_grads_offset(int elementBytes, int kind, int inputSize, int hidden, int layers,
                                      int directions, int capT, int capN, int flags);

/** Bytes of the prepared weights (packed_weights.h). */
int64_t weights_bytes(int elementBytes, int kind, int inputSize, int hidden, int layers, int directions);
/**
 * Packs one layer direction from the caller's PyTorch-layout parameters, given as a table of the addresses of
 * their gate blocks (plan.h, call::WG_*).
 */
void weights_pack(int64_t dst, int elementBytes, int kind, int inputSize, int hidden, int layers, int directions,
                  int slot, int64_t blocks);

/** Runs one call (grid.h: 0 forward, 1 backward, 2 step forward, 3 step backward). */
void run(int op, int64_t team, int64_t weights, int64_t workspace);

/** SIMD level of the post-GEMM passes in effect (512, 256, 0), the CPU's widest, and forcing a lower one. */
int kernel_simd_bits();
int cpu_simd_bits();
int force_kernel_simd_bits(int bits);

/** Sets OpenBLAS's (process-wide) thread count to 1: the backend's own team shares the work. */
void openblas_single_thread();

}  // namespace rnn4j

#endif  // RNN4J_NATIVE_H
