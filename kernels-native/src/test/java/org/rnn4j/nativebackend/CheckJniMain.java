package org.rnn4j.nativebackend;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Map;
import org.rnn4j.DType;

/**
 * The work {@link NativeCheckJniTest} runs in a JVM started with {@code -Xcheck:jni}: every JNI entry point of the
 * library (load and queries, the GEMM, the backend's team, plans, weight packing and all four calls, on native
 * segments and through the staging path), then prints {@code check-jni: done}.
 */
public final class CheckJniMain {
    private CheckJniMain() {}

    public static void main(String[] args) {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        if (!info.isLoaded()) throw new IllegalStateException(info.failureReason());
        System.out.print(info.summary());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(4 * 6, 64), b = arena.allocate(4 * 6, 64), c = arena.allocate(4 * 4, 64);
            NativeGemm.sgemm(false, false, 2, 2, 3, 1f, a, 3, b, 2, 0f, c, 2);
        }
        for (NativeRuns.Case k : NativeRuns.CASES) {
            for (DType dt : DType.values()) {
                Map<String, double[]> r = NativeRuns.run("native", 2, k, dt, 3);
                if (r.isEmpty()) throw new IllegalStateException("no results");
            }
        }
        NativeRuns.Case k = NativeRuns.CASES[0];
        NativeRuns.Data d = NativeRuns.data(k, DType.F32, 4);
        try (org.rnn4j.Rnn rnn = org.rnn4j.Rnn.create(d.cfg(), NativeRuns.weights(d, bytes ->
                MemorySegment.ofArray(new float[(int) Math.max(1, bytes / 4)]), DType.F32), "native")) {
            NativeRuns.run(rnn, k, d, DType.F32, bytes -> MemorySegment.ofArray(new float[(int) Math.max(2, (bytes + 3) / 4)]));
        }
        System.out.println("check-jni: done");
    }
}
