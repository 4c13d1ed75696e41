// SIMD vocabulary of the fused passes: GCC vector extensions at the register width of one instruction set.
//
// The passes are written once, as always_inline templates over the element type T (float, double) and the
// vector width B in bytes, and compiled three times by small wrappers carrying a target attribute
// (postgemm_dispatch.cpp): B = 64 inside RNN4J_TARGET_AVX512 (zmm), 32 inside RNN4J_TARGET_AVX2 (ymm, FMA),
// 16 at the x86-64 baseline (SSE2). A vector type wider than the target's registers would be lowered lane by
// lane for comparisons and blends (measured: GCC 12 scalarises a 64-byte `?:` under AVX2), hence one width per
// target. Loads and stores go through memcpy, which compiles to unaligned moves: the workspace may sit at any
// 8-byte boundary (a caller can wrap one at an odd offset).
//
// Header only: templates and inline functions, safe to include from any number of translation units.
#ifndef RNN4J_SIMD_H
#define RNN4J_SIMD_H

#include <cstdint>
#include <cstring>

#define RNN4J_INLINE inline __attribute__((always_inline))
// The feature sets of the two dispatched levels (the baseline needs no attribute). AVX-512 also enables AVX2
// and FMA so that helpers written for any width inline into it.
#define RNN4J_TARGET_AVX512 __attribute__((target("avx512f,avx512bw,avx512dq,avx512vl,avx2,fma")))
#define RNN4J_TARGET_AVX2 __attribute__((target("avx2,fma")))

namespace rnn4j {

template <class T, int B>
struct VecTypes;
template <int B>
struct VecTypes<float, B> {
    typedef float v __attribute__((vector_size(B)));
    typedef int32_t i __attribute__((vector_size(B)));
};
template <int B>
struct VecTypes<double, B> {
    typedef double v __attribute__((vector_size(B)));
    typedef int64_t i __attribute__((vector_size(B)));
};

/** B bytes of T: 16, 8 or 4 floats; 8, 4 or 2 doubles. */
template <class T, int B>
using vec = typename VecTypes<T, B>::v;
/** The mask type of vec<T, B> (comparisons yield it, `?:` takes it). */
template <class T, int B>
using ivec = typename VecTypes<T, B>::i;

/** Elements of the gate layout's unit block: 64 bytes (16 floats, 8 doubles), whatever the vector width. */
template <class T>
constexpr int block_lanes() {
    return 64 / (int)sizeof(T);
}

template <class T, int B>
RNN4J_INLINE vec<T, B> vload(const T* p) {
    vec<T, B> v;
    std::memcpy(&v, p, sizeof v);
    return v;
}

template <class T, int B>
RNN4J_INLINE void vstore(T* p, vec<T, B> v) {
    std::memcpy(p, &v, sizeof v);
}

/**
 * x in every lane, for constants: x - (+0) is x exactly (also -0 and NaN). Kernels broadcast a variable by
 * writing `x - V{}` in place instead: GCC 12 lowers this helper's body for the default target before inlining
 * it, so a 64-byte variable broadcast through it is built lane by lane (masked inserts) even in AVX-512 code.
 */
template <class T, int B>
RNN4J_INLINE vec<T, B> vbroadcast(T x) {
    return x - vec<T, B>{};
}

/** Lanes l < n keep v, the others become +0.0 (padded hidden units are exact zeros). */
template <class T, int B>
RNN4J_INLINE vec<T, B> keep_first(vec<T, B> v, int n) {
    constexpr int L = B / (int)sizeof(T);
    ivec<T, B> idx;
    for (int l = 0; l < L; l++) idx[l] = l;
    return idx < n ? v : vec<T, B>{};
}

}  // namespace rnn4j

#endif  // RNN4J_SIMD_H
