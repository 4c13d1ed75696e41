// GENERATED from the float32 source by GenerateFloat64 (kernels-java/src/test): do not edit.
package org.rnn4j.vector.f64;

import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.vector.CellKind;
import org.rnn4j.vector.GateLayout;
import org.rnn4j.vector.Species;

/** The float64 prepared weights of the {@code vector} backend: every layer direction packed (see {@link PackedWeightsF64}). */
public final class PackedF64 implements PreparedWeights {
    private final RnnConfig config;
    private final RnnParameters source;
    private final PackedWeightsF64[] slots;

    public PackedF64(RnnConfig config, RnnParameters source) {
        this.config = config;
        this.source = source;
        GateLayout gl = new GateLayout(CellKind.of(config.cell()), config.hiddenSize(), Species.F64.length());
        slots = new PackedWeightsF64[config.stateRows()];
        for (int l = 0; l < config.layers(); l++) {
            for (int d = 0; d < config.directions(); d++) slots[l * config.directions() + d] = new PackedWeightsF64(config, gl, l, d);
        }
        refresh();
    }

    PackedWeightsF64 get(int layer, int dir) {
        return slots[layer * config.directions() + dir];
    }

    @Override
    public RnnConfig config() {
        return config;
    }

    @Override
    public void refresh() {
        for (PackedWeightsF64 s : slots) s.load(source);
    }

    @Override
    public void close() {}
}
