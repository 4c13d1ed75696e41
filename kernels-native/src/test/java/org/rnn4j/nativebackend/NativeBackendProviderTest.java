package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.spi.Cpu;
import org.rnn4j.spi.RnnBackend;

/** The native provider is found through ServiceLoader, available where its library loads, and says what runs. */
class NativeBackendProviderTest {

    @Test
    void listedAsAvailable() {
        Backends.Info info = Backends.list().stream().filter(i -> i.name().equals("native")).findFirst().orElseThrow();
        assertTrue(info.available(), () -> "native: " + info.reason());
        assertNull(new NativeBackendProvider().unavailableReason());
    }

    @Test
    void getReturnsANativeBackendWithTheDefaultThreads() {
        try (RnnBackend b = Backends.get("native")) {
            assertEquals("native", b.name());
            assertEquals(Cpu.physicalCores(), ((NativeBackend) b).threads());
        }
        try (RnnBackend b = Backends.get("native", BackendOptions.threads(3))) {
            assertEquals(3, ((NativeBackend) b).threads());
        }
    }

    @Test
    void detailsNameTheOpenblasCoreThePassesAndTheThreads() {
        String d = Backends.details("native");
        NativeLibraryInfo info = NativeLibraryInfo.load();
        assertTrue(d.contains("OpenBLAS " + info.openblasVersion() + " core " + info.openblasCoreName()), d);
        assertTrue(d.contains("fused post-GEMM passes: " + NativeLibraryInfo.simdDispatchName(info.kernelSimdBits())), d);
        assertTrue(d.contains("threads: " + Cpu.physicalCores() + " by default"), d);
        if (info.coreTypeWarning() != null) assertTrue(d.contains("WARNING: " + info.coreTypeWarning()), d);
    }

    @Test
    void closeIsIdempotent() {
        RnnBackend b = Backends.get("native");
        b.close();
        b.close();
    }
}
