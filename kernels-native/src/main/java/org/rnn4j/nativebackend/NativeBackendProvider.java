package org.rnn4j.nativebackend;

import org.rnn4j.BackendOptions;
import org.rnn4j.spi.BackendProvider;
import org.rnn4j.spi.RnnBackend;

/**
 * Registers the {@code native} backend with {@link org.rnn4j.Backends}. The foundation build ships the JNI
 * library with its GEMM entry point ({@link NativeGemm}) only, so the backend reports itself unavailable
 * with that reason rather than falling back to another backend.
 *
 * <p>The probe does not load the library: listing backends must not load OpenBLAS, which reads its
 * environment (core type, threads) once, at load time, before the backend can configure it.
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
        return "this build has no native RNN kernels yet: the native library provides the GEMM entry point "
                + "(org.rnn4j.nativebackend.NativeGemm) only ('./rnn4j info' shows whether it loads here)";
    }

    @Override
    public RnnBackend create(BackendOptions options) {
        throw new IllegalStateException("backend 'native' is not available: " + unavailableReason());
    }
}
