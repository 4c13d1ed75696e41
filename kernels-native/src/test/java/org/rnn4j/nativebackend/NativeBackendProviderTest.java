package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import org.rnn4j.Backends;

/** The native provider is found through ServiceLoader and says exactly why it cannot run yet. */
class NativeBackendProviderTest {

    @Test
    void listedWithTheTrueReason() {
        Backends.Info info = Backends.list().stream().filter(i -> i.name().equals("native")).findFirst().orElseThrow();
        assertFalse(info.available());
        assertTrue(info.reason().startsWith("this build has no native RNN kernels yet"), info.reason());
        assertTrue(info.reason().contains("GEMM entry point"), info.reason());
    }

    @Test
    void noSilentFallback() {
        IllegalStateException e = assertThrows(IllegalStateException.class, () -> Backends.get("native"));
        assertTrue(e.getMessage().startsWith("backend 'native' is not available: this build has no native RNN kernels yet"),
                e.getMessage());
    }
}
