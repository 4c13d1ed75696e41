package org.rnn4j.tool;

import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import org.rnn4j.DType;
import org.rnn4j.conform.CaseResult;
import org.rnn4j.conform.Conformance;
import org.rnn4j.spi.RnnBackend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code conform [DIR] [--backend B] [--dtype f64|f32]}: runs a directory of reference cases. */
@Command(name = "conform",
        mixinStandardHelpOptions = true,
        description = {"Runs every case of a directory in the cases.json format (training forward and backward, "
                + "and an inference forward compared as output(inference), h_n(inference), c_n(inference)) and "
                + "prints one line per case with its maximum error. A case compares the expected results it holds "
                + "(any of output, h_n, c_n, grad_input, grad_h0, grad_c0, grad_<parameter>): backward runs only "
                + "when it holds a gradient; a case holding none fails.",
                "The error of an array is max|got-want| / max(1, max|want|); a case passes at 1e-10 in f64 and "
                        + "1e-4 in f32 (inputs and weights rounded to float, compared with the float64 wants); "
                        + "expectations stored as float32 are compared at 1e-4 in f64 too.",
                "The last line is: conform: P passed, F failed, max error E. Exit status 0 only when F = 0 and P > 0."})
final class ConformCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", arity = "0..1", paramLabel = "DIR",
            description = "Directory holding cases.json and the .npz files (default: the bundled PyTorch fixtures).")
    Path dir;

    @Option(names = "--backend", paramLabel = "B", defaultValue = BackendChoice.DEFAULT,
            description = "Backend to check (default: ${DEFAULT-VALUE}; system property rnn4j.backend).")
    String backend;

    @Option(names = "--dtype", paramLabel = "f64|f32", defaultValue = "f64", converter = Converters.DTypes.class,
            description = "Data type to run in (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Override
    public Integer call() {
        RnnBackend b = BackendChoice.resolve(spec, backend);
        PrintWriter out = spec.commandLine().getOut();
        if (dir != null) {
            if (!Files.isDirectory(dir)) throw new ToolException(dir + ": no such directory");
            return run(out, dir, dir.toString(), b, dtype).ok() ? 0 : 1;
        }
        try (BundledFixtures fx = BundledFixtures.open()) {
            return run(out, fx.dir(), fx.description(), b, dtype).ok() ? 0 : 1;
        }
    }

    /** Runs and prints the case lines and the summary line (last); shared with {@code demo}. */
    static Conformance.Summary run(PrintWriter out, Path dir, String where, RnnBackend backend, DType dtype) {
        List<CaseResult> results;
        try {
            results = Conformance.run(dir, backend, dtype);
        } catch (IOException e) {
            throw new ToolException(e.getMessage(), e);
        }
        out.println("conformance of backend " + backend.name() + " in " + dtype.numpyName() + " (threshold "
                + Conformance.formatError(Conformance.threshold(dtype))
                + (dtype == DType.F64 ? ", " + Conformance.formatError(Conformance.F32_THRESHOLD)
                        + " for float32 expectations" : "") + ") on " + where + ": " + results.size() + " cases");
        for (CaseResult r : results) {
            out.println("  " + r.line());
            out.flush();
        }
        Conformance.Summary s = Conformance.summarize(results);
        out.println(s.line());
        out.flush();
        return s;
    }
}
