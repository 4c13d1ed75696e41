package org.rnn4j.nativebackend;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenBLAS core-type policy, each case in a fresh JVM (OpenBLAS reads OPENBLAS_CORETYPE once, when it loads):
 * an environment's choice is respected and, when it is below what the CPU runs, reported with the way out;
 * {@code -Drnn4j.native.coretype=auto} lets OpenBLAS detect the CPU despite the environment; a name forces that
 * core type; without the variable OpenBLAS 0.3.31 takes an AVX-512 CPU for an AVX-512 core.
 */
class NativeCoreTypePolicyTest {
    static final Set<String> AVX512_CORES = Set.of("SkylakeX", "Cooperlake", "SapphireRapids");

    @Test
    void environmentRespectedAndReported() throws Exception {
        Map<String, String> r = run(Map.of("OPENBLAS_CORETYPE", "Haswell"), null);
        assertEquals("Haswell", r.get("core"));
        assertTrue(r.get("policy").contains("OPENBLAS_CORETYPE=Haswell from the environment is respected"), r.toString());
        if (OpenblasCoreType.cpuHasAvx512()) {
            assertTrue(r.get("warning").contains("OPENBLAS_CORETYPE=Haswell in the environment forces"), r.toString());
            assertTrue(r.get("warning").contains("-Drnn4j.native.coretype=auto"), r.toString());
        } else {
            assertEquals("null", r.get("warning"));
        }
    }

    @Test
    void autoOverridesTheEnvironment() throws Exception {
        assumeTrue(OpenblasCoreType.cpuHasAvx512(), "needs an AVX-512 CPU");
        Map<String, String> r = run(Map.of("OPENBLAS_CORETYPE", "Haswell", "OPENBLAS_L2_SIZE", "512"), "auto");
        assertTrue(AVX512_CORES.contains(r.get("core")), r.toString());
        assertEquals("null", r.get("warning"));
    }

    @Test
    void unsetLetsOpenblasDetectAnAvx512Core() throws Exception {
        assumeTrue(OpenblasCoreType.cpuHasAvx512(), "needs an AVX-512 CPU");
        Map<String, String> r = run(Map.of(), null);
        assertTrue(AVX512_CORES.contains(r.get("core")), r.toString());
        assertEquals("null", r.get("warning"));
    }

    @Test
    void aNameForcesThatCore() throws Exception {
        assumeTrue(OpenblasCoreType.cpuHasAvx512(), "needs an AVX-512 CPU");
        Map<String, String> r = run(Map.of("OPENBLAS_CORETYPE", "Haswell"), "SkylakeX");
        assertEquals("SkylakeX", r.get("core"));
        assertFalse(r.get("policy").contains("respected"), r.toString());
    }

    /** Runs CoreTypeMain with OPENBLAS_CORETYPE and OPENBLAS_L2_SIZE exactly as given and the property (or none). */
    private static Map<String, String> run(Map<String, String> env, String property) throws Exception {
        String java = System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
        String cp = System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
        List<String> cmd = new ArrayList<>(List.of(java, "--enable-native-access=ALL-UNNAMED",
                "-Duser.home=" + System.getProperty("user.home"), "-cp", cp));
        if (System.getProperty("org.bytedeco.javacpp.cachedir") != null) {
            cmd.add("-Dorg.bytedeco.javacpp.cachedir=" + System.getProperty("org.bytedeco.javacpp.cachedir"));
        }
        if (property != null) cmd.add("-D" + OpenblasCoreType.PROPERTY + "=" + property);
        cmd.add(CoreTypeMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().remove("OPENBLAS_CORETYPE");
        pb.environment().remove("OPENBLAS_L2_SIZE");
        pb.environment().putAll(env);
        Process p = pb.start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(p.waitFor(2, TimeUnit.MINUTES));
        assertEquals(0, p.exitValue(), out);
        Map<String, String> r = new HashMap<>();
        for (String line : out.split("\n")) {
            int eq = line.indexOf('=');
            if (eq > 0 && (line.startsWith("core=") || line.startsWith("policy=") || line.startsWith("warning="))) {
                r.put(line.substring(0, eq), line.substring(eq + 1));
            }
        }
        assertEquals(3, r.size(), out);
        return r;
    }
}
