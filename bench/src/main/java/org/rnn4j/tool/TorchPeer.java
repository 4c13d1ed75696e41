package org.rnn4j.tool;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintWriter;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.rnn4j.Cell;
import org.rnn4j.RnnConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code peer torch}: PyTorch's {@code torch.nn.LSTM/GRU/RNN} (and the cells for {@code step}) timed by
 * {@code bench/peers/torch_bench.py} in a Python child process, in its best configuration on this machine.
 */
@Command(name = "torch",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"PyTorch peer: times torch.nn.LSTM/GRU/RNN (fwd: inference forward; fwdbwd: training forward "
                + "+ backward through inputs, states and weights; step: LSTMCell/GRUCell/RNNCell) with "
                + "torch.set_num_threads(K), and prints the bench line of ./rnn4j bench with backend=torch.",
                "Runs bench/peers/torch_bench.py with the Python that has torch (Debian: apt-get install -y "
                        + "python3-torch libopenblas0-openmp), Debian's OpenBLAS through LD_LIBRARY_PATH, and "
                        + "OPENBLAS_CORETYPE=SkylakeX on AVX-512 CPUs (see --openblas-coretype).",
                "Cells: lstm, gru (PyTorch's GRU is the linear-before-reset form), rnn_tanh, rnn_relu; lstm_peephole "
                        + "and gru_reset_before are not expressible in PyTorch."})
final class TorchPeer implements Callable<Integer> {
    /** Debian's OpenMP build of OpenBLAS ({@code libopenblas0-openmp}), put first on the library path. */
    static final Path DEBIAN_OPENBLAS = Path.of("/usr/lib/x86_64-linux-gnu/openblas-openmp");
    static final String PYTHON_ENV = "RNN4J_PYTHON";

    @Spec
    CommandSpec spec;

    @Mixin
    RnnRunOptions run;

    @Mixin
    PeerOptions peer;

    @Option(names = "--python", paramLabel = "PYTHON",
            description = "Python interpreter (default: $RNN4J_PYTHON, else the first of python3 and /usr/bin/python3 "
                    + "that has torch).")
    String python;

    @Override
    public Integer call() {
        BenchSpec s = run.spec();
        validate(spec, s);
        PrintWriter out = spec.commandLine().getOut();
        out.println(run(s, peer.openblasCoretype, python, out, spec.commandLine().getErr()));
        out.flush();
        return 0;
    }

    /** Why PyTorch cannot run {@code cell}, or null. */
    static String unsupported(Cell cell) {
        return switch (cell.id()) {
            case "lstm_peephole" -> "PyTorch has no peephole LSTM (torch.nn.LSTM and LSTMCell have no peephole "
                    + "weights): lstm_peephole is not expressible in PyTorch";
            case "gru_reset_before" -> "PyTorch's torch.nn.GRU/GRUCell is the linear-before-reset form (r multiplies "
                    + "W_hn h + b_hn, as cuDNN): the reset-before form gru_reset_before is not expressible in PyTorch; "
                    + "use --cell gru";
            default -> null;
        };
    }

    static void validate(CommandSpec spec, BenchSpec s) {
        String why = unsupported(s.cell());
        if (why != null) throw new ParameterException(spec.commandLine(), "Invalid value for option '--cell': " + why);
    }

    /** Runs the PyTorch peer; returns its bench line (the rest of its output goes to {@code out}/{@code err}). */
    static String run(BenchSpec s, String openblasCoretype, String pythonOption, PrintWriter out, PrintWriter err) {
        RnnConfig cfg = RnnConfig.builder(s.cell(), s.shape().inputSize(), s.shape().hiddenSize()).dtype(s.dtype())
                .build();
        double flops = BenchCommand.flops(cfg, s.mode(), s.shape().seqLength(), s.shape().batch());
        MemoryBudget budget = BenchCommand.toolMemory(cfg, s);
        if (s.mode() == BenchCommand.BenchMode.fwdbwd) {
            // Autograd keeps the gates and the cell states of every step (an estimate of PyTorch's saved tensors).
            budget.add("saved activations (estimated)", (long) s.shape().seqLength() * s.shape().batch()
                    * (cfg.gates() + 2L) * cfg.hiddenSize(), s.dtype().bytes());
        }
        budget.require("peer torch " + s.describe(), BenchCommand.availableMemory(), null);

        Python python = findPython(pythonOption);
        Map<String, String> env = new LinkedHashMap<>();
        if (python.debianTorch()) {
            if (!Files.isDirectory(DEBIAN_OPENBLAS)) {
                throw new ToolException("peer torch: Debian's PyTorch (" + python.torchDir() + ") uses the BLAS the "
                        + "system gives it, and only the reference BLAS is installed (24x slower for RNNs); install "
                        + "Debian's OpenBLAS with 'apt-get install -y libopenblas0-openmp' (" + DEBIAN_OPENBLAS
                        + " is missing)");
            }
            String old = System.getenv("LD_LIBRARY_PATH");
            env.put("LD_LIBRARY_PATH", DEBIAN_OPENBLAS + (old == null || old.isEmpty() ? "" : ":" + old));
        }
        CpuInfo cpu = CpuInfo.read();
        env.putAll(OpenblasEnv.changes(openblasCoretype, cpu, s.threads()));
        Path script = script();
        out.println("peer torch: " + python.executable() + " " + script);
        out.println("  environment: " + OpenblasEnv.describe(env));
        out.println("  " + OpenblasEnv.reason(openblasCoretype, cpu)
                + (python.debianTorch() ? "; LD_LIBRARY_PATH: Debian's PyTorch links libblas.so.3, which is the "
                + "reference BLAS unless Debian's OpenBLAS comes first" : ""));
        out.flush();

        List<String> cmd = new ArrayList<>(List.of(python.executable(), script.toString(),
                "--cell", s.cell().id(), "--mode", s.mode().name(), "--shape", s.shape().toString(),
                "--dtype", s.dtypeName(), "--threads", Integer.toString(s.threads()),
                "--seed", Long.toString(s.seed()), "--flops", String.format(Locale.ROOT, "%.1f", flops)));
        cmd.addAll(s.timing().asOptions());
        return ChildProcess.run("peer torch (" + python.executable() + ")", cmd, env, out, err);
    }

    /** A Python interpreter and where its torch package is. */
    record Python(String executable, String torchDir) {
        boolean debianTorch() {
            return torchDir.startsWith("/usr/lib/python3/dist-packages/");
        }
    }

    /**
     * The Python to run: {@code --python}, else {@code $RNN4J_PYTHON}, else the first of {@code python3} on the PATH
     * and {@code /usr/bin/python3} that can import torch (Debian's python3-torch installs for /usr/bin/python3 only,
     * which need not be the python3 on the PATH).
     */
    static Python findPython(String explicit) {
        List<String> candidates = new ArrayList<>();
        String env = System.getenv(PYTHON_ENV);
        if (explicit != null) candidates.add(explicit);
        else if (env != null && !env.isBlank()) candidates.add(env);
        else candidates.addAll(List.of("python3", "/usr/bin/python3"));
        List<String> tried = new ArrayList<>();
        for (String c : candidates) {
            String probe = probe(c);
            if (probe != null && probe.startsWith("/")) {
                return new Python(c, Path.of(probe).getParent().toString() + "/");
            }
            tried.add(c + (probe == null ? " (not found)" : " (" + probe + ")"));
        }
        throw new ToolException("peer torch: no Python with PyTorch found (tried " + String.join(", ", tried)
                + "). Install Debian's PyTorch and OpenBLAS with 'apt-get install -y python3-torch "
                + "libopenblas0-openmp' (for /usr/bin/python3), or name a Python that has torch with --python or $"
                + PYTHON_ENV);
    }

    /** The path of torch's __init__.py for {@code python}, "no torch", or null when it does not run. */
    private static String probe(String python) {
        try {
            Process p = new ProcessBuilder(python, "-c",
                    "import importlib.util; s = importlib.util.find_spec('torch'); print(s.origin if s else 'no torch')")
                    .redirectErrorStream(true).start();
            String outText;
            try (InputStream in = p.getInputStream()) {
                outText = new String(in.readAllBytes(), StandardCharsets.UTF_8).strip();
            }
            if (!p.waitFor(60, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return null;
            }
            if (p.exitValue() != 0) return null;
            String[] lines = outText.split("\n");
            return lines[lines.length - 1].strip();
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * The runner script: {@code bench/peers/torch_bench.py} of the source tree when the tool runs from its build
     * ({@code bench/target/rnn4j-bench.jar} or {@code bench/target/classes}), so edits take effect at once; else the
     * copy bundled in the jar, extracted to a temporary file.
     */
    static Path script() {
        try {
            Path here = Path.of(TorchPeer.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path inTree = here.getParent().getParent().resolve("peers").resolve("torch_bench.py");
            if (Files.isRegularFile(inTree)) return inTree;
        } catch (URISyntaxException | RuntimeException e) {
            // Fall back to the bundled copy.
        }
        try (InputStream in = TorchPeer.class.getResourceAsStream("/peers/torch_bench.py")) {
            if (in == null) throw new ToolException("peer torch: torch_bench.py is neither in bench/peers nor in the jar");
            Path tmp = Files.createTempFile("rnn4j-torch_bench", ".py");
            tmp.toFile().deleteOnExit();
            Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
            return tmp;
        } catch (IOException e) {
            throw new ToolException("peer torch: cannot extract torch_bench.py: " + e.getMessage(), e);
        }
    }
}
