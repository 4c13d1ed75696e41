package org.rnn4j.tool;

import org.rnn4j.Cell;
import org.rnn4j.DType;

/** One RNN timing request: the same for {@code bench} and every peer, so their bench lines compare. */
record BenchSpec(Cell cell, BenchCommand.BenchMode mode, Converters.Shape shape, DType dtype, int threads, long seed,
                 Sampler.Settings timing) {
    String dtypeName() {
        return Converters.shortName(dtype);
    }

    /** "lstm fwdbwd f32 T,N,I,H=100,64,512,512 threads=1": how error messages name the run. */
    String describe() {
        return cell.id() + " " + mode + " " + dtypeName() + " shape T,N,I,H=" + shape + " threads=" + threads;
    }
}
