package org.rnn4j.bench.jmh;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.SplittableRandom;
import org.rnn4j.nativebackend.NativeGemm;
import org.rnn4j.nativebackend.NativeLibraryInfo;

/**
 * The OpenBLAS roofline: a square {@code C = A·B} of {@code size} through the project's JavaCPP OpenBLAS
 * ({@link NativeGemm#sgemm}/{@link NativeGemm#dgemm}) on off-heap memory made and filled once.
 *
 * <p>OpenBLAS reads its thread count ({@code OPENBLAS_NUM_THREADS}) and kernels ({@code OPENBLAS_CORETYPE}) from
 * the environment once, when it loads, and only {@code kernels-native} may change the count afterwards. So this
 * class does not set it: it checks that OpenBLAS runs the threads asked for and fails, saying how to run it,
 * when it does not.
 */
public final class OpenblasGemm implements AutoCloseable {
    private final Arena arena = Arena.ofShared();
    private final boolean f64;
    private final int size;
    private final MemorySegment a;
    private final MemorySegment b;
    private final MemorySegment c;

    public OpenblasGemm(boolean f64, int size, int threads, long seed) {
        requireThreads(threads);
        this.f64 = f64;
        this.size = size;
        long n = (long) size * size;
        int e = f64 ? Double.BYTES : Float.BYTES;
        SplittableRandom rnd = new SplittableRandom(seed);
        a = arena.allocate(n * e, 64);
        b = arena.allocate(n * e, 64);
        c = arena.allocate(n * e, 64);
        for (MemorySegment s : new MemorySegment[] {a, b}) {
            for (long i = 0; i < n; i++) {
                if (f64) s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, 2 * rnd.nextDouble() - 1);
                else s.setAtIndex(ValueLayout.JAVA_FLOAT, i, (float) (2 * rnd.nextDouble() - 1));
            }
        }
    }

    /**
     * The loaded native library, after checking that OpenBLAS runs {@code threads} threads in this process.
     *
     * @throws IllegalStateException when the library does not load or runs another thread count (with the fix)
     */
    public static NativeLibraryInfo requireThreads(int threads) {
        NativeLibraryInfo info = NativeLibraryInfo.load();
        if (!info.isLoaded()) {
            throw new IllegalStateException("the native library (OpenBLAS) did not load: " + info.failureReason());
        }
        if (info.openblasThreads() != threads) {
            String env = System.getenv("OPENBLAS_NUM_THREADS");
            throw new IllegalStateException("OpenBLAS runs " + info.openblasThreads() + " threads in this JVM "
                    + "(OPENBLAS_NUM_THREADS=" + (env == null ? "unset" : env) + ") but " + threads + " were asked: "
                    + "OpenBLAS reads its thread count once, when it loads, from the environment, which JMH forks "
                    + "inherit; run with OPENBLAS_NUM_THREADS=" + threads + " in the environment");
        }
        return info;
    }

    /** One {@code C = A·B}. */
    public void run() {
        if (f64) NativeGemm.dgemm(false, false, size, size, size, 1, a, size, b, size, 0, c, size);
        else NativeGemm.sgemm(false, false, size, size, size, 1, a, size, b, size, 0, c, size);
    }

    @Override
    public void close() {
        arena.close();
    }
}
