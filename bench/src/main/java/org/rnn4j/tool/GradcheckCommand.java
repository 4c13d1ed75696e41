package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.rnn4j.gradcheck.GradcheckCase;
import org.rnn4j.gradcheck.GradcheckData;
import org.rnn4j.gradcheck.GradcheckReport;
import org.rnn4j.gradcheck.GradientChecker;
import org.rnn4j.gradcheck.TensorCheck;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code gradcheck [--backend B] [--no-steps]}: the gradient checker over the standard suite and its single steps;
 * {@code gradcheck --case FILE.npz ...}: over the caller's own cases.
 */
@Command(name = "gradcheck",
        mixinStandardHelpOptions = true,
        description = {"Checks a backend's analytic gradients against central finite differences in float64 "
                + "(eps 1e-6, atol 1e-5, rtol 1e-3, as torch.autograd.gradcheck) over the standard suite: every cell "
                + "(LSTM, LSTM with peepholes, both GRU forms, RNN tanh/relu), single and stacked layers, "
                + "bidirectional, variable lengths, batch-first, on random small shapes; and the single-step API "
                + "(stepForward/stepBackward) of every layer and direction of every case, unless --no-steps.",
                "With --case, on the given case files instead (the sequence API): FILE.npz holds input, the "
                        + "parameters under their state_dict names, optionally h0, c0, lengths and the loss's "
                        + "coefficients grad_output, grad_h_n, grad_c_n; its configuration is FILE.json beside it "
                        + "(one case object of the cases.json format) or the entry of the cases.json beside it.",
                "Prints one row per case (its worst tensor), the full table of each failing case (of every case "
                        + "with --case), and last: gradcheck: P passed, F failed. Exit status 0 only when all pass."})
final class GradcheckCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "B", defaultValue = BackendChoice.DEFAULT,
            description = "Backend to check (default: ${DEFAULT-VALUE}; system property rnn4j.backend).")
    String backend;

    @Option(names = "--steps", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Also check the single-step API (stepForward/stepBackward) of every layer and direction "
                    + "of every case (default: on; --no-steps checks the sequence calls only).")
    boolean steps;

    @Option(names = "--case", paramLabel = "FILE.npz",
            description = "Check this case file instead of the standard suite (repeatable; the sequence API only, "
                    + "so --no-steps changes nothing).")
    List<Path> cases;

    @Option(names = "--upstream-seed", paramLabel = "S",
            description = "With --case: draw the upstream gradients a case does not hold (grad_output, grad_h_n, "
                    + "grad_c_n) uniform in [-1, 1) from seed S. Without it a case must hold at least one.")
    Long upstreamSeed;

    /** Totals of a run; {@code worstRatio} is the largest |analytic-numeric|/allowed seen (NaN when none ran). */
    record Outcome(int passed, int failed, double worstRatio) {
        boolean ok() {
            return failed == 0 && passed > 0;
        }
    }

    @Override
    public Integer call() {
        if (cases == null && upstreamSeed != null) {
            throw new ParameterException(spec.commandLine(), "--upstream-seed needs --case");
        }
        RnnBackend b = BackendChoice.resolve(spec, backend);
        if (cases != null) return runCases(spec.commandLine().getOut(), b, cases, upstreamSeed).ok() ? 0 : 1;
        return run(spec.commandLine().getOut(), b, steps).ok() ? 0 : 1;
    }

    /**
     * Reads every case file first (a file that cannot be read, or a case whose data the checker refuses, is an
     * error before anything runs), then checks each and prints its row and its whole table, then the summary.
     */
    static Outcome runCases(PrintWriter out, RnnBackend backend, List<Path> files, Long upstreamSeed) {
        GradientChecker checker = GradientChecker.defaults();
        List<GradcheckData> data = new ArrayList<>();
        for (Path f : files) {
            try {
                GradcheckData.Builder b = GradcheckData.fromCase(f);
                if (upstreamSeed != null) b.upstreamFromSeed(upstreamSeed);
                data.add(b.build());
            } catch (IOException e) {
                throw new ToolException(e.getMessage(), e);
            } catch (IllegalArgumentException e) {
                boolean noLoss = e.getMessage().contains("or upstreamFromSeed(seed), but none was given");
                throw new ToolException(f + ": " + e.getMessage() + (noLoss ? " (--upstream-seed S draws them)" : ""),
                        e);
            }
        }
        out.println("gradient check of backend " + backend.name() + " (" + checker + ", float64): " + data.size()
                + " case file" + (data.size() == 1 ? "" : "s"));
        int passed = 0, failed = 0;
        double worst = Double.NaN;
        for (int k = 0; k < data.size(); k++) {
            GradcheckData d = data.get(k);
            out.println("  " + files.get(k) + ": " + d);
            GradcheckReport r;
            try {
                r = checker.check(backend, d);
            } catch (RuntimeException | AssertionError | LinkageError e) {
                out.println("  gradcheck " + d.name() + " could not run: " + e);
                failed++;
                continue;
            }
            for (String line : r.toTable().split("\n")) out.println("  " + line);
            out.flush();
            TensorCheck w = r.worst();
            if (r.passed()) passed++; else failed++;
            if (w != null && !Double.isNaN(w.ratio()) && (Double.isNaN(worst) || w.ratio() > worst)) worst = w.ratio();
        }
        out.println("gradcheck: " + passed + " passed, " + failed + " failed");
        out.flush();
        return new Outcome(passed, failed, worst);
    }

    /** Runs the suite and prints the table and the summary line (last); shared with {@code demo}. */
    static Outcome run(PrintWriter out, RnnBackend backend, boolean steps) {
        GradientChecker checker = GradientChecker.defaults();
        List<GradcheckCase> cases = GradcheckCase.standard();
        out.println("gradient check of backend " + backend.name() + " (" + checker + ", float64): "
                + cases.size() + " cases" + (steps ? " plus single steps" : ""));
        out.println(String.format(Locale.ROOT, "  %-40s %-30s %10s %10s  %s", "case", "worst tensor", "abs error",
                "allowed", "result"));
        int passed = 0, failed = 0;
        double worst = Double.NaN;
        List<String> details = new ArrayList<>();
        for (GradcheckCase c : cases) {
            List<Row> rows = new ArrayList<>();
            rows.add(check(backend, c, -1, -1, checker));
            if (steps) {
                for (int l = 0; l < c.config().layers(); l++) {
                    for (int d = 0; d < c.config().directions(); d++) rows.add(check(backend, c, l, d, checker));
                }
            }
            for (Row r : rows) {
                out.println(r.line());
                out.flush();
                if (r.passed()) passed++; else failed++;
                if (!Double.isNaN(r.ratio()) && (Double.isNaN(worst) || r.ratio() > worst)) worst = r.ratio();
                if (!r.passed()) details.add(r.detail());
            }
        }
        for (String d : details) out.print(d.endsWith("\n") ? d : d + "\n");
        out.println("gradcheck: " + passed + " passed, " + failed + " failed");
        out.flush();
        return new Outcome(passed, failed, worst);
    }

    private record Row(String name, boolean passed, String tensor, double absError, double allowed, double ratio,
                       String detail) {
        String line() {
            return String.format(Locale.ROOT, "  %-40s %-30s %10.2e %10.2e  %s", name, tensor, absError, allowed,
                    passed ? "PASS" : "FAIL");
        }
    }

    private static Row check(RnnBackend backend, GradcheckCase c, int layer, int dir, GradientChecker checker) {
        String name = layer < 0 ? c.name() : c.name() + " step(l" + layer + ",d" + dir + ")";
        try {
            GradcheckReport r = layer < 0 ? checker.check(backend, c) : checker.checkStep(backend, c, layer, dir);
            TensorCheck w = r.worst();
            if (w == null) {
                return new Row(name, false, "(no tensors)", Double.NaN, Double.NaN, Double.NaN,
                        "gradcheck " + c + ": no tensors were checked\n");
            }
            return new Row(name, r.passed(), w.tensor(), w.absError(), w.allowed(), w.ratio(),
                    "case " + c + ":\n" + r.toTable());
        } catch (RuntimeException | AssertionError | LinkageError e) {
            return new Row(name, false, "(error)", Double.NaN, Double.NaN, Double.NaN,
                    "gradcheck " + c + " could not run: " + e + "\n");
        }
    }
}
