package org.rnn4j.bench.jmh;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backends;

/** {@code ./rnn4j jmh}'s defaults: the available fast backends, the GFLOP/s profiler, fail on error. */
class JmhMainTest {
    private static final List<Backends.Info> BACKENDS = List.of(new Backends.Info("reference", true, null),
            new Backends.Info("vector", true, null), new Backends.Info("native", false, "not built"));

    @Test
    void defaultsAreTheAvailableFastBackendsTheProfilerAndFailOnError() {
        ByteArrayOutputStream note = new ByteArrayOutputStream();
        List<String> args = JmhMain.withDefaults(List.of("RnnBenchmark", "-f", "1"), BACKENDS,
                new PrintStream(note, true, StandardCharsets.UTF_8));
        assertEquals(List.of("RnnBenchmark", "-f", "1", "-p", "backend=vector", "-prof", JmhMain.PROFILER, "-foe", "true"),
                args);
        String said = note.toString(StandardCharsets.UTF_8);
        assertTrue(said.contains("backend native is not available here, not measured: not built"), said);
    }

    @Test
    void theCommandLineWins() {
        PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true, StandardCharsets.UTF_8);
        List<String> given = List.of("-p", "backend=native", "-prof", JmhMain.PROFILER, "-foe", "false");
        assertEquals(given, JmhMain.withDefaults(given, BACKENDS, quiet), "a requested backend is kept, even missing");
        assertEquals(List.of("-pbackend=reference", "-prof", JmhMain.PROFILER, "-foe", "true"),
                JmhMain.withDefaults(List.of("-pbackend=reference"), BACKENDS, quiet));
        assertEquals(List.of("-l"), JmhMain.withDefaults(List.of("-l"), BACKENDS, quiet));
        assertNull(JmhMain.withDefaults(List.of(), List.of(new Backends.Info("vector", false, "no module")), quiet),
                "no fast backend: nothing to measure");
    }
}
