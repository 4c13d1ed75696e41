package org.rnn4j.tool;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/** Runs a peer in a child process, passing its output through and picking up its bench line. */
final class ChildProcess {
    private ChildProcess() {}

    /**
     * Runs {@code command} with {@code env} changes (null values remove a variable), copying its stdout to
     * {@code out} except for its bench line, which is returned, and its stderr to {@code err}. A non-zero exit or a
     * missing bench line is a {@link ToolException} naming {@code what}.
     */
    static String run(String what, List<String> command, Map<String, String> env, PrintWriter out, PrintWriter err) {
        List<String> bench = new ArrayList<>();
        int code = exec(what, command, env, out, err, line -> BenchLine.parse(line) != null, false, bench);
        if (code != 0) throw new ToolException(what + " failed (exit status " + code + "; its messages are above)");
        if (bench.isEmpty()) throw new ToolException(what + " printed no bench line");
        return bench.get(bench.size() - 1);
    }

    /**
     * Runs {@code command} with {@code env} changes, copying its stdout to {@code out} and its stderr to {@code err},
     * and returns its exit status; the stdout lines that start with {@code prefix} are also added to
     * {@code collected} (when not null).
     */
    static int passThrough(String what, List<String> command, Map<String, String> env, PrintWriter out,
                           PrintWriter err, String prefix, List<String> collected) {
        return exec(what, command, env, out, err, line -> prefix != null && line.startsWith(prefix), true, collected);
    }

    /**
     * Starts the command, pumps its stderr to {@code err} and its stdout to {@code out} (the lines {@code capture}
     * accepts go to {@code captured}, and to {@code out} too when {@code echoCaptured}), and returns its exit status.
     */
    private static int exec(String what, List<String> command, Map<String, String> env, PrintWriter out,
                            PrintWriter err, Predicate<String> capture, boolean echoCaptured, List<String> captured) {
        ProcessBuilder pb = new ProcessBuilder(command);
        OpenblasEnv.apply(env, pb.environment());
        Process p;
        try {
            p = pb.start();
        } catch (IOException e) {
            throw new ToolException(what + ": cannot start " + command.get(0) + ": " + e.getMessage(), e);
        }
        Thread errPump = Thread.ofPlatform().daemon().start(() -> pump(p.getErrorStream(), err, null, false, null));
        pump(p.getInputStream(), out, capture, echoCaptured, captured);
        try {
            int code = p.waitFor();
            errPump.join();
            err.flush();
            out.flush();
            return code;
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new ToolException(what + ": interrupted", e);
        }
    }

    private static void pump(InputStream in, PrintWriter to, Predicate<String> capture, boolean echoCaptured,
                             List<String> captured) {
        try (BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8))) {
            String line;
            while ((line = r.readLine()) != null) {
                boolean taken = captured != null && capture.test(line);
                if (taken) captured.add(line);
                if (taken && !echoCaptured) continue;
                synchronized (to) {
                    to.println(line);
                    to.flush();
                }
            }
        } catch (IOException e) {
            synchronized (to) {
                to.println("(output lost: " + e.getMessage() + ")");
            }
        }
    }

    /**
     * The command that starts this tool again in a new JVM: the same java, JVM options (module flags,
     * {@code -Xmx}, {@code -Duser.home}, ...) and class path, then {@code args}.
     */
    static List<String> toolCommand(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            // Agents and debuggers of the parent (a test runner's) would clash in the child.
            if (a.startsWith("-javaagent") || a.startsWith("-agentlib") || a.startsWith("-Xrunjdwp")) continue;
            cmd.add(a);
        }
        if (cmd.stream().noneMatch(a -> a.contains("jdk.incubator.vector")) && VectorSupport.available()) {
            cmd.add("--add-modules");
            cmd.add(VectorSupport.MODULE);
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Rnn4jTool.class.getName());
        cmd.addAll(args);
        return cmd;
    }
}
