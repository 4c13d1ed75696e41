package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import org.rnn4j.nativebackend.NativeLibraryInfo;
import org.rnn4j.util.MiniJson;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code jmh-record}: turns JMH's JSON ({@code -rf json}) into a baseline file, {@code {"machine": {...}, "jmh":
 * [...]}}: JMH's array unchanged, and the machine it ran on (CPU model, family and SIMD flags, processors, JDK of
 * the run, OpenBLAS version and core, the OpenBLAS environment, OS, date, load average, the command).
 */
@Command(name = "jmh-record",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Wraps a JMH JSON result (-rf json) with the machine it ran on, as a baseline for "
                + "./rnn4j jmh-compare: {\"machine\": {cpu_model, cpu_family, simd, processors, jdk, openblas, "
                + "openblas_core, openblas_env, os, date, loadavg, command, note}, \"jmh\": [JMH's array]}. Run it on "
                + "the machine that ran the benchmarks, right after them."})
final class JmhRecordCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "JMH_JSON", description = "JMH's JSON result (-rf json -rff FILE).")
    Path input;

    @Parameters(index = "1", paramLabel = "OUT", description = "The baseline file to write.")
    Path output;

    @Option(names = "--command", paramLabel = "TEXT", description = "The command that produced the results.")
    String command;

    @Option(names = "--note", paramLabel = "TEXT", description = "Anything else worth keeping (e.g. the load before "
            + "the run).")
    String note;

    @Override
    public Integer call() {
        String jmh;
        try {
            jmh = Files.readString(input, StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new ToolException("cannot read " + input + ": " + e.getMessage(), e);
        }
        JmhResults parsed;
        try {
            parsed = JmhResults.parse(jmh, input.toString());
        } catch (IllegalArgumentException | ClassCastException e) {
            throw new ToolException(input + ": not a JMH JSON result file (" + e.getMessage() + ")", e);
        }
        if (parsed.machine() != null) throw new ToolException(input + " is already a baseline file (it has \"machine\")");
        Map<String, String> m = machine(jmh);
        if (command != null) m.put("command", command);
        if (note != null) m.put("note", note);
        StringBuilder sb = new StringBuilder("{\n  \"machine\": {\n");
        int i = 0;
        for (Map.Entry<String, String> e : m.entrySet()) {
            sb.append("    ").append(MiniJson.quote(e.getKey())).append(": ").append(MiniJson.quote(e.getValue()))
                    .append(++i < m.size() ? ",\n" : "\n");
        }
        sb.append("  },\n  \"jmh\": ").append(jmh).append("\n}\n");
        try {
            Path parent = output.toAbsolutePath().getParent();
            if (parent != null) Files.createDirectories(parent);
            Files.writeString(output, sb, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new ToolException("cannot write " + output + ": " + e.getMessage(), e);
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println("jmh-record: " + parsed.entries().size() + " results of " + input + " on " + m.get("cpu_model")
                + " written to " + output);
        out.flush();
        return 0;
    }

    /** The machine fields, this machine's, with the JDK of the JMH run when the results name it. */
    static Map<String, String> machine(String jmhJson) {
        CpuInfo cpu = CpuInfo.read();
        Map<String, String> m = new LinkedHashMap<>();
        m.put("cpu_model", CpuInfo.identity());
        m.put("cpu_family", GateFloors.family(cpu));
        m.put("simd", String.join(" ", cpu.present()));
        m.put("processors", Integer.toString(Runtime.getRuntime().availableProcessors()));
        String jdk = Runtime.version() + " (" + System.getProperty("java.vendor") + ")";
        try {
            Object root = MiniJson.parse(jmhJson);
            if (root instanceof java.util.List<?> l && !l.isEmpty() && l.get(0) instanceof Map<?, ?> first) {
                jdk = first.get("jdkVersion") + " (" + first.get("vmName") + " " + first.get("vmVersion") + ")";
            }
        } catch (IllegalArgumentException e) {
            // keep this JVM's version
        }
        m.put("jdk", jdk);
        try {
            NativeLibraryInfo info = NativeLibraryInfo.load();
            m.put("openblas", info.isLoaded() ? info.openblasVersion() : "not loaded: " + info.failureReason());
            m.put("openblas_core", info.isLoaded() ? info.openblasCoreName() : "");
        } catch (LinkageError e) {
            m.put("openblas", "not on the class path");
        }
        m.put("openblas_env", "OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE") + " OPENBLAS_L2_SIZE="
                + env("OPENBLAS_L2_SIZE") + " OPENBLAS_NUM_THREADS=" + env("OPENBLAS_NUM_THREADS"));
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
                + System.getProperty("os.arch"));
        m.put("date", Instant.now().toString());
        try {
            m.put("loadavg", Files.readString(Path.of("/proc/loadavg")).trim());
        } catch (IOException | RuntimeException e) {
            m.put("loadavg", "unknown");
        }
        return m;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "unset" : v;
    }
}
