package org.rnn4j.reference;

import org.rnn4j.RnnConfig;
import org.rnn4j.RnnParameters;
import org.rnn4j.spi.PreparedWeights;

/** The reference backend's prepared weights: a float64 copy of every layer direction. */
final class ReferenceWeights implements PreparedWeights {
    private final RnnConfig config;
    private final RnnParameters source;
    final LayerWeights[] layers; // index layer * D + direction

    ReferenceWeights(RnnConfig config, RnnParameters source) {
        this.config = config;
        this.source = source;
        this.layers = new LayerWeights[config.stateRows()];
        for (int l = 0; l < config.layers(); l++) {
            for (int d = 0; d < config.directions(); d++) layers[l * config.directions() + d] = new LayerWeights(config, l);
        }
        refresh();
    }

    LayerWeights get(int layer, int dir) {
        return layers[layer * config.directions() + dir];
    }

    @Override
    public RnnConfig config() {
        return config;
    }

    @Override
    public void refresh() {
        for (int l = 0; l < config.layers(); l++) {
            for (int d = 0; d < config.directions(); d++) get(l, d).load(source, l, d);
        }
    }

    @Override
    public void close() {}
}
