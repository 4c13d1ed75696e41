// Run-time SIMD dispatch of the native library, and the proof that it works in the shipped binary.
//
// The library is compiled for the portable x86-64 baseline; code that wants wider SIMD is multiversioned:
// GCC compiles one body per target attribute and an ifunc resolver picks one when the library loads (it
// reads the CPU model through libgcc's __cpu_model, hence -lgcc in the link). simd_level() has one
// version per level we dispatch to, so asking it which version runs tells what every multiversioned kernel
// of this library uses on this CPU.
//
// Non-inline definitions: compile this file once per library (the JNI glue includes it; see the header).
#include "rnn4j_dispatch.h"

namespace rnn4j {
namespace detail {

__attribute__((target("default"))) int simd_level() { return 0; }
__attribute__((target("avx2,fma"))) int simd_level() { return 256; }
__attribute__((target("avx512f,avx512bw,avx512dq,avx512vl"))) int simd_level() { return 512; }

}  // namespace detail

__attribute__((noinline)) int simd_dispatch_bits() { return detail::simd_level(); }

}  // namespace rnn4j
