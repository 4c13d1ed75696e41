package org.rnn4j.reference;

import org.rnn4j.Activation;
import org.rnn4j.Cell;
import org.rnn4j.GruVariant;

/**
 * One cell step of one sample, forward and backward, in float64, written straight from the equations in
 * {@code docs/equations.md}. Clarity over speed: this is the oracle the fast backends are measured against.
 */
final class CellMath {
    private CellMath() {}

    static double sigmoid(double x) {
        return 1.0 / (1.0 + Math.exp(-x));
    }

    /** y = W v + b for the rows [row0, row0 + rows) of a row-major W with {@code cols} columns. */
    private static void affine(double[] w, double[] b, double[] v, int row0, int rows, int cols, double[] y) {
        for (int r = 0; r < rows; r++) {
            double s = b[row0 + r];
            int base = (row0 + r) * cols;
            for (int k = 0; k < cols; k++) s += w[base + k] * v[k];
            y[row0 + r] = s;
        }
    }

    /** Forward: fills rec.gates, rec.extra, rec.c, rec.h from x and rec.hPrev, rec.cPrev. */
    static void forward(LayerWeights w, double[] x, StepRecord rec) {
        int H = w.hidden;
        int gh = w.gates * H;
        double[] ax = new double[gh];
        double[] ah = new double[gh];
        affine(w.wih, w.bih, x, 0, gh, w.in, ax);
        double[] hp = rec.hPrev;
        double[] g = rec.gates;
        switch (w.cell) {
            case Cell.Lstm lstm -> {
                affine(w.whh, w.bhh, hp, 0, gh, H, ah);
                double[] p = w.peep;
                for (int j = 0; j < H; j++) {
                    double cp = rec.cPrev[j];
                    double i = sigmoid(ax[j] + ah[j] + (p == null ? 0 : p[j] * cp));
                    double f = sigmoid(ax[H + j] + ah[H + j] + (p == null ? 0 : p[H + j] * cp));
                    double gg = Math.tanh(ax[2 * H + j] + ah[2 * H + j]);
                    double c = f * cp + i * gg;
                    double o = sigmoid(ax[3 * H + j] + ah[3 * H + j] + (p == null ? 0 : p[2 * H + j] * c));
                    g[j] = i;
                    g[H + j] = f;
                    g[2 * H + j] = gg;
                    g[3 * H + j] = o;
                    rec.c[j] = c;
                    rec.h[j] = o * Math.tanh(c);
                }
            }
            case Cell.Gru gru -> {
                boolean lbr = gru.variant() == GruVariant.LINEAR_BEFORE_RESET;
                affine(w.whh, w.bhh, hp, 0, lbr ? gh : 2 * H, H, ah);
                for (int j = 0; j < H; j++) {
                    g[j] = sigmoid(ax[j] + ah[j]);
                    g[H + j] = sigmoid(ax[H + j] + ah[H + j]);
                }
                if (lbr) {
                    for (int j = 0; j < H; j++) rec.extra[j] = ah[2 * H + j];
                } else {
                    for (int j = 0; j < H; j++) rec.extra[j] = g[j] * hp[j];
                    affine(w.whh, w.bhh, rec.extra, 2 * H, H, H, ah);
                }
                for (int j = 0; j < H; j++) {
                    double r = g[j];
                    double z = g[H + j];
                    double n = Math.tanh(ax[2 * H + j] + (lbr ? r * ah[2 * H + j] : ah[2 * H + j]));
                    g[2 * H + j] = n;
                    rec.h[j] = (1 - z) * n + z * hp[j];
                }
            }
            case Cell.Rnn rnn -> {
                affine(w.whh, w.bhh, hp, 0, gh, H, ah);
                for (int j = 0; j < H; j++) {
                    double a = ax[j] + ah[j];
                    double h = rnn.activation() == Activation.TANH ? Math.tanh(a) : Math.max(0.0, a);
                    g[j] = h;
                    rec.h[j] = h;
                }
            }
        }
    }

    /**
     * Backward of one step. {@code dh}, {@code dc}: gradients w.r.t. the step's new h and c (dc unused without
     * cell state). Adds into {@code dx} and the gradient accumulators, and writes {@code dhPrev}, {@code dcPrev}.
     */
    static void backward(LayerWeights w, double[] x, StepRecord rec, double[] dh, double[] dc, double[] dx,
                         double[] dhPrev, double[] dcPrev, LayerGrads gr) {
        int H = w.hidden;
        int gh = w.gates * H;
        double[] dax = new double[gh]; // d loss / d (W_ih x + b_ih), per gate row
        double[] dah = new double[gh]; // d loss / d (W_hh h + b_hh), per gate row
        double[] g = rec.gates;
        double[] hp = rec.hPrev;
        java.util.Arrays.fill(dhPrev, 0);
        // Rows of W_hh whose product uses hPrev; for the reset-before GRU the n rows multiply r ⊙ hPrev instead.
        int hRows = gh;
        switch (w.cell) {
            case Cell.Lstm lstm -> {
                double[] p = w.peep;
                for (int j = 0; j < H; j++) {
                    double i = g[j], f = g[H + j], gg = g[2 * H + j], o = g[3 * H + j];
                    double c = rec.c[j], cp = rec.cPrev[j];
                    double tc = Math.tanh(c);
                    double dO = dh[j] * tc;
                    double dct = dc[j] + dh[j] * o * (1 - tc * tc);
                    double dao = dO * o * (1 - o);
                    if (p != null) {
                        dct += dao * p[2 * H + j];
                        gr.peep[2 * H + j] += dao * c;
                    }
                    double dai = dct * gg * i * (1 - i);
                    double daf = dct * cp * f * (1 - f);
                    double dag = dct * i * (1 - gg * gg);
                    double dcp = dct * f;
                    if (p != null) {
                        dcp += dai * p[j] + daf * p[H + j];
                        gr.peep[j] += dai * cp;
                        gr.peep[H + j] += daf * cp;
                    }
                    dcPrev[j] = dcp;
                    dax[j] = dai;
                    dax[H + j] = daf;
                    dax[2 * H + j] = dag;
                    dax[3 * H + j] = dao;
                }
                System.arraycopy(dax, 0, dah, 0, gh);
            }
            case Cell.Gru gru -> {
                boolean lbr = gru.variant() == GruVariant.LINEAR_BEFORE_RESET;
                double[] dr = new double[H];
                for (int j = 0; j < H; j++) {
                    double z = g[H + j], n = g[2 * H + j];
                    double dn = dh[j] * (1 - z);
                    dhPrev[j] += dh[j] * z;
                    double dan = dn * (1 - n * n);
                    dax[2 * H + j] = dan;
                    dah[2 * H + j] = lbr ? dan * g[j] : dan;
                    if (lbr) dr[j] = dan * rec.extra[j];
                    double dz = dh[j] * (hp[j] - n);
                    dax[H + j] = dz * z * (1 - z);
                }
                if (!lbr) {
                    // n = tanh(.. + W_hn (r ⊙ hPrev) + b_hn): route dan through W_hn to r and hPrev.
                    hRows = 2 * H;
                    for (int k = 0; k < H; k++) {
                        double drh = 0;
                        for (int j = 0; j < H; j++) drh += w.whh[(2 * H + j) * H + k] * dah[2 * H + j];
                        dr[k] = drh * hp[k];
                        dhPrev[k] += drh * g[k];
                    }
                    for (int j = 0; j < H; j++) {
                        double dan = dah[2 * H + j];
                        int base = (2 * H + j) * H;
                        for (int k = 0; k < H; k++) gr.whh[base + k] += dan * rec.extra[k];
                        gr.bhh[2 * H + j] += dan;
                    }
                }
                for (int j = 0; j < H; j++) {
                    double r = g[j];
                    dax[j] = dr[j] * r * (1 - r);
                    dah[j] = dax[j];
                    dah[H + j] = dax[H + j];
                }
            }
            case Cell.Rnn rnn -> {
                for (int j = 0; j < H; j++) {
                    double h = g[j];
                    double d = rnn.activation() == Activation.TANH ? 1 - h * h : (h > 0 ? 1 : 0);
                    dax[j] = dh[j] * d;
                }
                System.arraycopy(dax, 0, dah, 0, gh);
            }
        }
        // The shared linear part: x and hPrev enter through W_ih and W_hh.
        for (int r = 0; r < gh; r++) {
            double a = dax[r];
            int base = r * w.in;
            for (int k = 0; k < w.in; k++) {
                dx[k] += w.wih[base + k] * a;
                gr.wih[base + k] += a * x[k];
            }
            gr.bih[r] += a;
        }
        for (int r = 0; r < hRows; r++) {
            double a = dah[r];
            int base = r * H;
            for (int k = 0; k < H; k++) {
                dhPrev[k] += w.whh[base + k] * a;
                gr.whh[base + k] += a * hp[k];
            }
            gr.bhh[r] += a;
        }
    }
}
