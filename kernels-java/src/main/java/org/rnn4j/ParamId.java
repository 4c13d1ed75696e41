package org.rnn4j;

/**
 * One parameter tensor of a network: its kind, layer and direction. Its {@link #name()} is the PyTorch
 * {@code state_dict} key, e.g. {@code weight_hh_l1_reverse}.
 */
public record ParamId(ParamKind kind, int layer, boolean reverse) {

    public ParamId {
        if (kind == null) throw new IllegalArgumentException("kind: expected a ParamKind but was null");
        if (layer < 0) throw new IllegalArgumentException("layer: expected >= 0 but was " + layer);
    }

    /** Direction index: 0 forward, 1 reverse. */
    public int direction() {
        return reverse ? 1 : 0;
    }

    public String name() {
        return kind.prefix() + "_l" + layer + (reverse ? "_reverse" : "");
    }

    /** The PyTorch shape of this parameter under {@code config}. */
    public int[] shape(RnnConfig config) {
        int gh = config.gates() * config.hiddenSize();
        return switch (kind) {
            case WEIGHT_IH -> new int[] {gh, config.layerInputSize(layer)};
            case WEIGHT_HH -> new int[] {gh, config.hiddenSize()};
            case BIAS_IH, BIAS_HH -> new int[] {gh};
            case WEIGHT_PEEPHOLE -> new int[] {3, config.hiddenSize()};
        };
    }

    /** Parses a {@code state_dict} key such as {@code bias_ih_l0_reverse}; null if it is not one. */
    public static ParamId parse(String name) {
        if (name == null) return null;
        for (ParamKind k : ParamKind.values()) {
            String p = k.prefix() + "_l";
            if (!name.startsWith(p)) continue;
            String rest = name.substring(p.length());
            boolean rev = rest.endsWith("_reverse");
            if (rev) rest = rest.substring(0, rest.length() - "_reverse".length());
            if (rest.isEmpty() || rest.length() > 6 || !rest.chars().allMatch(Character::isDigit)) return null;
            return new ParamId(k, Integer.parseInt(rest), rev);
        }
        return null;
    }

    @Override
    public String toString() {
        return name();
    }
}
