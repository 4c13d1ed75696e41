package org.rnn4j.tool;

import org.rnn4j.Cell;
import org.rnn4j.DType;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** What an RNN timing runs (cell, mode, shape, dtype, threads, seed) and how ({@link TimingOptions}). */
final class RnnRunOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--cell", paramLabel = "C", required = true, converter = Converters.Cells.class,
            description = "lstm, lstm_peephole, gru, gru_reset_before, rnn_tanh or rnn_relu.")
    Cell cell;

    @Option(names = "--mode", paramLabel = "M", required = true,
            description = "fwd (inference forward), fwdbwd (training forward + backward) or step (one inference cell "
                    + "step). Valid values: ${COMPLETION-CANDIDATES}.")
    BenchCommand.BenchMode mode;

    @Option(names = "--shape", paramLabel = "T,N,I,H", required = true, converter = Converters.Shapes.class,
            description = "Sequence length, batch, input size, hidden size, e.g. 50,32,256,256.")
    Converters.Shape shape;

    @Option(names = "--dtype", paramLabel = "f32|f64", defaultValue = "f32", converter = Converters.DTypes.class,
            description = "Data type (default: ${DEFAULT-VALUE}).")
    DType dtype;

    @Option(names = "--threads", paramLabel = "K", defaultValue = "1",
            description = "Threads the backend or peer may use (default: ${DEFAULT-VALUE}). A backend that cannot use "
                    + "K threads is an error (the reference backend is single-threaded).")
    int threads;

    @Option(names = "--seed", defaultValue = "42", description = "Seed of the random data (default: ${DEFAULT-VALUE}).")
    long seed;

    @Mixin
    TimingOptions timing;

    /** The validated run; bad values are usage errors naming the option. */
    BenchSpec spec() {
        Sampler.Settings t = timing.settings();
        if (threads < 1) {
            throw new ParameterException(mixee.commandLine(), "Invalid value for option '--threads': expected >= 1 but "
                    + "was " + threads);
        }
        return new BenchSpec(cell, mode, shape, dtype, threads, seed, t);
    }
}
