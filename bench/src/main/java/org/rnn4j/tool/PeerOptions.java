package org.rnn4j.tool;

import picocli.CommandLine.Option;

/** The OpenBLAS option of the peers that load OpenBLAS in a child process (PyTorch; the OpenBLAS roofline). */
final class PeerOptions {
    @Option(names = "--openblas-coretype", paramLabel = "auto|env|NAME", defaultValue = OpenblasEnv.AUTO,
            description = "OpenBLAS kernels of the peer: auto (default) sets OPENBLAS_CORETYPE=SkylakeX on AVX-512 "
                    + "CPUs and unsets it otherwise (and unsets OPENBLAS_L2_SIZE); env keeps the environment's; "
                    + "any other value is set as given.")
    String openblasCoretype;
}
