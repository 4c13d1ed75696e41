package org.rnn4j.tool;

import java.util.ArrayList;
import java.util.List;
import org.rnn4j.nativebackend.NativeLibraryInfo;

/**
 * The native library part of {@code info}: where {@code libjnirnn4j} was loaded from, the OpenBLAS it links
 * (version, configuration, core, threads). Kept in its own class so that a class path without the native jars
 * shows up as a line, not as a crash of {@code info}.
 */
final class NativeSection {
    private NativeSection() {}

    static List<String> lines() {
        List<String> out = new ArrayList<>();
        NativeLibraryInfo info;
        try {
            info = NativeLibraryInfo.load();
        } catch (LinkageError | RuntimeException e) {
            out.add("not loaded: rnn4j-kernels-native or its JavaCPP/OpenBLAS jars are missing from the class path ("
                    + e + ")");
            return out;
        }
        if (!info.isLoaded()) {
            out.add("not loaded: " + info.failureReason());
            if (info.librarySource() != null) out.add("resource:         " + info.librarySource());
            return out;
        }
        out.add("loaded " + (info.loadedFromJar() ? "from the jar" : "from a build directory") + " ("
                + info.platform() + ")");
        out.add("resource:         " + info.librarySource());
        out.add("file:             " + info.libraryFile());
        out.add("OpenBLAS version: " + nz(info.openblasVersion()) + " (headers: " + nz(info.openblasHeaderVersion())
                + ")");
        out.add("OpenBLAS config:  " + nz(info.openblasConfig()));
        out.add("OpenBLAS core:    " + nz(info.openblasCoreName()) + " (" + nz(info.coreTypePolicy()) + ")");
        if (info.coreTypeWarning() != null) out.add("WARNING:          " + info.coreTypeWarning());
        out.add("native SIMD:      " + NativeLibraryInfo.simdDispatchName(info.simdDispatchBits())
                + " selected by the library's load-time dispatch (multiversioned code)");
        out.add("fused passes:     " + NativeLibraryInfo.simdDispatchName(info.kernelSimdBits())
                + " (the native backend's post-GEMM passes and packed GEMM kernel, run-time dispatch"
                + (info.kernelSimdBits() < info.simdDispatchBits() ? "; forced lower by -D"
                + NativeLibraryInfo.SIMD_PROPERTY : "") + ")");
        out.add("OpenBLAS threads: " + info.openblasThreads() + " (processors seen: " + info.openblasProcessors()
                + "; OPENBLAS_NUM_THREADS=" + (System.getenv("OPENBLAS_NUM_THREADS") == null ? "unset"
                : System.getenv("OPENBLAS_NUM_THREADS")) + ")");
        if (info.openblasFile() != null) out.add("OpenBLAS file:    " + info.openblasFile());
        return out;
    }

    private static String nz(String s) {
        return s == null || s.isEmpty() ? "(unknown)" : s;
    }
}
