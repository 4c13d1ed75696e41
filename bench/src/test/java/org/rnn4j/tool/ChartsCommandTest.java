package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code charts} on a small JMH fixture (a real short run of the suite) and a few peers' bench lines. */
class ChartsCommandTest {
    @TempDir
    Path dir;

    private Path fixture() throws IOException {
        Path p = dir.resolve("small.json");
        try (InputStream in = ChartsCommandTest.class.getResourceAsStream("/jmh/small.json")) {
            Files.copy(in, p);
        }
        return p;
    }

    private static final String PEERS = """
            peer torch: something that is not a bench line
            bench: backend=torch cell=lstm mode=fwd dtype=f32 T=25 N=16 I=256 H=256 threads=1 median_ms=4.0 gflops=104.8 min_ms=3.9 q1_ms=3.95 q3_ms=4.1 max_ms=4.2 samples=20 warmup_calls=50 warmup_s=3.0 settled=yes
            bench: backend=onnxruntime cell=lstm mode=fwd dtype=f32 T=100 N=1 I=512 H=512 threads=1 median_ms=7.0 gflops=59.9 min_ms=6.9 q1_ms=6.95 q3_ms=7.1 max_ms=7.2 samples=20 warmup_calls=50 warmup_s=3.0 settled=yes
            bench: backend=openblas op=sgemm dtype=f32 M=2048 N=2048 K=2048 threads=1 median_ms=90 gflops=190.9 min_ms=89 q1_ms=89.5 q3_ms=91 max_ms=92 samples=20 warmup_calls=30 warmup_s=3.0 settled=yes core=SkylakeX
            bench: backend=peak op=fma dtype=f32 threads=1 median_ms=4.5 gflops=223.0 min_ms=4.4 q1_ms=4.45 q3_ms=4.6 max_ms=4.7 samples=20 warmup_calls=500 warmup_s=3.0 settled=yes bits=512
            """;

    @Test
    void drawsThePngsFromJmhAndPeers() throws IOException {
        Path peers = dir.resolve("peers.txt");
        Files.writeString(peers, PEERS);
        Path out = dir.resolve("img");
        ToolRun run = ToolRun.of("charts", "--jmh", fixture().toString(), "--peers", peers.toString(), "--out",
                out.toString(), "--width", "800", "--height", "450");
        assertEquals(0, run.exitCode(), run.toString());
        for (String name : List.of("gflops-by-shape.png", "batch1-latency.png", "threads.png")) {
            Path png = out.resolve(name);
            assertTrue(Files.isRegularFile(png), name + "\n" + run);
            BufferedImage img = ImageIO.read(png.toFile());
            assertEquals(800, img.getWidth(), name);
            assertEquals(450, img.getHeight(), name);
        }
        assertTrue(run.out().contains("cells.png: no data in the inputs, not written"), run.out());
        assertTrue(run.lastLine().startsWith("charts: "), run.out());
    }

    @Test
    void peersBenchLinesBecomePoints() {
        List<ChartsCommand.Point> p = ChartsCommand.fromPeers(PEERS);
        assertEquals(4, p.size());
        assertEquals(new ChartsCommand.Point("torch", "lstm", "fwd", "f32", "C", 1, 104.8, 4.0), p.get(0));
        assertEquals("D", p.get(1).shape());
        assertEquals("openblas", p.get(2).who());
        assertEquals("peak", p.get(3).who());
    }

    @Test
    void nothingToDrawIsAFailure() throws IOException {
        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "[]");
        ToolRun run = ToolRun.of("charts", "--jmh", empty.toString(), "--out", dir.resolve("none").toString());
        assertEquals(1, run.exitCode(), run.toString());
    }
}
