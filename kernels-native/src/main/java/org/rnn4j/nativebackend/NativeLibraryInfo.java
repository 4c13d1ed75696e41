package org.rnn4j.nativebackend;

import java.net.URL;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.bytedeco.javacpp.Loader;

/**
 * Whether the native library ({@code libjnirnn4j.so} and the OpenBLAS it links) could be loaded, why not if
 * it could not, and what was loaded: OpenBLAS version, configuration, kernel set, thread count, and the
 * files.
 *
 * <p>{@link #load()} attempts the load once per JVM and never throws; every later call returns the same
 * answer. Loading extracts the libraries from the jars into JavaCPP's cache ({@code ~/.javacpp/cache},
 * system property {@code org.bytedeco.javacpp.cachedir}); the first load on a machine therefore takes a
 * moment. OpenBLAS reads {@code OPENBLAS_NUM_THREADS} and {@code OPENBLAS_CORETYPE} from the environment
 * when it loads: the core-type policy ({@link OpenblasCoreType}, system property {@code rnn4j.native.coretype})
 * runs right before, and the fused passes' SIMD level can be forced lower with the system property
 * {@code rnn4j.native.simd} ({@code 512}, {@code 256} or {@code 0}: for tests of the narrower code paths).
 */
public final class NativeLibraryInfo {

    /** Base name of the JNI library, as in {@code lib<name>.so}. */
    public static final String LIBRARY_NAME = "jnirnn4j";

    /** The platform the library is built for. */
    public static final String BUILT_PLATFORM = "linux-x86_64";

    private static final Pattern OPENBLAS_VERSION = Pattern.compile("OpenBLAS\\s+(\\d+(?:\\.\\d+)+\\S*)");

    /** System property forcing the fused passes to a narrower SIMD level: 512, 256 or 0 (the x86-64 baseline). */
    public static final String SIMD_PROPERTY = "rnn4j.native.simd";

    private final boolean loaded;
    private final Throwable failure;
    private final String platform;
    private final String librarySource;
    private final String libraryFile;
    private final String openblasFile;
    private final String openblasConfig;
    private final String openblasCoreName;
    private final String openblasHeaderVersion;
    private final int openblasProcessors;
    private final int simdDispatchBits;
    private final int kernelSimdBits;
    private final OpenblasCoreType coreType;

    private NativeLibraryInfo(boolean loaded, Throwable failure, String platform, String librarySource,
                              String libraryFile, String openblasFile, String openblasConfig,
                              String openblasCoreName, String openblasHeaderVersion, int openblasProcessors,
                              int simdDispatchBits, int kernelSimdBits, OpenblasCoreType coreType) {
        this.loaded = loaded;
        this.failure = failure;
        this.platform = platform;
        this.librarySource = librarySource;
        this.libraryFile = libraryFile;
        this.openblasFile = openblasFile;
        this.openblasConfig = openblasConfig;
        this.openblasCoreName = openblasCoreName;
        this.openblasHeaderVersion = openblasHeaderVersion;
        this.openblasProcessors = openblasProcessors;
        this.simdDispatchBits = simdDispatchBits;
        this.kernelSimdBits = kernelSimdBits;
        this.coreType = coreType;
    }

    private static final class Holder {
        static final NativeLibraryInfo INSTANCE = attempt();
    }

    /** Loads the native library (once per JVM) and describes the result. Never throws. */
    public static NativeLibraryInfo load() {
        return Holder.INSTANCE;
    }

    /**
     * Loads the library if needed.
     *
     * @throws IllegalStateException if it cannot be loaded, with the reason
     */
    public static void requireLoaded() {
        NativeLibraryInfo info = load();
        if (!info.loaded) {
            throw new IllegalStateException("rnn4j native library is not available: " + info.failureReason(),
                    info.failure);
        }
    }

    private static NativeLibraryInfo attempt() {
        String missing = missingJar("org.bytedeco.javacpp.Loader", "JavaCPP (org.bytedeco:javacpp)");
        if (missing == null) {
            missing = missingJar("org.bytedeco.openblas.presets.openblas",
                    "the OpenBLAS preset (org.bytedeco:openblas)");
        }
        if (missing != null) {
            Throwable t = new UnsatisfiedLinkError(missing);
            return new NativeLibraryInfo(false, t, safePlatform(), null, null, null, null, null, null, 0, -1, -1, null);
        }
        String platform = safePlatform();
        String resource = platform + "/" + System.mapLibraryName(LIBRARY_NAME);
        URL url = NativeLibraryInfo.class.getResource(resource);
        String source = url == null ? null : url.toString();
        if (url == null) {
            Throwable t = new UnsatisfiedLinkError("no native library for platform " + platform
                    + " in the rnn4j-kernels-native jar (resource org/rnn4j/nativebackend/" + resource
                    + " not found); it is built for " + BUILT_PLATFORM + " only");
            return new NativeLibraryInfo(false, t, platform, null, null, null, null, null, null, 0, -1, -1, null);
        }
        OpenblasCoreType coreType = OpenblasCoreType.apply(); // before OpenBLAS loads: it reads the variable once
        try {
            String file = NativeBlasLibrary.LOADED_FROM;
            String config = NativeBlasLibrary.openblasConfig();
            String core = NativeBlasLibrary.openblasCoreName();
            String header = NativeBlasLibrary.openblasHeaderVersion();
            int procs = NativeBlasLibrary.openblasNumProcs();
            int simdBits = NativeBlasLibrary.simdDispatchBits();
            int kernelBits = NativeBlasLibrary.kernelSimdBits();
            String forced = System.getProperty(SIMD_PROPERTY);
            if (forced != null && !forced.isBlank()) {
                kernelBits = NativeBlasLibrary.forceKernelSimdBits(parseSimdBits(forced));
            }
            return new NativeLibraryInfo(true, null, platform, source, file, findOpenblasFile(),
                    config == null ? "" : config.trim(), core == null ? "" : core.trim(),
                    header == null ? "" : header.trim(), procs, simdBits, kernelBits, coreType);
        } catch (Throwable t) { // UnsatisfiedLinkError, ExceptionInInitializerError, NoClassDefFoundError ...
            Throwable cause = t instanceof ExceptionInInitializerError && t.getCause() != null ? t.getCause() : t;
            return new NativeLibraryInfo(false, cause, platform, source, null, null, null, null, null, 0, -1, -1,
                    coreType);
        }
    }

    private static int parseSimdBits(String s) {
        return switch (s.trim().toLowerCase(java.util.Locale.ROOT)) {
            case "512", "avx512", "avx-512" -> 512;
            case "256", "avx2" -> 256;
            case "0", "128", "sse2", "baseline" -> 0;
            default -> throw new IllegalArgumentException(SIMD_PROPERTY + ": expected 512, 256 or 0 but was " + s);
        };
    }

    private static String missingJar(String className, String what) {
        try {
            Class.forName(className, false, NativeLibraryInfo.class.getClassLoader());
            return null;
        } catch (ClassNotFoundException | LinkageError e) {
            return what + " is not on the class path (" + className + " not found); rnn4j-kernels-native needs it"
                    + " and its " + BUILT_PLATFORM + " classifier jar at run time";
        }
    }

    private static String safePlatform() {
        try {
            return Loader.getPlatform();
        } catch (Throwable t) {
            return System.getProperty("os.name") + "-" + System.getProperty("os.arch");
        }
    }

    private static String findOpenblasFile() {
        try {
            // JavaCPP may register the same file under several names (openblas, openblas_nolapack).
            String fallback = null;
            for (Map.Entry<String, String> e : Loader.getLoadedLibraries().entrySet()) {
                String path = e.getValue();
                if (path == null) {
                    continue;
                }
                if (path.matches(".*/libopenblas\\.so(\\.\\d+)*")) {
                    return path;
                }
                if (fallback == null && path.matches(".*/libopenblas[^/]*\\.so[^/]*")) {
                    fallback = path;
                }
            }
            return fallback;
        } catch (Throwable ignored) {
            // informational only
        }
        return null;
    }

    /**
     * The SIMD level the library's load-time dispatcher chose for its multiversioned code on this CPU:
     * 0 (x86-64 baseline), 256 (AVX2 + FMA) or 512 (AVX-512 F/BW/DQ/VL); -1 when not loaded.
     */
    public int simdDispatchBits() {
        return simdDispatchBits;
    }

    /**
     * The SIMD level the native backend's fused post-GEMM passes run at: the widest the CPU supports, unless
     * {@value #SIMD_PROPERTY} forced a lower one; -1 when not loaded.
     */
    public int kernelSimdBits() {
        return kernelSimdBits;
    }

    /** What the OpenBLAS core-type policy did before OpenBLAS loaded (see {@code docs/usage.md}), or null. */
    public String coreTypePolicy() {
        return coreType == null ? null : coreType.action();
    }

    /**
     * A warning when OpenBLAS runs kernels below what this CPU can do (an AVX2 core type on an AVX-512 CPU), saying
     * why and how to change it; null when there is nothing to say.
     */
    public String coreTypeWarning() {
        return coreType == null || !loaded ? null : coreType.warning(openblasCoreName);
    }

    /** A readable name of a {@link #simdDispatchBits()} value. */
    public static String simdDispatchName(int bits) {
        return switch (bits) {
            case 512 -> "AVX-512";
            case 256 -> "AVX2+FMA";
            case 0 -> "x86-64 baseline (SSE2)";
            default -> "unknown (" + bits + ")";
        };
    }

    /** Whether the native library and OpenBLAS are loaded and callable. */
    public boolean isLoaded() {
        return loaded;
    }

    /** Why loading failed ({@code "ExceptionType: message"}, with causes), or {@code null} when loaded. */
    public String failureReason() {
        if (failure == null) {
            return null;
        }
        StringBuilder sb = new StringBuilder();
        Throwable t = failure;
        for (int depth = 0; t != null && depth < 5; depth++, t = t.getCause() == t ? null : t.getCause()) {
            if (depth > 0) {
                sb.append("; caused by ");
            }
            sb.append(t.getClass().getSimpleName()).append(": ").append(t.getMessage());
        }
        return sb.toString();
    }

    /** The throwable that made loading fail, or {@code null} when loaded. */
    public Throwable failure() {
        return failure;
    }

    /** JavaCPP's platform name of this JVM, e.g. {@code linux-x86_64}. */
    public String platform() {
        return platform;
    }

    /**
     * Where the library was found on the class path: a {@code jar:file:...!/org/rnn4j/nativebackend/...}
     * URL when it comes from the kernels-native jar ({@code file:} when running from a build directory).
     */
    public String librarySource() {
        return librarySource;
    }

    /** Whether the library was taken from a jar (as opposed to a build directory). */
    public boolean loadedFromJar() {
        return librarySource != null && librarySource.startsWith("jar:");
    }

    /** The file the JNI library was loaded from (JavaCPP's cache copy), or {@code null} when not loaded. */
    public String libraryFile() {
        return libraryFile;
    }

    /** The OpenBLAS shared library file that was loaded, if known. */
    public String openblasFile() {
        return openblasFile;
    }

    /**
     * {@code openblas_get_config()}, e.g. {@code "OpenBLAS 0.3.31 DYNAMIC_ARCH NO_AFFINITY Cooperlake MAX_THREADS=64"}.
     */
    public String openblasConfig() {
        return openblasConfig;
    }

    /** The OpenBLAS version parsed from {@link #openblasConfig()}, e.g. {@code "0.3.31"}; {@code null} if unknown. */
    public String openblasVersion() {
        if (openblasConfig == null) {
            return null;
        }
        Matcher m = OPENBLAS_VERSION.matcher(openblasConfig);
        return m.find() ? m.group(1) : null;
    }

    /** {@code OPENBLAS_VERSION} of the headers the library was compiled against. */
    public String openblasHeaderVersion() {
        return openblasHeaderVersion;
    }

    /** {@code openblas_get_corename()}: the kernel set OpenBLAS picked for this CPU, e.g. {@code "Haswell"}. */
    public String openblasCoreName() {
        return openblasCoreName;
    }

    /** The number of processors OpenBLAS detected. */
    public int openblasProcessors() {
        return openblasProcessors;
    }

    /** OpenBLAS's current thread count ({@code openblas_get_num_threads()}), or 0 when not loaded. */
    public int openblasThreads() {
        return loaded ? NativeBlasLibrary.openblasNumThreads() : 0;
    }

    /**
     * Sets OpenBLAS's thread count for the whole process ({@code openblas_set_num_threads}). Package-private:
     * the count is process-global state, which the library sets per backend instance (native backend issue),
     * never users.
     *
     * @throws IllegalArgumentException if {@code threads < 1}
     * @throws IllegalStateException if the library is not loaded
     */
    static void setOpenblasThreads(int threads) {
        if (threads < 1) {
            throw new IllegalArgumentException("threads: expected >= 1 but was " + threads);
        }
        requireLoaded();
        NativeBlasLibrary.setOpenblasNumThreads(threads);
    }

    /** A few lines for humans ({@code ./rnn4j info}). */
    public String summary() {
        StringBuilder sb = new StringBuilder();
        if (!loaded) {
            sb.append("native library: not loaded (").append(failureReason()).append(")\n");
            return sb.toString();
        }
        sb.append("native library: loaded (").append(platform).append(")\n");
        sb.append("  file:     ").append(libraryFile).append('\n');
        sb.append("  from:     ").append(librarySource).append('\n');
        sb.append("  OpenBLAS: ").append(openblasVersion()).append(", core ").append(openblasCoreName)
                .append(", threads ").append(openblasThreads()).append('\n');
        sb.append("  config:   ").append(openblasConfig).append('\n');
        sb.append("  SIMD:     ").append(simdDispatchName(simdDispatchBits)).append(" (load-time dispatch); fused passes: ")
                .append(simdDispatchName(kernelSimdBits)).append('\n');
        sb.append("  policy:   ").append(coreTypePolicy()).append('\n');
        if (coreTypeWarning() != null) sb.append("  WARNING:  ").append(coreTypeWarning()).append('\n');
        if (openblasFile != null) {
            sb.append("  openblas: ").append(openblasFile).append('\n');
        }
        return sb.toString();
    }

    @Override
    public String toString() {
        return loaded
                ? "NativeLibraryInfo[loaded, OpenBLAS " + openblasVersion() + ", core " + openblasCoreName
                        + ", threads " + openblasThreads() + ", file " + libraryFile + "]"
                : "NativeLibraryInfo[not loaded: " + failureReason() + "]";
    }
}
