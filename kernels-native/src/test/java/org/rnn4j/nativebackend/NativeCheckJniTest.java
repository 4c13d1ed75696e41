package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * One run with {@code -Xcheck:jni}, clean: {@link CheckJniMain} in a child JVM (the same java and class path)
 * exercises every entry point; the JVM's JNI checker must report nothing ("WARNING in native method", "FATAL
 * ERROR in native method") and the run must complete.
 */
class NativeCheckJniTest {

    @Test
    void checkJniIsClean() throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "-Xcheck:jni", "--enable-native-access=ALL-UNNAMED",
                "--add-modules", "jdk.incubator.vector", "-Duser.home=" + System.getProperty("user.home"), "-cp", cp));
        for (String p : new String[] {"org.bytedeco.javacpp.cachedir", NativeLibraryInfo.SIMD_PROPERTY, OpenblasCoreType.PROPERTY}) {
            if (System.getProperty(p) != null) cmd.add("-D" + p + "=" + System.getProperty(p));
        }
        cmd.add(CheckJniMain.class.getName());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(10, TimeUnit.MINUTES), "the -Xcheck:jni run did not finish");
        System.out.println(out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("check-jni: done"), out);
        assertFalse(out.contains("WARNING in native method"), out);
        assertFalse(out.contains("FATAL ERROR in native method"), out);
    }
}
