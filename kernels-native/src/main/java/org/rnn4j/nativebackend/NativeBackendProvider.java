package org.rnn4j.nativebackend;

import org.rnn4j.BackendOptions;
import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.RnnBackend;

/**
 * Registers the {@code native} backend with {@link org.rnn4j.Backends}. Its availability answers two
 * questions in order: does the JNI library (with OpenBLAS) load on this machine, and does this build contain
 * the native RNN kernels. The foundation build ships the library with its GEMM entry point
 * ({@link NativeGemm}) only, so the backend reports itself unavailable with that reason rather than falling
 * back to another backend.
 */
public final class NativeBackendProvider implements BackendProvider {
    @Override
    public String name() {
        return "native";
    }

    @Override
    public String unavailableReason() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        if (!info.isLoaded()) return "the native library did not load: " + info.failureReason();
        return "the native library loads (OpenBLAS " + info.openblasVersion() + ", " + info.openblasCoreName()
                + " kernels) but this build has no native RNN kernels yet: it provides the GEMM entry point "
                + "(org.rnn4j.nativebackend.NativeGemm) only";
    }

    @Override
    public RnnBackend create(BackendOptions options) {
        throw new IllegalStateException("backend 'native' is not available: " + unavailableReason());
    }
}
