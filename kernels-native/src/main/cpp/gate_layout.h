// The six cells as the kernels see them (CellKind, as the vector backend's CellKind.java) and where gate g of
// hidden unit j sits in the rows the kernels work on (GateLayout, as GateLayout.java).
//
// Units are padded to Hp, a multiple of the unit grain (two 64-byte blocks: 32 floats, 16 doubles), so that
// unit blocks, grains (the per-step share of work) and thread shares line up; padded weights are zero and
// padded units are forced to exact zeros.
//
// - Forward pre-activations (Gx, Gh, saved gates), fwd_width() wide. LSTM: per block of V units the four gates
//   i, f, g, o, one block each, so one pass reads a unit's gates side by side. GRU: [r z] blocked the same way
//   over 2Hp columns, then n over Hp. RNN: the units.
// - Pre-activation gradients dG, dg_width() wide: the forward order, except the linear-before-reset GRU, whose
//   n gate has two gradients (dan through W_in, dan*r through W_hn): [n_x | r z | n_h], so the input-side part
//   [0, 3Hp) and the recurrent part [Hp, 4Hp) are each contiguous for their GEMMs.
// - Saved rows (training) are 4Hp wide for the LSTM (i f g o) and the GRU (r z | n | extra: W_hn h + b_hn for
//   the linear-before-reset form, r*h for the reset-before form); the RNN saves nothing but its output.
#ifndef RNN4J_GATE_LAYOUT_H
#define RNN4J_GATE_LAYOUT_H

namespace rnn4j {

enum class CellKind : int {
    LSTM = 0,
    LSTM_PEEPHOLE = 1,
    GRU_LINEAR_BEFORE_RESET = 2,
    GRU_RESET_BEFORE = 3,
    RNN_TANH = 4,
    RNN_RELU = 5
};

inline bool is_lstm(CellKind k) {
    return k == CellKind::LSTM || k == CellKind::LSTM_PEEPHOLE;
}

inline bool is_gru(CellKind k) {
    return k == CellKind::GRU_LINEAR_BEFORE_RESET || k == CellKind::GRU_RESET_BEFORE;
}

inline int gate_count(CellKind k) {
    return is_lstm(k) ? 4 : is_gru(k) ? 3 : 1;
}

struct GateLayout {
    CellKind kind;
    int hidden;  // H
    int lanes;   // V: units per block (64 bytes of the element type)
    int grain;   // units per grain: 2V
    int hp;      // H padded to a multiple of the grain

    GateLayout(CellKind k, int h, int elementBytes)
        : kind(k), hidden(h), lanes(64 / elementBytes), grain(2 * (64 / elementBytes)),
          hp((h + 2 * (64 / elementBytes) - 1) / (2 * (64 / elementBytes)) * (2 * (64 / elementBytes))) {}

    int gates() const { return gate_count(kind); }

    /** Row width of Gx, Gh and the forward gate layout. */
    int fwd_width() const { return gates() * hp; }

    /** Column of the forward pre-activation of gate g, unit j. */
    int fwd_column(int g, int j) const {
        int b = j / lanes, l = j % lanes;
        switch (gates()) {
            case 4: return b * 4 * lanes + g * lanes + l;
            case 3: return g < 2 ? b * 2 * lanes + g * lanes + l : 2 * hp + j;
            default: return j;
        }
    }

    /** Row width of dG. */
    int dg_width() const { return kind == CellKind::GRU_LINEAR_BEFORE_RESET ? 4 * hp : fwd_width(); }

    /** dG's input-side part (what W_ih and b_ih see): columns [0, fwd_width()). */
    int dgx_width() const { return fwd_width(); }

    /** First column of dG's recurrent part (what W_hh and b_hh see). */
    int dgh_offset() const { return kind == CellKind::GRU_LINEAR_BEFORE_RESET ? hp : 0; }

    /** Width of dG's recurrent part: the rows of the backward recurrent weights. */
    int dgh_width() const { return kind == CellKind::GRU_LINEAR_BEFORE_RESET ? 3 * hp : fwd_width(); }

    /** Column of d(pre-activation) of gate g, unit j, as W_ih sees it. */
    int dgx_column(int g, int j) const {
        if (kind == CellKind::GRU_LINEAR_BEFORE_RESET) return g == 2 ? j : hp + fwd_column(g, j);
        return fwd_column(g, j);
    }

    /** Column of d(pre-activation) of gate g, unit j, as W_hh sees it. */
    int dgh_column(int g, int j) const {
        if (kind == CellKind::GRU_LINEAR_BEFORE_RESET) return g == 2 ? 3 * hp + j : hp + fwd_column(g, j);
        return fwd_column(g, j);
    }

    /** Width of a saved (training) gate row: 4Hp for the LSTM and the GRU, none for the RNN. */
    int saved_width() const { return is_lstm(kind) || is_gru(kind) ? 4 * hp : 0; }

    /** Grains of units: the per-step work is shared out in whole grains. */
    int grains() const { return hp / grain; }

    /**
     * Forward columns of the gates computed by the first recurrent product of grain q: [q*w, (q+1)*w) with
     * w = group_a_width(): the LSTM's four gates, the GRU's r and z, the RNN's units.
     */
    int group_a_width() const { return (gates() == 4 ? 4 : gates() == 3 ? 2 : 1) * grain; }

    /** First forward column of the n gate (GRU). */
    int n_offset() const { return 2 * hp; }
};

}  // namespace rnn4j

#endif  // RNN4J_GATE_LAYOUT_H
