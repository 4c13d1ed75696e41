// The GRU's post-GEMM passes, both forms, forward and backward, for one row and the unit blocks [b0, b1).
// Forward rows: [r z] blocked over 2Hp columns, then n over Hp (gate_layout.h); saved rows add a fourth Hp
// part, the "extra" vector: W_hn h + b_hn for the linear-before-reset form (what r multiplies), r*h_{t-1} for
// the reset-before form (what W_hn multiplies).
//
// Linear-before-reset: one pass after both recurrent products. Reset-before: part 1 after the r z product
// (r, z, and r*h_{t-1}, the A of the second product), part 2 after the n product. Backward: one pass for both
// forms; the reset-before form adds a second part after the product d(r*h) = dan W_hn.
#ifndef RNN4J_POSTGEMM_GRU_H
#define RNN4J_POSTGEMM_GRU_H

#include "activations.h"

namespace rnn4j {

template <class T>
struct GruForwardRow {
    const T* gx;     // Gx row (forward layout; b_in folded into the n part of bias)
    const T* bias;   // b_ih + b_hh for r and z; b_in (linear-before-reset) or b_in + b_hn (reset-before) for n
    T* gh;           // Gh row; the reset-before part 1 leaves the activated r and z here for part 2
    const T* bhn;    // b_hn [Hp] (linear-before-reset) or null
    const T* hprev;  // h_{t-1}
    T* h;            // h_t out (the state)
    T* y;            // the layer output row (this direction's Hp columns)
    T* gates;        // saved row (training) or null
    T* rh;           // reset-before part 1: r*h_{t-1} out (compact row, the second product's A)
    int hp, hidden;
};

template <class T>
struct GruBackwardRow {
    const T* gates;    // saved r z | n | extra
    const T* hprev;    // h_{t-1}
    const T* dy;
    const T* dhcarry;
    const T* drh;      // reset-before part 2: dan W_hn (compact row)
    T* dhp;            // dh_{t-1}'s direct part dh*z out (compact row; the dh GEMM adds to it)
    T* dg;             // dG of this step (compact row)
    T* dgall;          // dG row of all steps
    T* colsum;         // bias gradient sums, dG layout
    int xn, rz, hn;    // dG offsets: dan as W_in sees it, the r z blocks, dan*r as W_hn sees it
    int hp, hidden;
};

/** Linear-before-reset forward: n = tanh(gx_n + b_in + r (gh_n + b_hn)), h = (1 - z) n + z h_{t-1}. */
template <class T, int B>
RNN4J_INLINE void gru_forward_lbr(const GruForwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    typedef Act<T, B> F;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    const int nOff = 2 * a.hp;
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 2 * b * VB + s;
            V r = F::sigmoid((vload<T, B>(a.gx + o) + vload<T, B>(a.bias + o)) + vload<T, B>(a.gh + o));
            V z = F::sigmoid((vload<T, B>(a.gx + o + VB) + vload<T, B>(a.bias + o + VB)) + vload<T, B>(a.gh + o + VB));
            V ghn = vload<T, B>(a.gh + nOff + u) + vload<T, B>(a.bhn + u);
            V pre = r * ghn + (vload<T, B>(a.gx + nOff + u) + vload<T, B>(a.bias + nOff + u));
            V n = F::tanh(pre);
            V hn = ((T)1 - z) * n + z * vload<T, B>(a.hprev + u);
            if (u + L > a.hidden) hn = keep_first<T, B>(hn, a.hidden - u);
            vstore<T, B>(a.h + u, hn);
            vstore<T, B>(a.y + u, hn);
            if (a.gates) {
                vstore<T, B>(a.gates + o, r);
                vstore<T, B>(a.gates + o + VB, z);
                vstore<T, B>(a.gates + nOff + u, n);
                vstore<T, B>(a.gates + 3 * a.hp + u, ghn);
            }
        }
    }
}

/** Reset-before forward, part 1: r and z (left in gh), r*h_{t-1} into rh (and saved as the extra part). */
template <class T, int B>
RNN4J_INLINE void gru_forward_rb1(const GruForwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    typedef Act<T, B> F;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 2 * b * VB + s;
            V r = F::sigmoid((vload<T, B>(a.gx + o) + vload<T, B>(a.bias + o)) + vload<T, B>(a.gh + o));
            V z = F::sigmoid((vload<T, B>(a.gx + o + VB) + vload<T, B>(a.bias + o + VB)) + vload<T, B>(a.gh + o + VB));
            V x = r * vload<T, B>(a.hprev + u);
            vstore<T, B>(a.gh + o, r);
            vstore<T, B>(a.gh + o + VB, z);
            vstore<T, B>(a.rh + u, x);
            if (a.gates) {
                vstore<T, B>(a.gates + o, r);
                vstore<T, B>(a.gates + o + VB, z);
                vstore<T, B>(a.gates + 3 * a.hp + u, x);
            }
        }
    }
}

/** Reset-before forward, part 2: n = tanh(gx_n + b_in + b_hn + W_hn (r h)), h = (1 - z) n + z h_{t-1}. */
template <class T, int B>
RNN4J_INLINE void gru_forward_rb2(const GruForwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    typedef Act<T, B> F;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    const int nOff = 2 * a.hp;
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 2 * b * VB + s;
            V z = vload<T, B>(a.gh + o + VB);
            V n = F::tanh((vload<T, B>(a.gx + nOff + u) + vload<T, B>(a.bias + nOff + u)) + vload<T, B>(a.gh + nOff + u));
            V hn = ((T)1 - z) * n + z * vload<T, B>(a.hprev + u);
            if (u + L > a.hidden) hn = keep_first<T, B>(hn, a.hidden - u);
            vstore<T, B>(a.h + u, hn);
            vstore<T, B>(a.y + u, hn);
            if (a.gates) vstore<T, B>(a.gates + nOff + u, n);
        }
    }
}

/**
 * Backward, first part (both forms): dan, daz, and for the linear-before-reset form dar and dan*r; dh_{t-1}'s
 * direct part dh*z into dhp.
 */
template <class T, int B, bool LBR>
RNN4J_INLINE void gru_backward(const GruBackwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    const int nOff = 2 * a.hp;
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 2 * b * VB + s;
            V r = vload<T, B>(a.gates + o);
            V z = vload<T, B>(a.gates + o + VB);
            V n = vload<T, B>(a.gates + nOff + u);
            V hp = vload<T, B>(a.hprev + u);
            V dh = vload<T, B>(a.dy + u) + vload<T, B>(a.dhcarry + u);
            V dan = dh * ((T)1 - z) * ((T)1 - n * n);
            V daz = dh * (hp - n) * z * ((T)1 - z);
            V direct = dh * z;
            V dar = V{}, dahn = V{};
            if (LBR) {
                V extra = vload<T, B>(a.gates + 3 * a.hp + u);
                dar = dan * extra * r * ((T)1 - r);
                dahn = dan * r;
            }
            if (u + L > a.hidden) {
                const int keep = a.hidden - u;
                dan = keep_first<T, B>(dan, keep);
                daz = keep_first<T, B>(daz, keep);
                direct = keep_first<T, B>(direct, keep);
                dar = keep_first<T, B>(dar, keep);
                dahn = keep_first<T, B>(dahn, keep);
            }
            vstore<T, B>(a.dhp + u, direct);
            vstore<T, B>(a.dg + a.xn + u, dan);
            vstore<T, B>(a.dgall + a.xn + u, dan);
            vstore<T, B>(a.colsum + a.xn + u, vload<T, B>(a.colsum + a.xn + u) + dan);
            vstore<T, B>(a.dg + a.rz + o + VB, daz);
            vstore<T, B>(a.dgall + a.rz + o + VB, daz);
            vstore<T, B>(a.colsum + a.rz + o + VB, vload<T, B>(a.colsum + a.rz + o + VB) + daz);
            if (LBR) {
                vstore<T, B>(a.dg + a.rz + o, dar);
                vstore<T, B>(a.dgall + a.rz + o, dar);
                vstore<T, B>(a.colsum + a.rz + o, vload<T, B>(a.colsum + a.rz + o) + dar);
                vstore<T, B>(a.dg + a.hn + u, dahn);
                vstore<T, B>(a.dgall + a.hn + u, dahn);
                vstore<T, B>(a.colsum + a.hn + u, vload<T, B>(a.colsum + a.hn + u) + dahn);
            }
        }
    }
}

/**
 * Reset-before backward, second part: with drh = dan W_hn (the product between the parts), dar from
 * drh*h_{t-1}, and drh*r added to dh_{t-1}'s direct part.
 */
template <class T, int B>
RNN4J_INLINE void gru_backward_reset(const GruBackwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 2 * b * VB + s;
            V r = vload<T, B>(a.gates + o);
            V hp = vload<T, B>(a.hprev + u);
            V d = vload<T, B>(a.drh + u);
            V dar = d * hp * r * ((T)1 - r);
            V dh = d * r + vload<T, B>(a.dhp + u);
            if (u + L > a.hidden) {
                const int keep = a.hidden - u;
                dar = keep_first<T, B>(dar, keep);
                dh = keep_first<T, B>(dh, keep);
            }
            vstore<T, B>(a.dhp + u, dh);
            vstore<T, B>(a.dg + a.rz + o, dar);
            vstore<T, B>(a.dgall + a.rz + o, dar);
            vstore<T, B>(a.colsum + a.rz + o, vload<T, B>(a.colsum + a.rz + o) + dar);
        }
    }
}

}  // namespace rnn4j

#endif  // RNN4J_POSTGEMM_GRU_H
