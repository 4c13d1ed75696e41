package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.bench.jmh.Flops;
import org.rnn4j.bench.jmh.Shapes;

/**
 * The JMH suite as compiled: the benchmark list the annotation processor writes (META-INF/BenchmarkList; the shaded
 * jar is checked by {@link BenchmarkJarIT} after the package phase), and the flop convention.
 */
class BenchmarkJarTest {
    static final List<String> BENCHMARKS = List.of("org.rnn4j.bench.jmh.RnnBenchmark", "org.rnn4j.bench.jmh.GemmBenchmark",
            "org.rnn4j.bench.jmh.DeepBenchBenchmark");

    @Test
    void theAnnotationProcessorListedEveryBenchmark() throws IOException {
        try (InputStream in = BenchmarkJarTest.class.getResourceAsStream("/META-INF/BenchmarkList")) {
            assertTrue(in != null, "META-INF/BenchmarkList is missing: the JMH annotation processor did not run");
            String list = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (String b : BENCHMARKS) assertTrue(list.contains(b), b + " in\n" + list);
            assertTrue(list.contains("--add-modules=jdk.incubator.vector"), "the forks' flags are in the list");
        }
    }

    @Test
    void flopConventionAndShapes() {
        assertEquals(50, Shapes.parse("DB4").T());
        assertEquals(2.0 * 100 * 64 * 1024 * 4 * 512, Flops.of("org.rnn4j.bench.jmh.RnnBenchmark.run",
                java.util.Map.of("cell", "lstm", "mode", "fwd", "shape", "A")));
        assertEquals(3 * 2.0 * 100 * 64 * 1024 * 4 * 512, Flops.of("x.RnnBenchmark.run",
                java.util.Map.of("cell", "lstm", "mode", "fwdbwd", "shape", "A")));
        assertEquals(2.0 * 64 * 1024 * 3 * 512, Flops.of("x.RnnBenchmark.run",
                java.util.Map.of("cell", "gru", "mode", "step", "shape", "A")), "step: T = 1");
        assertEquals(3 * 2.0 * 50 * 16 * 3520 * 1760, Flops.of("x.DeepBenchBenchmark.run",
                java.util.Map.of("cell", "deepbench", "mode", "fwdbwd", "shape", "DB4")), "DeepBench's vanilla RNN");
        assertEquals(2.0 * 2048 * 2048 * 2048, Flops.of("x.GemmBenchmark.gemm", java.util.Map.of("size", "2048")));
        assertEquals(8, Shapes.parse("8x4x32x32").T());
        assertTrue(Double.isNaN(Flops.of("x.Other.run", java.util.Map.of())));
    }
}
