package org.rnn4j.tool;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Callable;
import org.rnn4j.BackendOptions;
import org.rnn4j.Backends;
import org.rnn4j.RnnConfig;
import org.rnn4j.bench.jmh.OpenblasGemm;
import org.rnn4j.bench.jmh.RnnFixture;
import org.rnn4j.nativebackend.NativeLibraryInfo;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gate}: the CI performance gate. In one JVM, each check of the floors file ({@link GateFloors}) for this
 * CPU's family is timed ({@link Sampler}, the {@code bench} rules) right after the OpenBLAS SGEMM roofline (square,
 * {@code gemm} of the file, the same threads, {@link OpenblasGemm}), their samples taken in alternation; the ratio of the
 * two GFLOP/s is compared with
 * the check's floor. The run fails (exit 1) when a ratio is below its floor, when a backend that must be available
 * is not ({@code vector} everywhere; any other backend once it has floors, {@code native} on the platform its jar
 * carries the library for), or when the family has no floors. Floors written {@code tbd} are measured and reported,
 * not gated.
 *
 * <p>OpenBLAS takes its thread count and kernels from the environment when it loads, so by default the measurements
 * run in a child JVM with {@code OPENBLAS_NUM_THREADS} = the file's threads and the OpenBLAS core type of
 * {@code --openblas-coretype}: by default {@code auto}, OpenBLAS's AVX-512 kernels on every AVX-512 CPU (its own
 * detection takes AMD Zen 5 for Haswell but picks AVX-512 kernels on the Intel Xeons, and some machines pin Haswell
 * in the environment: a family's ratios would otherwise have different denominators); {@code --in-process} measures
 * in this JVM. With
 * {@code --runs N} the gate runs N times, each in a new JVM, and prints the spread of every ratio and the floors
 * it suggests: the noise study behind the floors file.
 *
 * <p>Test-only: {@code -Drnn4j.gate.slowdown=BACKEND:FACTOR} makes every timed call of BACKEND FACTOR times slower
 * (it spins after the call for FACTOR − 1 times the call's duration), to show that a slower kernel fails the gate.
 */
@Command(name = "gate",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"CI performance gate: for each check of the floors file for this CPU family (avx512, avx2), "
                + "times the backend on the check's shape and the OpenBLAS SGEMM roofline in the same JVM (after the "
                + "warm-up, in alternating pairs of calls), and fails "
                + "(exit 1) when GFLOP/s / roofline GFLOP/s is below the check's floor, when a backend that must be "
                + "available is not (vector always; another backend once it has floors), or when the family has no "
                + "floors. Floors 'tbd' are measured, not gated.",
                "Prints one line per measurement, then a table: backend, check, GFLOP/s, roofline, ratio, floor, "
                        + "result; and a last line 'gate: PASS ...' or 'gate: FAIL ...'.",
                "--runs N: N runs in N JVMs, then the spread of each ratio and suggested floors (the noise study)."})
final class GateCommand implements Callable<Integer> {
    /** Test-only: {@code BACKEND:FACTOR}, slows every timed call of BACKEND by FACTOR. */
    static final String SLOWDOWN_PROPERTY = "rnn4j.gate.slowdown";
    /** Prefix of the machine-readable result line of each check. */
    static final String RESULT_PREFIX = "gate-result: ";

    @Spec
    CommandSpec spec;

    @Option(names = "--floors", paramLabel = "FILE",
            description = "The floors file (default: docs/bench/gate-floors.txt of the source tree, else the copy in "
                    + "the jar).")
    Path floorsFile;

    @Option(names = "--family", paramLabel = "avx512|avx2|other",
            description = "The CPU family whose floors apply (default: from /proc/cpuinfo: avx512 with AVX-512 F, DQ, "
                    + "BW and VL; avx2 with AVX2 and FMA).")
    String family;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "1",
            description = "Run the gate N times, each in a new JVM, and print the spread of every ratio and the floors "
                    + "it suggests (default: ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--margin", paramLabel = "M", defaultValue = "0.8",
            description = "With --runs: suggested floor = the smallest ratio observed x M (default: ${DEFAULT-VALUE}).")
    double margin;

    @Option(names = "--in-process", description = "Measure in this JVM (OpenBLAS must already run the file's threads).")
    boolean inProcess;

    @Option(names = "--openblas-coretype", paramLabel = "auto|env|NAME", defaultValue = OpenblasEnv.AUTO,
            description = "OpenBLAS kernels of the measuring JVM: auto (default) SkylakeX on AVX-512 CPUs, OpenBLAS's "
                    + "own choice elsewhere (and OPENBLAS_L2_SIZE unset): the best SGEMM of every CPU of a family, so "
                    + "that one family's ratios share a denominator; env keeps the environment's; NAME sets it.")
    String openblasCoretype;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TimingOptions timing;

    /** Availability of a backend as the gate sees it. */
    record Availability(boolean available, boolean required, String reason) {}

    /** What was measured for one check: GFLOP/s of the backend and of the roofline just before it. */
    record Measured(double gflops, double roofline) {
        double ratio() {
            return gflops / roofline;
        }
    }

    enum Status { PASS, FAIL, TBD, MISSING, NOT_AVAILABLE, ERROR }

    /** The verdict of one check. */
    record Verdict(GateFloors.Row row, Status status, Measured measured, String note) {
        boolean failed() {
            return status == Status.FAIL || status == Status.MISSING || status == Status.ERROR;
        }
    }

    @Override
    public Integer call() {
        Sampler.Settings t = timing.settings();
        if (runs < 1) throw new ParameterException(spec.commandLine(), "Invalid value for option '--runs': expected >= 1 "
                + "but was " + runs);
        if (!(margin > 0 && margin <= 1)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--margin': expected a number in "
                    + "(0, 1] but was " + margin);
        }
        if (family != null && !Set.of(GateFloors.AVX512, GateFloors.AVX2, GateFloors.OTHER).contains(family)) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--family': expected avx512, "
                    + "avx2 or other but was '" + family + "'");
        }
        GateFloors floors = floorsFile != null ? GateFloors.read(floorsFile) : GateFloors.committed();
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (runs > 1) return noise(floors, t, out, err);
        if (inProcess) return runHere(floors, t, out);
        return runChild(floors, t, out, err, null);
    }

    /** The child JVM's command line: this command with --in-process and the same options. */
    private List<String> childArgs(GateFloors floors, Sampler.Settings t) {
        List<String> args = new ArrayList<>(List.of("gate", "--in-process", "--seed", Long.toString(seed)));
        if (floorsFile != null) args.addAll(List.of("--floors", floorsFile.toAbsolutePath().toString()));
        if (family != null) args.addAll(List.of("--family", family));
        args.addAll(t.asOptions());
        return args;
    }

    private int runChild(GateFloors floors, Sampler.Settings t, PrintWriter out, PrintWriter err, List<String> results) {
        CpuInfo cpu = CpuInfo.read();
        Map<String, String> env = OpenblasEnv.changes(openblasCoretype, cpu, floors.threads());
        out.println("gate: measuring in a child JVM with " + OpenblasEnv.describe(env) + " ("
                + OpenblasEnv.reason(openblasCoretype, cpu) + ")");
        out.flush();
        List<String> command = new ArrayList<>(ChildProcess.toolCommand(childArgs(floors, t)));
        String slowdown = System.getProperty(SLOWDOWN_PROPERTY);
        if (slowdown != null) command.add(1, "-D" + SLOWDOWN_PROPERTY + "=" + slowdown); // also when set at run time
        return ChildProcess.passThrough("gate (child JVM)", command, env, out, err, RESULT_PREFIX, results);
    }

    // ---------------------------------------------------------------- one run, here

    private int runHere(GateFloors floors, Sampler.Settings t, PrintWriter out) {
        CpuInfo cpu = CpuInfo.read();
        String fam = family != null ? family : GateFloors.family(cpu);
        int threads = floors.threads();
        String slowdown = System.getProperty(SLOWDOWN_PROPERTY);
        out.println("gate: CPU " + CpuInfo.identity() + " (" + Runtime.getRuntime().availableProcessors()
                + " processors), family " + fam + (family != null ? " (--family)" : " (from /proc/cpuinfo)") + "; JDK "
                + Runtime.version() + "; floors " + floors.source() + "; threads " + threads + "; roofline sgemm "
                + floors.gemmSize() + "^3");
        if (slowdown != null) {
            out.println("gate: TEST SLOWDOWN ACTIVE (-D" + SLOWDOWN_PROPERTY + "=" + slowdown + "): the timed calls of "
                    + "that backend are made slower on purpose");
        }
        out.println(BenchCommand.timingSummary(t));
        out.flush();
        List<GateFloors.Row> rows = floors.rowsOf(fam);
        Map<String, Availability> availability = availability(rows);
        Map<GateFloors.Row, Measured> measured = new LinkedHashMap<>();
        Map<GateFloors.Row, String> errors = new LinkedHashMap<>();
        if (!rows.isEmpty()) {
            NativeLibraryInfo blas;
            try {
                blas = OpenblasGemm.requireThreads(threads);
            } catch (IllegalStateException | LinkageError e) {
                throw new ToolException("gate: the OpenBLAS roofline cannot run: " + e.getMessage()
                        + " (./rnn4j gate without --in-process starts a JVM with OPENBLAS_NUM_THREADS=" + threads + ")", e);
            }
            out.println("gate: OpenBLAS " + blas.openblasVersion() + ", core " + blas.openblasCoreName() + ", "
                    + blas.openblasThreads() + " thread(s) (OPENBLAS_CORETYPE=" + env("OPENBLAS_CORETYPE")
                    + ", OPENBLAS_L2_SIZE=" + env("OPENBLAS_L2_SIZE") + ")");
            out.flush();
            try (OpenblasGemm roof = new OpenblasGemm(false, floors.gemmSize(), threads, seed)) {
                Sampler.Settings roofWarmup = new Sampler.Settings(2, Math.min(1, t.minWarmupSeconds()),
                        Math.max(Math.min(1, t.minWarmupSeconds()), Math.min(10, t.maxWarmupSeconds())),
                        t.settlePercent(), 5);
                double roofFlops = 2.0 * floors.gemmSize() * floors.gemmSize() * floors.gemmSize();
                boolean first = true;
                for (GateFloors.Row row : rows) {
                    if (!availability.get(row.backend()).available()) continue;
                    try {
                        // The first roofline warms up like a check; later ones only need the caches and clocks back.
                        Sampler.measure(first ? t : roofWarmup, roof::run);
                        first = false;
                        measured.put(row, measure(row, threads, t, slowdown, roof, roofFlops, out));
                    } catch (ToolException | IllegalArgumentException | IllegalStateException e) {
                        errors.put(row, e.getMessage());
                        out.println("  " + row.backend() + " " + row.check() + ": error: " + e.getMessage());
                    } catch (Exception e) {
                        errors.put(row, e.toString());
                        out.println("  " + row.backend() + " " + row.check() + ": error: " + e);
                    }
                    out.flush();
                }
            }
        }
        List<Verdict> verdicts = evaluate(rows, availability, measured, errors);
        for (Verdict v : verdicts) {
            if (v.measured() != null) out.println(resultLine(fam, threads, v));
        }
        printTable(out, verdicts);
        availability.forEach((name, a) -> {
            if (!a.available()) out.println(name + ": not available" + (a.required() ? " (REQUIRED)" : "") + ": " + a.reason());
        });
        String last = summary(fam, rows, verdicts);
        out.println(last);
        out.flush();
        return last.startsWith("gate: PASS") ? 0 : 1;
    }

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null ? "unset" : v;
    }

    /** Whether each backend of {@code rows} is available and whether it must be. */
    static Map<String, Availability> availability(List<GateFloors.Row> rows) {
        Map<String, Backends.Info> known = new LinkedHashMap<>();
        for (Backends.Info i : Backends.list()) known.put(i.name(), i);
        Map<String, Availability> out = new LinkedHashMap<>();
        for (GateFloors.Row r : rows) {
            if (out.containsKey(r.backend())) continue;
            boolean gated = rows.stream().anyMatch(x -> x.backend().equals(r.backend()) && x.floor() != null);
            Backends.Info info = known.get(r.backend());
            boolean available = info != null && info.available();
            String reason = info == null ? "no backend of that name on the class path (known: " + known.keySet() + ")"
                    : info.reason();
            out.put(r.backend(), new Availability(available, required(r.backend(), gated), reason));
        }
        return out;
    }

    /**
     * Whether a backend must be available for the gate to pass: {@code vector} wherever this JDK runs; any other
     * backend once the floors file gives it a floor, and {@code native} only on the platform its jar carries the
     * library for ({@link NativeLibraryInfo#BUILT_PLATFORM}): elsewhere it cannot load.
     */
    static boolean required(String backend, boolean hasFloors) {
        if (backend.equals("vector")) return true;
        if (!hasFloors) return false;
        if (backend.equals("native")) return platform().equals(NativeLibraryInfo.BUILT_PLATFORM);
        return true;
    }

    /** This JVM's platform in JavaCPP's spelling (linux-x86_64, linux-arm64, macosx-arm64, windows-x86_64, ...). */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.startsWith("linux") ? "linux" : os.startsWith("mac") ? "macosx" : os.startsWith("windows")
                ? "windows" : os.replaceAll("\\W", "");
        String a = switch (arch) {
            case "amd64", "x86_64" -> "x86_64";
            case "aarch64", "arm64" -> "arm64";
            default -> arch;
        };
        return o + "-" + a;
    }

    /**
     * Times one check against the roofline: the check's warm-up (the {@link Sampler} rules), then {@code samples}
     * pairs of calls, the roofline's and the check's, each timed, so that both medians come from the same minutes
     * of a shared machine's load. Returns both GFLOP/s at their medians.
     */
    private Measured measure(GateFloors.Row row, int threads, Sampler.Settings t, String slowdown, OpenblasGemm roof,
                             double roofFlops, PrintWriter out) throws Exception {
        RnnConfig cfg = RnnConfig.builder(row.cell(), row.shape().I(), row.shape().H()).dtype(row.dtype()).build();
        double factor = slowdownFactor(slowdown, row.backend());
        try (RnnBackend b = Backends.get(row.backend(), BackendOptions.threads(threads));
             RnnFixture f = RnnFixture.open(cfg, b, row.mode(), row.shape().T(), row.shape().N(), seed, null)) {
            f.prepare();
            Runnable call = f.call();
            Sampler.Call timed = factor > 1 ? () -> slowed(call, factor) : call::run;
            Sampler.Measurement warm = Sampler.measure(new Sampler.Settings(t.minWarmupCalls(), t.minWarmupSeconds(),
                    t.maxWarmupSeconds(), t.settlePercent(), 5), timed);
            double[] roofMs = new double[t.samples()], ms = new double[t.samples()];
            for (int i = 0; i < ms.length; i++) {
                long t0 = System.nanoTime();
                roof.run();
                long t1 = System.nanoTime();
                timed.run();
                long t2 = System.nanoTime();
                roofMs[i] = (t1 - t0) / 1e6;
                ms[i] = (t2 - t1) / 1e6;
            }
            SampleStats rs = SampleStats.of(roofMs), cs = SampleStats.of(ms);
            double g = BenchLine.gflops(f.flops(), cs.median()), rg = BenchLine.gflops(roofFlops, rs.median());
            out.println(String.format(Locale.ROOT, "  %s %s (T,N,I,H=%s): median %.3f ms, %.1f GFLOP/s (IQR %.1f%%; "
                            + "warm-up %d calls in %.1f s, %s); roofline in the same %d pairs: median %.2f ms, %.1f "
                            + "GFLOP/s (IQR %.1f%%); ratio %.3f", row.backend(), row.check(), row.shape().tnih(),
                    cs.median(), g, cs.iqrPercent(), warm.warmupCalls(), warm.warmupSeconds(),
                    warm.settled() ? "settled" : "NOT settled", ms.length, rs.median(), rg, rs.iqrPercent(), g / rg));
            return new Measured(g, rg);
        }
    }

    /** The factor of {@code -Drnn4j.gate.slowdown=BACKEND:FACTOR} for {@code backend}, else 1. */
    static double slowdownFactor(String property, String backend) {
        if (property == null || property.isBlank()) return 1;
        int colon = property.lastIndexOf(':');
        if (colon < 0) throw new ToolException("-D" + SLOWDOWN_PROPERTY + ": expected BACKEND:FACTOR but was '" + property + "'");
        if (!property.substring(0, colon).trim().equals(backend)) return 1;
        try {
            double f = Double.parseDouble(property.substring(colon + 1).trim());
            if (!(f >= 1) || Double.isInfinite(f)) throw new NumberFormatException();
            return f;
        } catch (NumberFormatException e) {
            throw new ToolException("-D" + SLOWDOWN_PROPERTY + ": expected a FACTOR >= 1 but was '" + property + "'", e);
        }
    }

    /** Runs {@code call}, then spins for (factor − 1) times its duration. */
    private static void slowed(Runnable call, double factor) {
        long t0 = System.nanoTime();
        call.run();
        long until = System.nanoTime() + (long) ((factor - 1) * (System.nanoTime() - t0));
        while (System.nanoTime() < until) Thread.onSpinWait();
    }

    // ---------------------------------------------------------------- verdicts

    /**
     * The verdict of every row: a required backend that is not available fails each of its rows (MISSING); one that
     * need not be is reported (NOT_AVAILABLE); a row that could not be measured fails (ERROR); a measured row passes
     * when its ratio is at or above its floor, fails below it, and is TBD (not gated) without a floor.
     */
    static List<Verdict> evaluate(List<GateFloors.Row> rows, Map<String, Availability> availability,
                                  Map<GateFloors.Row, Measured> measured, Map<GateFloors.Row, String> errors) {
        List<Verdict> out = new ArrayList<>();
        for (GateFloors.Row r : rows) {
            Availability a = availability.get(r.backend());
            if (a == null || !a.available()) {
                String why = a == null ? "unknown backend" : a.reason();
                if (a != null && a.required()) {
                    out.add(new Verdict(r, Status.MISSING, null, "REQUIRED backend not available: " + why));
                } else {
                    out.add(new Verdict(r, Status.NOT_AVAILABLE, null, "not available, not gated ("
                            + (r.floor() == null ? "floor tbd" : "not required on this platform") + ")"));
                }
                continue;
            }
            Measured m = measured.get(r);
            if (m == null) {
                String e = errors.get(r);
                out.add(new Verdict(r, Status.ERROR, null, "could not be measured: " + (e != null ? e : "no result")));
                continue;
            }
            if (r.floor() == null) {
                out.add(new Verdict(r, Status.TBD, m, "floor to be measured: not gated"));
            } else if (m.ratio() >= r.floor()) {
                out.add(new Verdict(r, Status.PASS, m, ""));
            } else {
                out.add(new Verdict(r, Status.FAIL, m, String.format(Locale.ROOT, "ratio %.3f below the floor %.3f",
                        m.ratio(), r.floor())));
            }
        }
        return out;
    }

    /** The last line: {@code gate: PASS ...} or {@code gate: FAIL ...}. */
    static String summary(String family, List<GateFloors.Row> rows, List<Verdict> verdicts) {
        if (rows.isEmpty()) {
            return "gate: FAIL: the floors file has no checks for CPU family " + family + " (add them, measured with "
                    + "./rnn4j gate --runs 5 --family " + family + ")";
        }
        if (rows.stream().noneMatch(r -> r.backend().equals("vector"))) {
            return "gate: FAIL: the floors file has no check of the vector backend for CPU family " + family;
        }
        long pass = verdicts.stream().filter(v -> v.status() == Status.PASS).count();
        long below = verdicts.stream().filter(v -> v.status() == Status.FAIL).count();
        long missing = verdicts.stream().filter(v -> v.status() == Status.MISSING).count();
        long error = verdicts.stream().filter(v -> v.status() == Status.ERROR).count();
        long ungated = verdicts.stream().filter(v -> v.status() == Status.TBD || v.status() == Status.NOT_AVAILABLE).count();
        Set<String> missingBackends = new LinkedHashSet<>();
        for (Verdict v : verdicts) if (v.status() == Status.MISSING) missingBackends.add(v.row().backend());
        Set<String> ungatedBackends = new LinkedHashSet<>();
        for (Verdict v : verdicts) {
            if (v.status() == Status.TBD || v.status() == Status.NOT_AVAILABLE) ungatedBackends.add(v.row().backend());
        }
        String tail = (ungated > 0 ? "; " + ungated + " not gated (" + String.join(", ", ungatedBackends) + ")" : "");
        if (below + missing + error == 0) {
            return "gate: PASS: " + pass + " of " + pass + " gated ratios at or above their floors" + tail;
        }
        List<String> why = new ArrayList<>();
        if (below > 0) why.add(below + " ratio" + (below == 1 ? "" : "s") + " below " + (below == 1 ? "its floor" : "their floors"));
        if (missing > 0) why.add("required backend not available: " + String.join(", ", missingBackends));
        if (error > 0) why.add(error + " check" + (error == 1 ? "" : "s") + " could not be measured");
        return "gate: FAIL: " + String.join("; ", why) + " (" + pass + " at or above)" + tail;
    }

    static String resultLine(String family, int threads, Verdict v) {
        GateFloors.Row r = v.row();
        return String.format(Locale.ROOT, "%sfamily=%s backend=%s cell=%s mode=%s dtype=%s shape=%s threads=%d gflops=%.3f "
                        + "roofline=%.3f ratio=%.4f floor=%s status=%s", RESULT_PREFIX, family, r.backend(), r.cell().id(),
                r.mode(), Converters.shortName(r.dtype()), r.shape().name(), threads, v.measured().gflops(),
                v.measured().roofline(), v.measured().ratio(), r.floor() == null ? "tbd" : r.floor().toString(),
                v.status().name().toLowerCase(Locale.ROOT));
    }

    static void printTable(PrintWriter out, List<Verdict> verdicts) {
        out.println(String.format(Locale.ROOT, "%-9s %-24s %9s %9s %7s %6s  %s", "backend", "check", "GFLOP/s", "roofline",
                "ratio", "floor", "result"));
        for (Verdict v : verdicts) {
            Measured m = v.measured();
            String result = switch (v.status()) {
                case PASS -> "pass";
                case FAIL -> "FAIL: " + v.note();
                case TBD -> "tbd: " + v.note();
                case MISSING -> "FAIL: required backend not available";
                case NOT_AVAILABLE -> "- " + v.note();
                case ERROR -> "FAIL: " + v.note();
            };
            out.println(String.format(Locale.ROOT, "%-9s %-24s %9s %9s %7s %6s  %s", v.row().backend(), v.row().check(),
                    m == null ? "-" : String.format(Locale.ROOT, "%.1f", m.gflops()),
                    m == null ? "-" : String.format(Locale.ROOT, "%.1f", m.roofline()),
                    m == null ? "-" : String.format(Locale.ROOT, "%.3f", m.ratio()),
                    v.row().floor() == null ? "tbd" : String.format(Locale.ROOT, "%.2f", v.row().floor()), result));
        }
    }

    // ---------------------------------------------------------------- the noise study

    private int noise(GateFloors floors, Sampler.Settings t, PrintWriter out, PrintWriter err) {
        Map<String, List<Map<String, String>>> byCheck = new LinkedHashMap<>();
        int failedRuns = 0;
        for (int i = 1; i <= runs; i++) {
            out.println("== gate run " + i + " of " + runs + " (a new JVM)");
            out.flush();
            List<String> results = new ArrayList<>();
            int code = runChild(floors, t, out, err, results);
            if (results.isEmpty()) failedRuns++;
            for (String line : results) {
                Map<String, String> f = BenchLine.fields(line.substring(RESULT_PREFIX.length()));
                String key = f.get("family") + " " + f.get("backend") + " " + f.get("cell") + " " + f.get("mode") + " "
                        + f.get("dtype") + " " + f.get("shape");
                byCheck.computeIfAbsent(key, k -> new ArrayList<>()).add(f);
            }
            out.println("== gate run " + i + ": exit status " + code);
        }
        out.println();
        out.println(String.format(Locale.ROOT, "noise over %d runs (one JVM each); suggested floor = min ratio x %.2f",
                runs, margin));
        out.println(String.format(Locale.ROOT, "%-40s %3s  %-23s %-23s %-23s %9s", "family backend check", "n",
                "ratio min/median/max", "GFLOP/s min/med/max", "roofline min/med/max", "suggested"));
        List<String> suggested = new ArrayList<>();
        for (Map.Entry<String, List<Map<String, String>>> e : byCheck.entrySet()) {
            double[] ratio = column(e.getValue(), "ratio"), g = column(e.getValue(), "gflops"), roof = column(e.getValue(),
                    "roofline");
            double floor = Math.floor(ratio[0] * margin * 100) / 100;
            out.println(String.format(Locale.ROOT, "%-40s %3d  %-23s %-23s %-23s %9.2f", e.getKey(), ratio.length,
                    triple(ratio, "%.3f"), triple(g, "%.1f"), triple(roof, "%.1f"), floor));
            String[] k = e.getKey().split(" ");
            suggested.add(String.format(Locale.ROOT, "%-9s %-8s %-5s %-7s %-6s %-6s %-6.2f # ratio min %.3f / median %.3f / "
                            + "max %.3f over %d JVMs; GFLOP/s %s; roofline %s", k[0], k[1], k[2], k[3], k[4], k[5], floor,
                    ratio[0], median(ratio), ratio[ratio.length - 1], ratio.length, triple(g, "%.1f"), triple(roof, "%.1f")));
        }
        out.println();
        out.println("suggested floors-file lines:");
        for (String s : suggested) out.println(s);
        out.flush();
        return failedRuns == 0 ? 0 : 1;
    }

    private static double[] column(List<Map<String, String>> rows, String key) {
        double[] v = new double[rows.size()];
        for (int i = 0; i < v.length; i++) v[i] = Double.parseDouble(rows.get(i).get(key));
        Arrays.sort(v);
        return v;
    }

    private static double median(double[] sorted) {
        return SampleStats.quantile(sorted, 0.5);
    }

    private static String triple(double[] sorted, String fmt) {
        return String.format(Locale.ROOT, fmt + "/" + fmt + "/" + fmt, sorted[0], median(sorted), sorted[sorted.length - 1]);
    }
}
