package org.rnn4j.tool;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.Backends;
import org.rnn4j.DType;
import org.rnn4j.conform.Conformance;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code demo}: conform (f64, f32) on the bundled fixtures and gradcheck with single steps, for every available backend. */
@Command(name = "demo",
        mixinStandardHelpOptions = true,
        description = {"For every available backend: conform on the bundled PyTorch fixtures in f64 and f32, and "
                + "gradcheck (sequence calls and single steps); then a summary table (backend, check, passed, "
                + "failed, max error).",
                "The last line is 'demo: all checks passed' (exit status 0) or 'demo: N checks failed' (exit status 1)."})
final class DemoCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = {"-q", "--quiet"}, description = "Print only the summary table, not every case.")
    boolean quiet;

    private record Row(String backend, String check, int passed, int failed, String maxError) {
        boolean ok() {
            return failed == 0 && passed > 0;
        }
    }

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter detail = quiet ? new PrintWriter(new StringWriter()) : out;
        List<Row> rows = new ArrayList<>();
        List<String> unavailable = new ArrayList<>();
        try (BundledFixtures fx = BundledFixtures.open()) {
            for (Backends.Info info : Backends.list()) {
                if (!info.available()) {
                    unavailable.add(info.name() + ": " + info.reason());
                    continue;
                }
                detail.println("== backend " + info.name() + " ==");
                for (DType dt : List.of(DType.F64, DType.F32)) {
                    String check = "conform " + Converters.shortName(dt);
                    try {
                        RnnBackend b = Backends.get(info.name());
                        Conformance.Summary s = ConformCommand.run(detail, fx.dir(), fx.description(), b, dt);
                        rows.add(new Row(info.name(), check, s.passed(), s.failed(),
                                Conformance.formatError(s.maxError()) + " (threshold "
                                        + Conformance.formatError(Conformance.threshold(dt)) + ")"));
                    } catch (RuntimeException e) {
                        detail.println(check + " could not run: " + e.getMessage());
                        rows.add(new Row(info.name(), check, 0, 1, "error: " + e.getMessage()));
                    }
                    detail.println();
                }
                try {
                    GradcheckCommand.Outcome g = GradcheckCommand.run(detail, Backends.get(info.name()), true);
                    rows.add(new Row(info.name(), "gradcheck", g.passed(), g.failed(), Double.isNaN(g.worstRatio())
                            ? "n/a" : String.format(Locale.ROOT, "%.1e of allowed (worst |analytic-numeric|/allowed)", g.worstRatio())));
                } catch (RuntimeException e) {
                    detail.println("gradcheck could not run: " + e.getMessage());
                    rows.add(new Row(info.name(), "gradcheck", 0, 1, "error: " + e.getMessage()));
                }
                detail.println();
                detail.flush();
            }
        }

        out.println("Summary");
        out.println(String.format(Locale.ROOT, "  %-10s %-13s %7s %7s  %s", "backend", "check", "passed", "failed",
                "max error"));
        for (Row r : rows) {
            out.println(String.format(Locale.ROOT, "  %-10s %-13s %7d %7d  %s%s", r.backend(), r.check(), r.passed(),
                    r.failed(), r.maxError(), r.ok() ? "" : "  FAIL"));
        }
        for (String u : unavailable) out.println("  (not run) " + u);
        long failed = rows.stream().filter(r -> !r.ok()).count();
        if (rows.isEmpty()) {
            out.println("  no backend is available");
            out.println("demo: 1 checks failed");
            out.flush();
            return 1;
        }
        out.println(failed == 0 ? "demo: all checks passed" : "demo: " + failed + " checks failed");
        out.flush();
        return failed == 0 ? 0 : 1;
    }
}
