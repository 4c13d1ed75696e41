package org.rnn4j.nativebackend;

import org.bytedeco.javacpp.Loader;
import org.bytedeco.javacpp.annotation.Cast;
import org.bytedeco.javacpp.annotation.Name;
import org.bytedeco.javacpp.annotation.Namespace;
import org.bytedeco.javacpp.annotation.NoException;
import org.bytedeco.javacpp.annotation.Platform;
import org.bytedeco.javacpp.annotation.Properties;
import org.bytedeco.openblas.presets.openblas;

/**
 * The raw JNI surface of {@code libjnirnn4j.so}: unchecked calls on raw addresses. It declares the entry points
 * of the whole library: the GEMM and OpenBLAS queries ({@code rnn4j_blas.h}), the SIMD dispatch report
 * ({@code rnn4j_dispatch.h}) and the native backend's kernels ({@code rnn4j_native.h}: the team, the workspace
 * layout, weight packing and one call per sequence or step call).
 *
 * <p>JavaCPP generates the JNI glue for this class at build time (the {@code javacpp} plugin in
 * {@code kernels-native/pom.xml}) and compiles it together with the files of {@code src/main/cpp} in the
 * include list below: headers hold declarations and inline definitions only (safe to include from any
 * number of translation units), and each {@code .cpp} listed is included once, here, so the glue is the one
 * translation unit that defines them. The
 * library is linked to OpenBLAS through the inherited {@code openblas} preset and is packaged in this
 * module's jar under {@code org/rnn4j/nativebackend/linux-x86_64/}.
 *
 * <p><b>Nothing here validates anything.</b> A wrong address or size corrupts the JVM's memory or crashes
 * it. The only callers are {@link NativeGemm} (which validates every argument first),
 * {@link NativeLibraryInfo} and the native backend ({@link NativeBackend}, {@link NativeCall}, {@link NativeWeights},
 * {@link NativePlan}: {@code org.rnn4j.Rnn} validates every argument of its calls first); keep this class
 * package-private.
 *
 * <p>Loading: the static initializer loads the library and, through the inherited preset's {@code global}
 * classes, OpenBLAS itself (extracted to JavaCPP's cache, {@code ~/.javacpp/cache}). A failure surfaces as
 * {@link UnsatisfiedLinkError} or {@link ExceptionInInitializerError} on first use;
 * {@link NativeLibraryInfo#load()} catches and reports it.
 */
@Properties(
        inherit = openblas.class,
        value = @Platform(
                compiler = "cpp17",
                include = {"rnn4j_blas.h", "rnn4j_dispatch.h", "rnn4j_native.h", "rnn4j_dispatch.cpp", "team.cpp",
                        "postgemm_dispatch.cpp", "gemm.cpp", "packed_weights.cpp", "grid.cpp", "rnn4j_native.cpp"},
                library = "jnirnn4j"))
@Namespace("rnn4j")
@NoException
final class NativeBlasLibrary {

    /** The file the JNI library was loaded from (JavaCPP's cache copy of the jar entry), or its name. */
    static final String LOADED_FROM;

    static {
        LOADED_FROM = Loader.load(NativeBlasLibrary.class);
    }

    private NativeBlasLibrary() {
    }

    /**
     * Row-major {@code C = alpha * op(A) * op(B) + beta * C} in float32 through {@code cblas_sgemm}.
     * Addresses are raw native addresses ({@code MemorySegment.address()}); no copies are made.
     */
    static native void sgemm(boolean transA, boolean transB, int m, int n, int k,
                             float alpha, @Cast("const float*") long a, int lda,
                             @Cast("const float*") long b, int ldb,
                             float beta, @Cast("float*") long c, int ldc);

    /** As {@link #sgemm}, in float64 through {@code cblas_dgemm}. */
    static native void dgemm(boolean transA, boolean transB, int m, int n, int k,
                             double alpha, @Cast("const double*") long a, int lda,
                             @Cast("const double*") long b, int ldb,
                             double beta, @Cast("double*") long c, int ldc);

    /** {@code openblas_get_config()}: version and build configuration of the loaded OpenBLAS. */
    @Name("openblas_config")
    static native @Cast("const char*") String openblasConfig();

    /** {@code openblas_get_corename()}: the kernel set OpenBLAS picked for this CPU. */
    @Name("openblas_corename")
    static native @Cast("const char*") String openblasCoreName();

    /** {@code OPENBLAS_VERSION} of the headers compiled against. */
    @Name("openblas_header_version")
    static native @Cast("const char*") String openblasHeaderVersion();

    /** {@code openblas_get_num_threads()}. */
    @Name("openblas_num_threads")
    static native int openblasNumThreads();

    /** {@code openblas_set_num_threads(n)}. */
    @Name("set_openblas_num_threads")
    static native void setOpenblasNumThreads(int n);

    /** The SIMD width in bits (0 = baseline, 256 = AVX2, 512 = AVX-512) the load-time dispatcher chose. */
    @Name("simd_dispatch_bits")
    static native int simdDispatchBits();

    /** {@code openblas_get_num_procs()}: the number of processors OpenBLAS sees. */
    @Name("openblas_num_procs")
    static native int openblasNumProcs();

    // ---------------------------------------------------------------------------------- native backend

    /** A team of {@code threads} threads; returns its handle (a C++ pointer). */
    @Name("team_create")
    static native long teamCreate(int threads);

    /** Stops and frees a team. */
    @Name("team_destroy")
    static native void teamDestroy(long team);

    /**
     * Workspace bytes of a plan (the layout is computed in C++, plan.h). {@code flags}: 1 training, 2 a step plan,
     * 4 the OpenBLAS products.
     */
    @Name("workspace_bytes")
    static native long workspaceBytes(int elementBytes, int kind, int inputSize, int hidden, int layers,
                                      int directions, int capT, int capN, int flags);

    /** Byte offset of the lengths in the workspace header. */
    @Name("workspace_lengths_offset")
    static native long workspaceLengthsOffset(int elementBytes, int kind, int inputSize, int hidden, int layers,
                                              int directions, int capT, int capN, int flags);

    /** Byte offset of the weight-gradient address table in the workspace header. */
    @Name("workspace_weight_grads_offset")
    static native long workspaceWeightGradsOffset(int elementBytes, int kind, int inputSize, int hidden, int layers,
                                                  int directions, int capT, int capN, int flags);

    /** Bytes of the prepared weights. */
    @Name("weights_bytes")
    static native long weightsBytes(int elementBytes, int kind, int inputSize, int hidden, int layers,
                                    int directions);

    /** Packs one layer direction into the prepared weights from a table of gate-block addresses. */
    @Name("weights_pack")
    static native void weightsPack(long dst, int elementBytes, int kind, int inputSize, int hidden, int layers,
                                   int directions, int slot, long blocks);

    /** Runs one call (0 forward, 1 backward, 2 step forward, 3 step backward) from the workspace header. */
    @Name("run")
    static native void run(int op, long team, long weights, long workspace);

    /** SIMD width in bits of the fused passes in effect (512, 256, or 0 for the x86-64 baseline). */
    @Name("kernel_simd_bits")
    static native int kernelSimdBits();

    /** The widest SIMD level of the fused passes this CPU supports. */
    @Name("cpu_simd_bits")
    static native int cpuSimdBits();

    /** Forces the fused passes to a level no wider than the CPU's; returns the level in effect. */
    @Name("force_kernel_simd_bits")
    static native int forceKernelSimdBits(int bits);

    /** {@code openblas_set_num_threads(1)}: the backend's team shares the work. */
    @Name("openblas_single_thread")
    static native void openblasSingleThread();
}
