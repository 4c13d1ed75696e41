package org.rnn4j.nativebackend;

import org.rnn4j.BackendOptions;
import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.Cpu;
import org.rnn4j.spi.RnnBackend;

/**
 * Registers the {@code native} backend with {@link org.rnn4j.Backends}. Available when this jar holds the JNI
 * library for the platform and it loads (with OpenBLAS); otherwise {@link #unavailableReason()} says why.
 *
 * <p>The probe loads the library: before it does, {@link NativeLibraryInfo} applies the OpenBLAS core-type
 * policy (OpenBLAS reads {@code OPENBLAS_CORETYPE} once, when it loads), so the kernels OpenBLAS picks do not
 * depend on who loads it first.
 */
public final class NativeBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "native";
    }

    @Override
    public String unavailableReason() {
        String resource = NativeLibraryInfo.BUILT_PLATFORM + "/" + System.mapLibraryName(NativeLibraryInfo.LIBRARY_NAME);
        if (NativeBackendProvider.class.getResource(resource) == null) {
            return "this jar has no native library for this platform (it is built for "
                    + NativeLibraryInfo.BUILT_PLATFORM + " only)";
        }
        NativeLibraryInfo info = NativeLibraryInfo.load();
        if (!info.isLoaded()) return "the native library did not load: " + info.failureReason();
        return null;
    }

    @Override
    public String details() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        StringBuilder sb = new StringBuilder();
        int bits = info.kernelSimdBits();
        boolean blas = "openblas".equalsIgnoreCase(System.getProperty(NativeBackend.GEMM_PROPERTY, "").trim());
        String kernel = "packed C++ kernel " + (bits >= 512 ? "6x32 floats / 6x16 doubles"
                : bits >= 256 ? "3x32 floats / 3x16 doubles" : "1x32 floats / 1x16 doubles")
                + " (weights packed once)";
        String openblas = "OpenBLAS " + info.openblasVersion() + " core " + info.openblasCoreName();
        sb.append("C++ kernels; GEMMs: ")
                .append(blas ? openblas + ", one OpenBLAS thread per team member (" + NativeBackend.GEMM_PROPERTY
                        + "=openblas)" : kernel + "; " + openblas + " with -D" + NativeBackend.GEMM_PROPERTY + "=openblas")
                .append("; fused post-GEMM passes: ")
                .append(NativeLibraryInfo.simdDispatchName(bits))
                .append(" (run-time dispatch); threads: ").append(Cpu.physicalCores())
                .append(" by default (physical cores); heap arrays: staged through native copies");
        String warning = info.coreTypeWarning();
        if (warning != null) sb.append("; WARNING: ").append(warning);
        return sb.toString();
    }

    @Override
    public RnnBackend create(BackendOptions options) {
        int threads = options.threads() == 0 ? Cpu.physicalCores() : options.threads();
        return new NativeBackend(threads);
    }
}
