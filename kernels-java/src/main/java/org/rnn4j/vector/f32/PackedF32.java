package org.rnn4j.vector.f32;

import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.spi.PreparedWeights;
import org.rnn4j.vector.CellKind;
import org.rnn4j.vector.GateLayout;
import org.rnn4j.vector.Species;

/** The float32 prepared weights of the {@code vector} backend: every layer direction packed (see {@link PackedWeightsF32}). */
public final class PackedF32 implements PreparedWeights {
    private final RnnConfig config;
    private final RnnParameters source;
    private final PackedWeightsF32[] slots;

    public PackedF32(RnnConfig config, RnnParameters source) {
        this.config = config;
        this.source = source;
        GateLayout gl = new GateLayout(CellKind.of(config.cell()), config.hiddenSize(), Species.F32.length());
        slots = new PackedWeightsF32[config.stateRows()];
        for (int l = 0; l < config.layers(); l++) {
            for (int d = 0; d < config.directions(); d++) slots[l * config.directions() + d] = new PackedWeightsF32(config, gl, l, d);
        }
        refresh();
    }

    PackedWeightsF32 get(int layer, int dir) {
        return slots[layer * config.directions() + dir];
    }

    @Override
    public RnnConfig config() {
        return config;
    }

    @Override
    public void refresh() {
        for (PackedWeightsF32 s : slots) s.load(source);
    }

    @Override
    public void close() {}
}
