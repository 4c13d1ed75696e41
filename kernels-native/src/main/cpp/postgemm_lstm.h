// The LSTM's post-GEMM passes (with and without peepholes), forward and backward, for one row (one sample of
// one step) and the unit blocks [b0, b1) of V units (64 bytes). Row layouts are those of gate_layout.h: per
// block the gates i, f, g, o, one block each. One fused pass per direction: the forward reads the two GEMM
// results, activates the gates, updates c and h, and saves what backward needs; the backward writes the
// pre-activation gradients, dc_{t-1}, and adds to the bias (and peephole) gradient sums.
//
// Templates over the element type T and the vector width B (simd.h); instantiated per instruction set in
// postgemm_dispatch.cpp. Padded units (u >= hidden) are written as exact zeros.
#ifndef RNN4J_POSTGEMM_LSTM_H
#define RNN4J_POSTGEMM_LSTM_H

#include "activations.h"

namespace rnn4j {

template <class T>
struct LstmForwardRow {
    const T* gx;    // Gx row (X W_ih^T of this step), forward gate layout
    const T* bias;  // b_ih + b_hh, forward gate layout
    const T* gh;    // Gh row (h_{t-1} W_hh^T)
    T* c;           // c_{t-1} in, c_t out [Hp]
    T* h;           // h_t out [Hp] (the state)
    T* y;           // the layer output row (this direction's Hp columns)
    T* gates;       // saved activated gates i f g o (training) or null
    T* csave;       // saved c_t (training) or null
    const T* peep;  // peepholes p_i, p_f, p_o [3][Hp] or null
    int hp, hidden;
};

template <class T>
struct LstmBackwardRow {
    const T* gates;    // saved activated gates
    const T* c;        // saved c_t
    const T* cprev;    // c_{t-1} (saved c of the previous step, or the saved c0)
    const T* dy;       // dY row (gradient of this step's output)
    const T* dhcarry;  // dh carried from the later step
    T* dc;             // dc carried in, dc_{t-1} out
    T* dg;             // dG of this step (compact row, the dh GEMM's A)
    T* dgall;          // dG row of all steps (the weight GEMMs' A)
    T* colsum;         // bias gradient sums, dG layout
    const T* peep;     // peepholes or null
    T* peepsum;        // peephole gradient sums [3][Hp] or null
    int hp, hidden;
};

template <class T, int B, bool PEEP>
RNN4J_INLINE void lstm_forward(const LstmForwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    typedef Act<T, B> F;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 4 * b * VB + s;
            V zi = (vload<T, B>(a.gx + o) + vload<T, B>(a.bias + o)) + vload<T, B>(a.gh + o);
            V zf = (vload<T, B>(a.gx + o + VB) + vload<T, B>(a.bias + o + VB)) + vload<T, B>(a.gh + o + VB);
            V zg = (vload<T, B>(a.gx + o + 2 * VB) + vload<T, B>(a.bias + o + 2 * VB)) + vload<T, B>(a.gh + o + 2 * VB);
            V zo = (vload<T, B>(a.gx + o + 3 * VB) + vload<T, B>(a.bias + o + 3 * VB)) + vload<T, B>(a.gh + o + 3 * VB);
            V cp = vload<T, B>(a.c + u);
            if (PEEP) {
                zi = vload<T, B>(a.peep + u) * cp + zi;
                zf = vload<T, B>(a.peep + a.hp + u) * cp + zf;
            }
            V i = F::sigmoid(zi);
            V f = F::sigmoid(zf);
            V g = F::tanh(zg);
            V cn = f * cp + i * g;
            if (PEEP) zo = vload<T, B>(a.peep + 2 * a.hp + u) * cn + zo;
            V og = F::sigmoid(zo);
            V hn = og * F::tanh(cn);
            if (u + L > a.hidden) hn = keep_first<T, B>(hn, a.hidden - u);
            vstore<T, B>(a.c + u, cn);
            vstore<T, B>(a.h + u, hn);
            vstore<T, B>(a.y + u, hn);
            if (a.gates) {
                vstore<T, B>(a.gates + o, i);
                vstore<T, B>(a.gates + o + VB, f);
                vstore<T, B>(a.gates + o + 2 * VB, g);
                vstore<T, B>(a.gates + o + 3 * VB, og);
            }
            if (a.csave) vstore<T, B>(a.csave + u, cn);
        }
    }
}

template <class T, int B, bool PEEP>
RNN4J_INLINE void lstm_backward(const LstmBackwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    typedef Act<T, B> F;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s, o = 4 * b * VB + s;
            V i = vload<T, B>(a.gates + o);
            V f = vload<T, B>(a.gates + o + VB);
            V g = vload<T, B>(a.gates + o + 2 * VB);
            V og = vload<T, B>(a.gates + o + 3 * VB);
            V c = vload<T, B>(a.c + u);
            V cp = vload<T, B>(a.cprev + u);
            V dh = vload<T, B>(a.dy + u) + vload<T, B>(a.dhcarry + u);
            V tc = F::tanh(c);
            V dao = dh * tc * og * ((T)1 - og);
            V dct = dh * og * ((T)1 - tc * tc) + vload<T, B>(a.dc + u);
            if (PEEP) dct = vload<T, B>(a.peep + 2 * a.hp + u) * dao + dct;
            V dai = dct * g * i * ((T)1 - i);
            V daf = dct * cp * f * ((T)1 - f);
            V dag = dct * i * ((T)1 - g * g);
            V dcp = dct * f;
            if (PEEP) {
                dcp = vload<T, B>(a.peep + u) * dai + dcp;
                dcp = vload<T, B>(a.peep + a.hp + u) * daf + dcp;
            }
            if (u + L > a.hidden) {
                const int keep = a.hidden - u;
                dai = keep_first<T, B>(dai, keep);
                daf = keep_first<T, B>(daf, keep);
                dag = keep_first<T, B>(dag, keep);
                dao = keep_first<T, B>(dao, keep);
                dcp = keep_first<T, B>(dcp, keep);
            }
            vstore<T, B>(a.dc + u, dcp);
            vstore<T, B>(a.dg + o, dai);
            vstore<T, B>(a.dg + o + VB, daf);
            vstore<T, B>(a.dg + o + 2 * VB, dag);
            vstore<T, B>(a.dg + o + 3 * VB, dao);
            vstore<T, B>(a.dgall + o, dai);
            vstore<T, B>(a.dgall + o + VB, daf);
            vstore<T, B>(a.dgall + o + 2 * VB, dag);
            vstore<T, B>(a.dgall + o + 3 * VB, dao);
            vstore<T, B>(a.colsum + o, vload<T, B>(a.colsum + o) + dai);
            vstore<T, B>(a.colsum + o + VB, vload<T, B>(a.colsum + o + VB) + daf);
            vstore<T, B>(a.colsum + o + 2 * VB, vload<T, B>(a.colsum + o + 2 * VB) + dag);
            vstore<T, B>(a.colsum + o + 3 * VB, vload<T, B>(a.colsum + o + 3 * VB) + dao);
            if (PEEP) {
                vstore<T, B>(a.peepsum + u, dai * cp + vload<T, B>(a.peepsum + u));
                vstore<T, B>(a.peepsum + a.hp + u, daf * cp + vload<T, B>(a.peepsum + a.hp + u));
                vstore<T, B>(a.peepsum + 2 * a.hp + u, dao * c + vload<T, B>(a.peepsum + 2 * a.hp + u));
            }
        }
    }
}

}  // namespace rnn4j

#endif  // RNN4J_POSTGEMM_LSTM_H
