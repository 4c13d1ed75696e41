package org.rnn4j.bench.jmh;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.rnn4j.Backends;

/**
 * {@code ./rnn4j jmh [JMH options]}: JMH's own {@code org.openjdk.jmh.Main} (the main class of
 * {@code benchmarks.jar}) with three defaults the command line can override:
 * <ul>
 *   <li>{@code -p backend=B1,B2}: the fast backends available here (every backend but the reference), unless the
 *       command line names {@code backend} itself; the unavailable ones are listed with their reasons. A backend
 *       named on the command line that is not available fails its benchmarks with the reason.</li>
 *   <li>{@code -prof org.rnn4j.bench.jmh.GflopsProfiler}: GFLOP/s beside ms/op.</li>
 *   <li>{@code -foe true}: a benchmark that fails (an unavailable backend, a wrong OpenBLAS thread count) fails the
 *       run (exit status 1) instead of being left out of the results.</li>
 * </ul>
 * Listing and help options ({@code -l}, {@code -lp}, {@code -lprof}, {@code -lrf}, {@code -h}) pass through as given.
 */
public final class JmhMain {
    static final String PROFILER = GflopsProfiler.class.getName();
    private static final Set<String> PASS_THROUGH = Set.of("-l", "-lp", "-lprof", "-lrf", "-h", "-help", "--help");

    private JmhMain() {}

    public static void main(String[] args) throws Exception {
        List<String> full = withDefaults(List.of(args), Backends.list(), System.err);
        if (full == null) System.exit(1);
        org.openjdk.jmh.Main.main(full.toArray(String[]::new));
    }

    /** The JMH command line with the defaults added; null (after saying why on {@code note}) when nothing can run. */
    static List<String> withDefaults(List<String> args, List<Backends.Info> backends, PrintStream note) {
        for (String a : args) if (PASS_THROUGH.contains(a)) return args;
        List<String> out = new ArrayList<>(args);
        if (!namesParam(args, "backend")) {
            List<String> available = new ArrayList<>();
            for (Backends.Info b : backends) {
                if (b.name().equals("reference")) continue;
                if (b.available()) available.add(b.name());
                else note.println("rnn4j jmh: backend " + b.name() + " is not available here, not measured: " + b.reason());
            }
            if (available.isEmpty()) {
                note.println("rnn4j jmh: error: no fast backend is available (the vector backend needs JDK 25 with "
                        + "--add-modules jdk.incubator.vector and C2); nothing to measure");
                return null;
            }
            note.println("rnn4j jmh: backends measured: " + String.join(", ", available)
                    + " (name others with -p backend=...)");
            out.add("-p");
            out.add("backend=" + String.join(",", available));
        }
        boolean hasProfiler = false;
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if ((a.equals("-prof") && i + 1 < args.size() && args.get(i + 1).startsWith(PROFILER))
                    || a.startsWith("-prof" + PROFILER)) hasProfiler = true;
        }
        if (!hasProfiler) {
            out.add("-prof");
            out.add(PROFILER);
        }
        if (!args.contains("-foe") && args.stream().noneMatch(a -> a.startsWith("-foe"))) {
            out.add("-foe");
            out.add("true");
        }
        return out;
    }

    /** Whether {@code args} set the JMH parameter {@code name} ({@code -p name=...} or {@code -pname=...}). */
    static boolean namesParam(List<String> args, String name) {
        for (int i = 0; i < args.size(); i++) {
            String a = args.get(i);
            if (a.equals("-p") && i + 1 < args.size() && args.get(i + 1).startsWith(name + "=")) return true;
            if (a.startsWith("-p" + name + "=")) return true;
        }
        return false;
    }
}
