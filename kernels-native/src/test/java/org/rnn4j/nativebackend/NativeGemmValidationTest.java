package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

/**
 * Every validation rule of {@link NativeGemm}: the exception type, the message in the project's style
 * ({@code sgemm.a: expected X but was Y}, the rules of {@link org.rnn4j.spi.SegmentRules}), and that C is
 * untouched afterwards.
 */
class NativeGemmValidationTest {

    static final int M = 3, N = 4, K = 5;

    Arena arena;
    /** Valid row-major operands for M x K times K x N into M x N, minimal leading dimensions. */
    MemorySegment a, b, c, cBefore;
    MemorySegment ad, bd, cd, cdBefore;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        a = floats(M * K, 1);
        b = floats(K * N, 2);
        c = floats(M * N, 3);
        cBefore = arena.allocate(c.byteSize()).copyFrom(c);
        ad = doubles(M * K, 1);
        bd = doubles(K * N, 2);
        cd = doubles(M * N, 3);
        cdBefore = arena.allocate(cd.byteSize()).copyFrom(cd);
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    MemorySegment floats(int count, int seed) {
        MemorySegment s = arena.allocate((long) count * Float.BYTES, 64);
        for (int i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_FLOAT, i, seed + 0.25f * i);
        }
        return s;
    }

    MemorySegment doubles(int count, int seed) {
        MemorySegment s = arena.allocate((long) count * Double.BYTES, 64);
        for (int i = 0; i < count; i++) {
            s.setAtIndex(ValueLayout.JAVA_DOUBLE, i, seed + 0.25 * i);
        }
        return s;
    }

    /** Asserts an IllegalArgumentException whose message contains every fragment, and C untouched. */
    void rejects(Executable call, String... fragments) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().matches("[sd]gemm\\.\\w+: expected .* but .*"),
                () -> "not in the style 'op.arg: expected X but Y': " + e.getMessage());
        for (String f : fragments) {
            assertTrue(e.getMessage().contains(f), () -> "message lacks \"" + f + "\": " + e.getMessage());
        }
        assertEquals(-1L, c.mismatch(cBefore), "float C was modified");
        assertEquals(-1L, cd.mismatch(cdBefore), "double C was modified");
    }

    void sgemm(int m, int n, int k, MemorySegment a, int lda, MemorySegment b, int ldb, MemorySegment c, int ldc) {
        NativeGemm.sgemm(false, false, m, n, k, 1f, a, lda, b, ldb, 0.5f, c, ldc);
    }

    // --- sanity: the baseline call is valid -------------------------------------------------------

    @Test
    void baselineIsValid() {
        sgemm(M, N, K, a, K, b, N, c, N);
        NativeGemm.dgemm(false, false, M, N, K, 1.0, ad, K, bd, N, 0.5, cd, N);
        // C = A*B + 0.5*C0, check one element exactly: C[0][0]
        double want = 0;
        for (int p = 0; p < K; p++) {
            want += (1 + 0.25 * p) * (2 + 0.25 * (p * N));
        }
        want += 0.5 * 3;
        assertEquals(want, cd.getAtIndex(ValueLayout.JAVA_DOUBLE, 0), 1e-12);
        assertEquals(want, c.getAtIndex(ValueLayout.JAVA_FLOAT, 0), 1e-4);
    }

    // --- sizes ------------------------------------------------------------------------------------

    @Test
    void negativeM() {
        rejects(() -> sgemm(-1, N, K, a, K, b, N, c, N), "sgemm.m: expected >= 0 but was -1");
    }

    @Test
    void negativeN() {
        rejects(() -> sgemm(M, -2, K, a, K, b, N, c, N), "sgemm.n: expected >= 0 but was -2");
    }

    @Test
    void negativeK() {
        rejects(() -> NativeGemm.dgemm(false, false, M, N, -3, 1, ad, K, bd, N, 0, cd, N),
                "dgemm.k: expected >= 0 but was -3");
    }

    // --- segments ---------------------------------------------------------------------------------

    @Test
    void nullSegments() {
        rejects(() -> sgemm(M, N, K, null, K, b, N, c, N), "sgemm.a: expected a native (off-heap) segment of float32 elements but was null");
        rejects(() -> sgemm(M, N, K, a, K, null, N, c, N), "sgemm.b: expected a native (off-heap) segment of float32 elements but was null");
        rejects(() -> sgemm(M, N, K, a, K, b, N, null, N), "sgemm.c: expected a native (off-heap) segment of float32 elements but was null");
    }

    @Test
    void heapSegmentsRejected() {
        MemorySegment heapA = MemorySegment.ofArray(new float[M * K]);
        MemorySegment heapB = MemorySegment.ofArray(new float[K * N]);
        float[] heapCArray = new float[M * N];
        MemorySegment heapC = MemorySegment.ofArray(heapCArray);
        rejects(() -> sgemm(M, N, K, heapA, K, b, N, c, N),
                "sgemm.a: expected a native (off-heap) segment, allocated with an Arena, but was a heap segment of 60 bytes");
        rejects(() -> sgemm(M, N, K, a, K, heapB, N, c, N), "sgemm.b: expected a native (off-heap) segment", "but was a heap segment");
        rejects(() -> sgemm(M, N, K, a, K, b, N, heapC, N), "sgemm.c: expected a native (off-heap) segment", "but was a heap segment");
        for (float x : heapCArray) {
            assertEquals(0f, x);
        }
        rejects(() -> NativeGemm.dgemm(false, false, M, N, K, 1, MemorySegment.ofArray(new double[M * K]), K,
                bd, N, 0, cd, N), "dgemm.a: expected a native (off-heap) segment", "but was a heap segment of 120 bytes");
    }

    @Test
    void closedSegmentsRejected() {
        Arena other = Arena.ofConfined();
        MemorySegment closedA = other.allocate((long) M * K * Float.BYTES, 64);
        MemorySegment closedC = other.allocate((long) M * N * Float.BYTES, 64);
        other.close();
        rejects(() -> sgemm(M, N, K, closedA, K, b, N, c, N),
                "sgemm.a: expected a live segment but its arena is closed");
        rejects(() -> sgemm(M, N, K, a, K, b, N, closedC, N),
                "sgemm.c: expected a live segment but its arena is closed");
    }

    @Test
    void segmentConfinedToAnotherThreadRejected() throws Exception {
        AtomicReference<MemorySegment> foreign = new AtomicReference<>();
        CountDownLatch allocated = new CountDownLatch(1);
        CountDownLatch done = new CountDownLatch(1);
        Thread owner = new Thread(() -> {
            try (Arena own = Arena.ofConfined()) {
                foreign.set(own.allocate((long) K * N * Float.BYTES, 64));
                allocated.countDown();
                done.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "segment-owner");
        owner.start();
        try {
            allocated.await();
            rejects(() -> sgemm(M, N, K, a, K, foreign.get(), N, c, N),
                    "sgemm.b: expected a segment accessible by the calling thread but it is confined to another "
                            + "thread");
        } finally {
            done.countDown();
            owner.join();
        }
    }

    @Test
    void misalignedSegmentsRejected() {
        MemorySegment raw = arena.allocate((long) M * K * Float.BYTES + 8, 64);
        MemorySegment odd = raw.asSlice(2, (long) M * K * Float.BYTES);
        rejects(() -> sgemm(M, N, K, odd, K, b, N, c, N),
                "sgemm.a: expected an address aligned to 4 bytes but was 0x");
        MemorySegment rawD = arena.allocate((long) M * N * Double.BYTES + 8, 64);
        MemorySegment oddD = rawD.asSlice(4, (long) M * N * Double.BYTES);
        rejects(() -> NativeGemm.dgemm(false, false, M, N, K, 1, ad, K, bd, N, 0, oddD, N),
                "dgemm.c: expected an address aligned to 8 bytes but was 0x");
    }

    @Test
    void readOnlyOutputRejected() {
        rejects(() -> sgemm(M, N, K, a, K, b, N, c.asReadOnly(), N),
                "sgemm.c: expected a writable segment but it is read-only");
    }

    // --- leading dimensions -----------------------------------------------------------------------

    @Test
    void ldaTooSmall() {
        rejects(() -> sgemm(M, N, K, a, K - 1, b, N, c, N),
                "sgemm.lda: expected >= 5 (max(1, row width) for A stored M x K (transA=false), M=3 K=5) but was 4");
        // transA: A is stored K x M, so lda >= M
        rejects(() -> NativeGemm.sgemm(true, false, M, N, K, 1f, a, M - 1, b, N, 0f, c, N),
                "sgemm.lda: expected >= 3", "A stored K x M (transA=true)", "but was 2");
    }

    @Test
    void ldbTooSmall() {
        rejects(() -> sgemm(M, N, K, a, K, b, N - 1, c, N),
                "sgemm.ldb: expected >= 4", "B stored K x N (transB=false)", "but was 3");
        rejects(() -> NativeGemm.sgemm(false, true, M, N, K, 1f, a, K, b, K - 1, 0f, c, N),
                "sgemm.ldb: expected >= 5", "B stored N x K (transB=true)", "but was 4");
    }

    @Test
    void ldcTooSmall() {
        rejects(() -> sgemm(M, N, K, a, K, b, N, c, N - 1),
                "sgemm.ldc: expected >= 4", "C stored M x N", "but was 3");
    }

    @Test
    void ldAtLeastOneEvenForEmptyRows() {
        rejects(() -> sgemm(M, 0, K, a, K, b, 0, c, 1), "sgemm.ldb: expected >= 1", "but was 0");
        rejects(() -> sgemm(M, 0, K, a, K, b, 1, c, 0), "sgemm.ldc: expected >= 1", "but was 0");
    }

    // --- segment sizes ----------------------------------------------------------------------------

    @Test
    void aTooSmall() {
        MemorySegment small = a.asSlice(0, a.byteSize() - Float.BYTES);
        rejects(() -> sgemm(M, N, K, small, K, b, N, c, N),
                "sgemm.a: expected at least 15 float32 elements (60 bytes) for A stored M x K (transA=false): "
                        + "(rows-1)*lda+width with 3 rows of 5, lda=5 but the segment has 56 bytes (14 elements)");
    }

    @Test
    void aTooSmallForPaddedLd() {
        // lda = 7: (M-1)*7 + K = 19 floats are addressed; the 15-float segment is too small.
        rejects(() -> sgemm(M, N, K, a, 7, b, N, c, N),
                "sgemm.a: expected at least 19 float32 elements (76 bytes)", "lda=7",
                "but the segment has 60 bytes (15 elements)");
    }

    @Test
    void bTooSmall() {
        rejects(() -> NativeGemm.dgemm(false, false, M, N, K, 1, ad, K, bd.asSlice(0, 8), N, 0, cd, N),
                "dgemm.b: expected at least 20 float64 elements (160 bytes)",
                "but the segment has 8 bytes (1 elements)");
    }

    @Test
    void cTooSmall() {
        MemorySegment small = c.asSlice(0, c.byteSize() - 1);
        rejects(() -> sgemm(M, N, K, a, K, b, N, small, N),
                "sgemm.c: expected at least 12 float32 elements (48 bytes)",
                "but the segment has 47 bytes (11 elements)");
        rejects(() -> sgemm(M, N, K, a, K, b, N, c, N + 1), "sgemm.c: expected at least 14 float32 elements", "ldc=5");
    }

    @Test
    void exactlySizedAndOversizedSegmentsAccepted() {
        MemorySegment big = arena.allocate(1024, 64);
        sgemm(M, N, K, a, K, b, N, big, N);
        sgemm(M, N, K, a, K, b, N, c, N);
    }

    // --- overlap ----------------------------------------------------------------------------------

    @Test
    void outputOverlappingInputRejected() {
        MemorySegment shared = floats(64, 9);
        MemorySegment aIn = shared.asSlice(0, (long) M * K * Float.BYTES);               // floats [0, 15)
        MemorySegment cOut = shared.asSlice(14L * Float.BYTES, (long) M * N * Float.BYTES); // floats [14, 26)
        MemorySegment sharedBefore = arena.allocate(shared.byteSize()).copyFrom(shared);
        rejects(() -> sgemm(M, N, K, aIn, K, b, N, cOut, N),
                "sgemm.c: expected memory disjoint from a but the two overlap");
        rejects(() -> sgemm(M, N, K, a, K, shared.asSlice(20L * Float.BYTES, (long) K * N * Float.BYTES), N,
                shared.asSlice(30L * Float.BYTES, (long) M * N * Float.BYTES), N),
                "sgemm.c: expected memory disjoint from b but the two overlap");
        assertEquals(-1L, shared.mismatch(sharedBefore), "shared buffer was modified");
    }

    @Test
    void adjacentAndAliasedInputsAccepted() {
        MemorySegment shared = floats(64, 9);
        // C directly after A: adjacent, not overlapping.
        sgemm(M, N, K, shared.asSlice(0, 15L * Float.BYTES), K, b, N,
                shared.asSlice(15L * Float.BYTES, 12L * Float.BYTES), N);
        // A and B may alias each other: square S*S^T.
        MemorySegment s = floats(16, 1);
        MemorySegment out = arena.allocate(16L * Float.BYTES, 64);
        NativeGemm.sgemm(false, true, 4, 4, 4, 1f, s, 4, s, 4, 0f, out, 4);
        double want01 = 0;
        for (int p = 0; p < 4; p++) {
            want01 += (1 + 0.25 * p) * (1 + 0.25 * (4 + p));
        }
        assertEquals(want01, out.getAtIndex(ValueLayout.JAVA_FLOAT, 1), 1e-4);
    }

    @Test
    void emptyProblemsAreNoOps() {
        MemorySegment empty = arena.allocate(0, 64);
        sgemm(0, 0, 0, empty, 1, empty, 1, empty, 1);
        sgemm(0, N, K, empty, K, b, N, empty, N);
        sgemm(M, 0, K, a, K, empty, 1, empty, 1);
        NativeGemm.dgemm(false, false, 0, N, K, 1, MemorySegment.NULL, K, bd, N, 0, cd, N);
        assertEquals(-1L, cd.mismatch(cdBefore));
    }

    @Test
    void requiredElements() {
        assertEquals(0, NativeGemm.requiredElements(0, 5, 5));
        assertEquals(0, NativeGemm.requiredElements(5, 0, 1));
        assertEquals(19, NativeGemm.requiredElements(3, 5, 7));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> NativeGemm.requiredElements(3, 5, 4));
        assertEquals("ld: expected >= max(1, width) = 5 but was 4", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NativeGemm.requiredElements(-1, 5, 5));
        assertEquals("rows: expected >= 0 but was -1", e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> NativeGemm.requiredElements(2, -3, 5));
        assertEquals("width: expected >= 0 but was -3", e.getMessage());
    }
}
