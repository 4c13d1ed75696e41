package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;

import org.junit.jupiter.api.Test;

class NativeLibraryInfoTest {

    @Test
    void libraryLoads() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        assertTrue(info.isLoaded(), () -> "native library not loaded: " + info.failureReason());
        assertNull(info.failureReason());
        assertNull(info.failure());
        assertEquals(NativeLibraryInfo.BUILT_PLATFORM, info.platform());
        assertNotNull(info.libraryFile());
        assertTrue(info.libraryFile().endsWith("/libjnirnn4j.so"), info.libraryFile());
        assertTrue(new File(info.libraryFile()).isFile(), info.libraryFile());
        assertNotNull(info.librarySource());
        assertTrue(info.librarySource().endsWith("org/rnn4j/nativebackend/linux-x86_64/libjnirnn4j.so"),
                info.librarySource());
        System.out.print(info.summary());
    }

    @Test
    void loadIsIdempotent() {
        assertSame(NativeLibraryInfo.load(), NativeLibraryInfo.load());
        NativeLibraryInfo.requireLoaded();
    }

    @Test
    void openblasConfigAndVersion() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        assertTrue(info.openblasConfig().contains("OpenBLAS"), info.openblasConfig());
        assertEquals("0.3.31", info.openblasVersion(), info.openblasConfig());
        assertTrue(info.openblasHeaderVersion().contains("0.3.31"), info.openblasHeaderVersion());
        assertNotNull(info.openblasCoreName());
        assertTrue(!info.openblasCoreName().isBlank(), "empty core name");
        assertTrue(info.openblasProcessors() >= 1, "processors " + info.openblasProcessors());
    }

    @Test
    void threadsQueryAndSet() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        int before = info.openblasThreads();
        assertTrue(before >= 1, "threads " + before);
        try {
            NativeLibraryInfo.setOpenblasThreads(1);
            assertEquals(1, info.openblasThreads());
        } finally {
            NativeLibraryInfo.setOpenblasThreads(before);
        }
        assertEquals(before, info.openblasThreads());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeLibraryInfo.setOpenblasThreads(0));
        assertTrue(e.getMessage().contains("threads: expected >= 1, given 0"), e.getMessage());
    }
}
