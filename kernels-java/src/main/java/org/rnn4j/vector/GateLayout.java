package org.rnn4j.vector;

/**
 * Where gate {@code g} of hidden unit {@code j} sits in the rows the kernels work on, for one cell and one vector
 * width V (NR = 2V columns per GEMM panel). Units are padded to {@code Hp}, a multiple of NR, so that panels,
 * unit blocks and thread shares line up; padded columns have zero weights and their results are never read.
 *
 * <ul>
 *   <li>Forward pre-activations ({@code Gx}, {@code Gh}, saved gates), {@link #fwdWidth()} wide. LSTM: per block
 *       of V units the four gates i, f, g, o one vector each, so one fused pass reads a unit's gates side by side.
 *       GRU: {@code [r z]} blocked the same way over {@code 2Hp} columns, then {@code n} over {@code Hp} (the
 *       reset-before GRU multiplies n's recurrent part after r is known: a separate panel range). RNN: the units.</li>
 *   <li>Pre-activation gradients {@code dG}, {@link #dgWidth()} wide: the forward order, except the
 *       linear-before-reset GRU, whose n gate has two gradients ({@code dan} through W_in, {@code dan·r} through
 *       W_hn): {@code [n_x | r z | n_h]}, so the x part {@code [0, 3Hp)} and the h part {@code [Hp, 4Hp)} are
 *       each contiguous.</li>
 * </ul>
 */
public final class GateLayout {
    public final CellKind kind;
    public final int hidden;
    public final int lanes;
    public final int panelWidth;
    public final int hp;

    public GateLayout(CellKind kind, int hidden, int lanes) {
        this.kind = kind;
        this.hidden = hidden;
        this.lanes = lanes;
        this.panelWidth = 2 * lanes;
        this.hp = (hidden + panelWidth - 1) / panelWidth * panelWidth;
    }

    public int gates() {
        return kind.gates();
    }

    /** Row width of Gx, Gh and the saved activated gates. */
    public int fwdWidth() {
        return gates() * hp;
    }

    /** Column of the forward pre-activation of gate g, unit j. */
    public int fwdColumn(int g, int j) {
        int b = j / lanes, l = j % lanes;
        return switch (kind.gates()) {
            case 4 -> b * 4 * lanes + g * lanes + l;
            case 3 -> g < 2 ? b * 2 * lanes + g * lanes + l : 2 * hp + j;
            default -> j;
        };
    }

    /** Row width of dG. */
    public int dgWidth() {
        return kind == CellKind.GRU_LINEAR_BEFORE_RESET ? 4 * hp : fwdWidth();
    }

    /** First column of dG's input-side part (what W_ih and b_ih see). */
    public int dgXOffset() {
        return 0;
    }

    /** Width of dG's input-side part: G·Hp. */
    public int dgXWidth() {
        return fwdWidth();
    }

    /** First column of dG's recurrent part (what W_hh and b_hh see). */
    public int dgHOffset() {
        return kind == CellKind.GRU_LINEAR_BEFORE_RESET ? hp : 0;
    }

    /** Column of d(pre-activation) of gate g, unit j, as W_ih sees it. */
    public int dgXColumn(int g, int j) {
        if (kind == CellKind.GRU_LINEAR_BEFORE_RESET) return g == 2 ? j : hp + fwdColumn(g, j);
        return fwdColumn(g, j);
    }

    /** Column of d(pre-activation) of gate g, unit j, as W_hh sees it. */
    public int dgHColumn(int g, int j) {
        if (kind == CellKind.GRU_LINEAR_BEFORE_RESET) return g == 2 ? 3 * hp + j : hp + fwdColumn(g, j);
        return fwdColumn(g, j);
    }

    /** Units per share of the per-step work: one panel width, so shares split panels exactly. */
    public int unitGrain() {
        return panelWidth;
    }

    /** Forward panels of gate-group-A (all gates but a reset-before GRU's n) per unit grain. */
    public int panelsPerGrain() {
        return kind.gates() == 4 ? 4 : kind.gates() == 3 ? 2 : 1;
    }

    /** First forward panel of the n gate (GRU only). */
    public int nPanel0() {
        return 2 * hp / panelWidth;
    }
}
