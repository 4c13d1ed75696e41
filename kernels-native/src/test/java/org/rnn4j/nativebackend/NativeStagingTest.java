package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.DynamicTest.dynamicTest;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.rnn4j.BackendOptions;
import org.rnn4j.DType;
import org.rnn4j.Rnn;

/**
 * The slower path for memory the C++ code cannot use in place ({@link Staging}): heap arrays (float[], double[];
 * the workspace wrapped over a long[]) and native segments at addresses that are not a multiple of the element
 * size give bit for bit the results of aligned off-heap segments, weights and weight gradients included.
 */
class NativeStagingTest {

    @TestFactory
    Stream<DynamicTest> heapAndMisalignedArgumentsGiveTheSameBits() {
        List<DynamicTest> tests = new ArrayList<>();
        long seed = 71;
        for (NativeRuns.Case c : NativeRuns.CASES) {
            for (DType dt : DType.values()) {
                long sd = seed++;
                NativeRuns.Memory heap = bytes -> bytes % 8 != 0 || bytes < 8
                        ? (dt == DType.F32 ? MemorySegment.ofArray(new float[(int) Math.max(1, bytes / 4)]) : MemorySegment.ofArray(new double[(int) Math.max(1, bytes / 8)]))
                        : dt == DType.F32 ? MemorySegment.ofArray(new float[(int) (bytes / 4)]) : MemorySegment.ofArray(new double[(int) (bytes / 8)]);
                tests.add(dynamicTest("heap " + c + " " + dt, () -> same(c, dt, sd, heap)));
                tests.add(dynamicTest("misaligned " + c + " " + dt, () -> {
                    try (Arena arena = Arena.ofShared()) {
                        same(c, dt, sd, bytes -> arena.allocate(bytes + 64, 64).asSlice(3, bytes));
                    }
                }));
            }
        }
        return tests.stream();
    }

    private static void same(NativeRuns.Case c, DType dt, long seed, NativeRuns.Memory memory) {
        Map<String, double[]> plain = NativeRuns.run("native", 2, c, dt, seed);
        NativeRuns.Data d = NativeRuns.data(c, dt, seed);
        Map<String, double[]> got;
        try (Rnn rnn = Rnn.create(d.cfg(), NativeRuns.weights(d, memory, dt), "native", BackendOptions.threads(2))) {
            got = NativeRuns.run(rnn, c, d, dt, memory);
        }
        for (var e : plain.entrySet()) assertArrayEquals(e.getValue(), got.get(e.getKey()), e.getKey());
    }
}
