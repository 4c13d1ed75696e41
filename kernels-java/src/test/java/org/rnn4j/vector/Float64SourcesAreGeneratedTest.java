package org.rnn4j.vector;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The float64 kernels are exactly what {@link GenerateFloat64} makes of the float32 ones (no drift, no hand edits). */
class Float64SourcesAreGeneratedTest {
    @Test
    void f64MatchesGeneratedF32() throws IOException {
        Path module = Path.of("").toAbsolutePath();
        var sources = GenerateFloat64.sources(module);
        assertTrue(sources.size() >= 5, "found the f32 sources under " + module);
        for (Path src : sources) {
            Path target = GenerateFloat64.target(module, src);
            assertTrue(Files.exists(target), target + " is missing: run GenerateFloat64");
            assertEquals(GenerateFloat64.translate(Files.readString(src)), Files.readString(target),
                    target + " differs from what GenerateFloat64 makes of " + src.getFileName()
                            + ": edit the f32 source and regenerate (see GenerateFloat64)");
        }
    }
}
