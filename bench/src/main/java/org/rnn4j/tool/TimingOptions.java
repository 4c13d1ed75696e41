package org.rnn4j.tool;

import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/** The warm-up and sampling options shared by {@code bench}, {@code compare} and the peers (see {@link Sampler}). */
final class TimingOptions {
    @Spec(Spec.Target.MIXEE)
    CommandSpec mixee;

    @Option(names = "--warmup", paramLabel = "W", defaultValue = "5",
            description = "Fewest warm-up (untimed) calls, at least 1 (default: ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--warmup-time", paramLabel = "SECONDS", defaultValue = "3",
            description = "Shortest warm-up in seconds (default: ${DEFAULT-VALUE}); the warm-up then goes on until "
                    + "the timings settle (see --settle).")
    double warmupTime;

    @Option(names = "--warmup-max", paramLabel = "SECONDS", defaultValue = "60",
            description = "Longest warm-up in seconds, settled or not (default: ${DEFAULT-VALUE}); the bench line "
                    + "then says settled=no.")
    double warmupMax;

    @Option(names = "--settle", paramLabel = "PCT", defaultValue = "2",
            description = "Settled: the medians of the last two warm-up windows (each >= 5 calls and >= 0.2 s) are "
                    + "no more than PCT%% below the best earlier window (default: ${DEFAULT-VALUE}).")
    double settle;

    @Option(names = "--samples", paramLabel = "S", defaultValue = "20",
            description = "Timed calls after the warm-up, at least 5 (default: ${DEFAULT-VALUE}).")
    int samples;

    /** The validated settings; bad values are usage errors naming the option. */
    Sampler.Settings settings() {
        if (samples < 5) throw usage("--samples", "expected at least 5 but was " + samples);
        if (warmup < 1) throw usage("--warmup", "expected at least 1 but was " + warmup);
        if (!(warmupTime >= 0) || Double.isInfinite(warmupTime)) {
            throw usage("--warmup-time", "expected a number of seconds >= 0 but was " + warmupTime);
        }
        if (!(warmupMax >= warmupTime) || Double.isInfinite(warmupMax)) {
            throw usage("--warmup-max", "expected a number of seconds >= --warmup-time (" + warmupTime + ") but was "
                    + warmupMax);
        }
        if (!(settle > 0 && settle < 100)) throw usage("--settle", "expected a percentage in (0, 100) but was " + settle);
        return new Sampler.Settings(warmup, warmupTime, warmupMax, settle, samples);
    }

    private ParameterException usage(String option, String message) {
        return new ParameterException(mixee.commandLine(), "Invalid value for option '" + option + "': " + message);
    }
}
