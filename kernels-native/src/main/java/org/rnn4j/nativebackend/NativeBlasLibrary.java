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
 * The raw JNI surface of {@code libjnirnn4j.so}: unchecked calls on raw addresses.
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
 * it. The only callers are {@link NativeGemm} (which validates every argument first) and
 * {@link NativeLibraryInfo}; keep this class package-private.
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
                include = {"rnn4j_blas.h", "rnn4j_dispatch.h", "rnn4j_dispatch.cpp"},
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
}
