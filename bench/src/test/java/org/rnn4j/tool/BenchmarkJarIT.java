package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;

/**
 * The shaded {@code bench/target/benchmarks.jar}, after the package phase made it (maven-failsafe, in
 * {@code mvn verify}): JMH's benchmark list is in it (on JDK 23+ a build without the annotation processor on the
 * compiler's processor path is green but lists nothing), JMH's Main is its main class, Multi-Release is set, the
 * backend services of both kernel modules are merged, the JNI library is inside, and the tool-only ONNX Runtime is not.
 */
class BenchmarkJarIT {
    @Test
    void benchmarksJarIsComplete() throws IOException {
        Path jar = Path.of("target", "benchmarks.jar");
        assertTrue(Files.isRegularFile(jar), jar.toAbsolutePath() + " was not built");
        try (JarFile j = new JarFile(jar.toFile())) {
            String list = new String(j.getInputStream(j.getEntry("META-INF/BenchmarkList")).readAllBytes(),
                    StandardCharsets.UTF_8);
            for (String b : BenchmarkJarTest.BENCHMARKS) assertTrue(list.contains(b), b);
            Manifest m = j.getManifest();
            assertEquals("org.openjdk.jmh.Main", m.getMainAttributes().getValue("Main-Class"));
            assertEquals("true", m.getMainAttributes().getValue("Multi-Release"));
            String services = new String(j.getInputStream(j.getEntry("META-INF/services/org.rnn4j.spi.BackendProvider"))
                    .readAllBytes(), StandardCharsets.UTF_8);
            for (String p : List.of("ReferenceProvider", "VectorProvider", "NativeBackendProvider")) {
                assertTrue(services.contains(p), p + " in the merged services file:\n" + services);
            }
            assertTrue(j.getEntry("org/rnn4j/nativebackend/linux-x86_64/libjnirnn4j.so") != null, "the JNI library");
            assertTrue(j.getEntry("org/openjdk/jmh/Main.class") != null);
            assertTrue(j.getEntry("ai/onnxruntime/OrtSession.class") == null, "ONNX Runtime is the tool's, not here");
        }
    }

}
