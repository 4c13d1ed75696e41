// Run-time SIMD dispatch of the native library: declarations only, so that any number of translation units
// may include this header. The definitions (the multiversioned functions) are in rnn4j_dispatch.cpp, which
// is compiled exactly once: the JNI glue that JavaCPP generates includes it (the @Platform include list of
// org.rnn4j.nativebackend.NativeBlasLibrary), and a build with several translation units compiles it as one.
#ifndef RNN4J_DISPATCH_H
#define RNN4J_DISPATCH_H

namespace rnn4j {

/**
 * Widest SIMD level the load-time dispatcher selected: 0 (baseline SSE2), 256 (AVX2+FMA) or 512 (AVX-512).
 * A plain, out-of-line entry point: GCC 12 emits the dispatcher symbol twice when a multiversioned function
 * is called directly from the extern "C" JNI glue, so the glue calls this instead.
 */
int simd_dispatch_bits();

}  // namespace rnn4j

#endif  // RNN4J_DISPATCH_H
