package org.rnn4j.tool;

import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * The {@code ./rnn4j} command-line tool: {@code info}, {@code conform}, {@code gradcheck}, {@code bench},
 * {@code peer}, {@code compare}, {@code gate} and {@code demo}, each with {@code --help}.
 *
 * <p>Run it with the JVM flags every rnn4j process needs:
 * <pre>
 * java --add-modules jdk.incubator.vector --enable-native-access=ALL-UNNAMED \
 *      -cp 'bench/target/rnn4j-bench.jar:bench/target/lib/*' org.rnn4j.tool.Rnn4jTool demo
 * </pre>
 *
 * <p>Exit status: 0 success, 1 a check failed or the work could not be done (the reason is on stderr),
 * 2 bad command-line usage.
 */
@Command(name = "rnn4j",
        mixinStandardHelpOptions = true,
        versionProvider = Rnn4jTool.Version.class,
        description = "Fused RNN kernels for the JVM: conformance, gradient checks, benchmarks and system info.",
        subcommands = {InfoCommand.class, ConformCommand.class, GradcheckCommand.class, BenchCommand.class,
                PeerCommand.class, CompareCommand.class, GateCommand.class, JmhRecordCommand.class,
                JmhCompareCommand.class, ChartsCommand.class, DemoCommand.class, CommandLine.HelpCommand.class},
        footer = {"", "The ./rnn4j launcher also understands 'test' (the whole test suite, mvn verify) and 'jmh' (the JMH "
                + "suite, bench/target/benchmarks.jar).",
                "Exit status: 0 success, 1 a check failed or could not run, 2 bad usage."})
public final class Rnn4jTool implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required subcommand (one of info, conform, "
                + "gradcheck, bench, peer, compare, gate, jmh-record, jmh-compare, charts, demo)");
    }

    /** The configured command line (converters, exception handling); tests call this with their own out/err. */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Rnn4jTool());
        cl.setCaseInsensitiveEnumValuesAllowed(true);
        cl.setExecutionExceptionHandler((ex, cmd, parseResult) -> {
            PrintWriter err = cmd.getErr();
            if (ex instanceof ToolException || ex instanceof IllegalArgumentException) {
                // IllegalArgumentException: the library's validation (it names the argument, the expected and
                // the given value), reported like the tool's own errors, without a stack trace.
                err.println(cmd.getCommandName() + ": error: " + ex.getMessage());
            } else {
                err.println(cmd.getCommandName() + ": unexpected error: " + ex);
                ex.printStackTrace(err);
            }
            err.flush();
            return 1;
        });
        return cl;
    }

    public static void main(String[] args) {
        int code = commandLine().execute(args);
        System.exit(code);
    }

    /** The project version from the jar manifest, or "development build". */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Rnn4jTool.class.getPackage().getImplementationVersion();
            return new String[] {"rnn4j " + (v != null ? v : "(development build)"),
                    "JDK " + Runtime.version() + " (" + System.getProperty("java.vendor") + ")"};
        }
    }
}
