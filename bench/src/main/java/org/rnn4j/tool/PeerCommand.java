package org.rnn4j.tool;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** {@code peer}: the peers, each printing the bench line of {@code bench} (see docs/cli.md). */
@Command(name = "peer",
        mixinStandardHelpOptions = true,
        description = {"Times a peer library on the configuration ./rnn4j bench times, in the peer's best "
                + "configuration, and prints the same bench line: torch (PyTorch, Python), onnxruntime (ONNX Runtime, "
                + "Java API), openblas (the GEMM roofline) and peak (the Vector API FMA peak).",
                "./rnn4j compare runs a backend and a peer back to back and prints their ratio."},
        subcommands = {TorchPeer.class, OnnxRuntimePeer.class, OpenblasPeer.class, PeakPeer.class})
final class PeerCommand implements Runnable {
    @Spec
    CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing required peer (one of torch, onnxruntime, openblas, "
                + "peak)");
    }
}
