package org.rnn4j.tool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class HelpAndCommandsTest {

    @ParameterizedTest
    @ValueSource(strings = {"info", "conform", "gradcheck", "bench", "peer", "compare", "gate", "jmh-compare", "charts",
            "demo", "peer torch", "peer onnxruntime", "peer openblas", "peer peak"})
    void helpWorksForEverySubcommand(String sub) {
        String[] words = sub.split(" ");
        for (String flag : new String[] {"--help", "-h"}) {
            ToolRun run = ToolRun.of(BenchCommandTest.args(words, flag));
            assertEquals(0, run.exitCode(), run.toString());
            assertTrue(run.out().startsWith("Usage: rnn4j " + sub), run.out());
            assertTrue(run.out().contains("--help"), run.out());
        }
        if (words.length == 1) {
            ToolRun viaHelp = ToolRun.of("help", sub);
            assertEquals(0, viaHelp.exitCode(), viaHelp.toString());
            assertTrue(viaHelp.out().startsWith("Usage: rnn4j " + sub), viaHelp.out());
        }
    }

    @Test
    void topLevelHelpListsTheSubcommands() {
        ToolRun run = ToolRun.of("--help");
        assertEquals(0, run.exitCode(), run.toString());
        for (String sub : new String[] {"info", "conform", "gradcheck", "bench", "peer", "compare", "gate", "jmh-compare",
                "charts", "demo"}) {
            assertTrue(Pattern.compile("^\\s+" + sub + "\\s", Pattern.MULTILINE).matcher(run.out()).find(), run.out());
        }
        assertEquals(0, ToolRun.of("--version").exitCode());
    }

    @Test
    void missingOrUnknownSubcommandIsAUsageError() {
        ToolRun none = ToolRun.of();
        assertEquals(2, none.exitCode(), none.toString());
        assertTrue(none.err().contains("Missing required subcommand"), none.err());
        ToolRun unknown = ToolRun.of("frobnicate");
        assertEquals(2, unknown.exitCode(), unknown.toString());
        assertTrue(unknown.err().contains("frobnicate"), unknown.err());
    }

    @Test
    void unknownOptionsAreUsageErrors() {
        String[][] commands = {{"info"}, {"conform"}, {"gradcheck"}, {"demo"},
                {"bench", "--backend", "reference", "--cell", "lstm", "--mode", "fwd", "--shape", "1,1,1,1"}};
        for (String[] cmd : commands) {
            String[] args = java.util.Arrays.copyOf(cmd, cmd.length + 1);
            args[cmd.length] = "--bogus";
            ToolRun run = ToolRun.of(args);
            assertEquals(2, run.exitCode(), run.toString());
            assertTrue(run.err().contains("--bogus"), run.err());
        }
        ToolRun dtype = ToolRun.of("conform", "--dtype", "f16");
        assertEquals(2, dtype.exitCode(), dtype.toString());
        assertTrue(dtype.err().contains("expected f32 or f64 but was 'f16'"), dtype.err());
    }

    @Test
    void conformOnAMissingDirectoryFailsClearly(@TempDir Path dir) {
        Path missing = dir.resolve("nope");
        ToolRun run = ToolRun.of("conform", missing.toString());
        assertEquals(1, run.exitCode(), run.toString());
        assertTrue(run.err().contains("no such directory"), run.err());
        assertTrue(Files.notExists(missing));
    }

    @Test
    void gradcheckOnTheReferenceChecksSingleStepsByDefault() {
        ToolRun run = ToolRun.of("gradcheck", "--backend", "reference");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.lastLine().matches("gradcheck: \\d+ passed, 0 failed"), run.lastLine());
        assertTrue(run.out().contains("lstm_peephole/varlen"), run.out());
        assertTrue(run.out().contains("gru_reset_before/batchfirst"), run.out());
        assertTrue(run.out().contains("plus single steps"), run.out());
        assertTrue(run.out().contains(" step(l0,d0) "), run.out());
        assertTrue(run.out().contains(" step(l1,d1) "), "a stacked bidirectional case's last step\n" + run.out());
    }

    @Test
    void gradcheckNoStepsChecksTheSequenceCallsOnly() {
        ToolRun run = ToolRun.of("gradcheck", "--no-steps");
        assertEquals(0, run.exitCode(), run.toString());
        assertTrue(run.lastLine().matches("gradcheck: \\d+ passed, 0 failed"), run.lastLine());
        assertFalse(run.out().contains("step("), run.out());
        assertFalse(run.out().contains("plus single steps"), run.out());
        long rows = run.lines().stream().filter(l -> l.endsWith(" PASS")).count();
        assertEquals(rows + " passed, 0 failed", run.lastLine().substring("gradcheck: ".length()));
    }

    @Test
    void demoPasses() {
        ToolRun run = ToolRun.of("demo");
        assertEquals(0, run.exitCode(), run.toString());
        assertEquals("demo: all checks passed", run.lastLine());
        assertTrue(run.out().contains("conform: 13 passed, 0 failed"), run.out());
        assertTrue(Pattern.compile("reference\\s+conform f64\\s+13\\s+0").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("reference\\s+conform f32\\s+13\\s+0").matcher(run.out()).find(), run.out());
        assertTrue(Pattern.compile("reference\\s+gradcheck\\s+\\d+\\s+0").matcher(run.out()).find(), run.out());
        assertTrue(run.out().contains(" step(l0,d0) "), "the demo's gradcheck includes single steps\n" + run.out());
    }
}
