package org.rnn4j.tool;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code compare}: one backend and one peer back to back on the same configuration, then both bench lines and the
 * ratio of their GFLOP/s.
 */
@Command(name = "compare",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {"Runs ./rnn4j bench on a backend, then a peer (./rnn4j peer P) with the same cell, mode, shape, "
                + "dtype, threads, seed and timing options, and ends with three lines: the backend's bench line, the "
                + "peer's, and",
                "compare: backend=B peer=P cell=C mode=M dtype=D T=.. N=.. I=.. H=.. threads=K ratio=R",
                "where R = backend GFLOP/s / peer GFLOP/s at the medians (> 1: the backend is faster). With --peer "
                        + "openblas the peer is the GEMM roofline (sgemm/dgemm of --gemm-size at K threads), with "
                        + "--peer peak the Vector API FMA peak at K threads: R is then the fraction of it reached.",
                "Every peer's constraints are checked before anything runs."})
final class CompareCommand implements Callable<Integer> {
    /** The peers {@code compare} knows. */
    enum Peer { torch, onnxruntime, openblas, peak }

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", paramLabel = "B", required = true, description = "Backend to time (ours).")
    String backend;

    @Option(names = "--peer", paramLabel = "P", required = true,
            description = "The peer: ${COMPLETION-CANDIDATES}.")
    Peer peer;

    @Mixin
    RnnRunOptions run;

    @Mixin
    PeerOptions peerOptions;

    @Option(names = "--python", paramLabel = "PYTHON", description = "Python of the torch peer (see peer torch --help).")
    String python;

    @Option(names = "--gemm-size", paramLabel = "S", defaultValue = "2048",
            description = "M = N = K of the openblas peer's GEMM (default: ${DEFAULT-VALUE}).")
    int gemmSize;

    @Override
    public Integer call() {
        BenchSpec s = run.spec();
        // Everything the peer cannot do is found before our run, not after it.
        switch (peer) {
            case torch -> TorchPeer.validate(spec, s);
            case onnxruntime -> OnnxRuntimePeer.validate(spec, s);
            case openblas -> OpenblasPeer.validate(spec, s.threads(), gemmSize);
            case peak -> PeakPeer.validate(spec, s.threads());
        }
        BackendChoice.requireKnown(spec, backend);
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();

        out.println("== " + backend + ": bench --backend " + backend + " " + args(s));
        out.flush();
        String ours = BenchCommand.run(spec, backend, s, out, null);
        out.println(ours);
        out.println("== " + peer + ": peer " + peer + " " + (peer == Peer.openblas ? "--size " + gemmSize + " " : "")
                + args(s));
        out.flush();
        String theirs = switch (peer) {
            case torch -> TorchPeer.run(s, peerOptions.openblasCoretype, python, out, err);
            case onnxruntime -> OnnxRuntimePeer.run(s, out);
            case openblas -> OpenblasPeer.runChild(s.dtype(), s.threads(), gemmSize, s.seed(), s.timing(),
                    peerOptions.openblasCoretype, out, err);
            case peak -> PeakPeer.run(s.dtype(), s.threads(), PeakPeer.ITERATIONS, s.timing(), out);
        };
        out.println(theirs);
        out.println("==");
        out.println(ours);
        out.println(theirs);
        out.println(line(ours, theirs, peer.name(), s));
        out.flush();
        return 0;
    }

    /** The compare line: {@code ratio} = ours' gflops / the peer's, both at the median. */
    static String line(String ours, String theirs, String peer, BenchSpec s) {
        Map<String, String> a = BenchLine.parse(ours), b = BenchLine.parse(theirs);
        double ga = Double.parseDouble(a.get("gflops")), gb = Double.parseDouble(b.get("gflops"));
        return String.format(Locale.ROOT, "compare: backend=%s peer=%s cell=%s mode=%s dtype=%s T=%d N=%d I=%d H=%d "
                        + "threads=%d ratio=%.3f", a.get("backend"), peer, s.cell().id(), s.mode(), s.dtypeName(),
                s.shape().seqLength(), s.shape().batch(), s.shape().inputSize(), s.shape().hiddenSize(), s.threads(),
                ga / gb);
    }

    private static String args(BenchSpec s) {
        return "--cell " + s.cell().id() + " --mode " + s.mode() + " --shape " + s.shape() + " --dtype " + s.dtypeName()
                + " --threads " + s.threads() + " --seed " + s.seed() + " " + String.join(" ", s.timing().asOptions());
    }
}
