package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.rnn4j.Backends;
import org.rnn4j.nativebackend.NativeLibraryInfo;

/**
 * {@code info} shows the Vector API, every backend and the native library loaded with its OpenBLAS version. In
 * the build ({@code ./rnn4j test}, i.e. mvn verify) the native module is on the class path as its packaged jar,
 * so the library is "loaded from the jar" as in the tool; a run against kernels-native/target/classes (an IDE,
 * mvn test) says "from a build directory" instead, which the test accepts only in that case.
 */
class InfoCommandTest {
    private static final String OPENBLAS_VERSION = "0.3.31";

    @Test
    void info() {
        ToolRun run = ToolRun.of("info");
        assertEquals(0, run.exitCode(), run.toString());
        List<String> lines = run.lines();
        String out = run.out();
        for (String s : new String[] {"JDK:", "OS:", "CPU:", "SIMD flags:", "Backends:", "Native library"}) {
            assertTrue(out.contains(s), s + " in\n" + out);
        }

        // The surefire JVM runs with --add-modules jdk.incubator.vector, like the launcher.
        assertTrue(Pattern.compile("(?m)^Vector API:  available \\(jdk\\.incubator\\.vector\\); preferred species: .*\\d+ bits")
                .matcher(out).find(), out);

        // One line per backend, saying available or why not; the reference is always available.
        List<Backends.Info> backends = Backends.list();
        assertFalse(backends.isEmpty());
        for (Backends.Info b : backends) {
            String want = String.format("  %-10s %s", b.name(),
                    b.available() ? "available" : "not available: " + b.reason());
            assertTrue(lines.contains(want), "'" + want + "' in\n" + out);
        }
        assertTrue(lines.contains(String.format("  %-10s available", "reference")), out);

        // The native library: loaded, from the jar, with OpenBLAS 0.3.31.
        String where = fromJar() ? "from the jar" : "from a build directory";
        assertTrue(lines.contains("  loaded " + where + " (linux-x86_64)"), "'loaded " + where + "' in\n" + out);
        assertTrue(Pattern.compile("(?m)^  OpenBLAS version: " + Pattern.quote(OPENBLAS_VERSION) + "\\b").matcher(out)
                .find(), out);
        assertTrue(Pattern.compile("(?m)^  OpenBLAS threads: \\d+ ").matcher(out).find(), out);
        assertFalse(out.contains("not loaded"), out);
    }

    /** Whether rnn4j-kernels-native (and so the library it bundles) comes from a jar on this class path. */
    private static boolean fromJar() {
        String location = NativeLibraryInfo.class.getProtectionDomain().getCodeSource().getLocation().toString();
        return location.endsWith(".jar");
    }
}
