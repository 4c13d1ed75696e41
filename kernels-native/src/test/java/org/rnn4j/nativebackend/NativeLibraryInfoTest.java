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

    /**
     * The library's load-time dispatcher must pick the widest level this CPU supports, as the kernel reports
     * it in /proc/cpuinfo: this fails if the multiversioned build or its link (-lgcc) regresses.
     */
    @Test
    void simdDispatchMatchesTheCpu() throws java.io.IOException {
        java.util.Set<String> flags = new java.util.HashSet<>();
        for (String line : java.nio.file.Files.readAllLines(java.nio.file.Path.of("/proc/cpuinfo"))) {
            if (line.startsWith("flags")) {
                flags.addAll(java.util.List.of(line.substring(line.indexOf(':') + 1).trim().split("\\s+")));
                break;
            }
        }
        int expected = flags.containsAll(java.util.List.of("avx512f", "avx512bw", "avx512dq", "avx512vl")) ? 512
                : flags.containsAll(java.util.List.of("avx2", "fma")) ? 256 : 0;
        assertEquals(expected, NativeLibraryInfo.load().simdDispatchBits(), "flags: " + flags);
    }

    /** The fused passes run at the CPU's level, or at the level rnn4j.native.simd forces (never wider than the CPU's). */
    @Test
    void kernelSimdLevel() {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        int cpu = info.simdDispatchBits();
        String forced = System.getProperty(NativeLibraryInfo.SIMD_PROPERTY);
        int expected = forced == null ? cpu : Math.min(cpu, Integer.parseInt(forced));
        assertEquals(expected, info.kernelSimdBits());
        assertTrue(info.summary().contains("fused passes: " + NativeLibraryInfo.simdDispatchName(expected)), info.summary());
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
        assertTrue(e.getMessage().contains("threads: expected >= 1 but was 0"), e.getMessage());
    }
}
