// The vanilla RNN's post-GEMM passes (tanh or ReLU), forward and backward, for one row and blocks [b0, b1).
#ifndef RNN4J_POSTGEMM_RNN_H
#define RNN4J_POSTGEMM_RNN_H

#include "activations.h"

namespace rnn4j {

template <class T>
struct RnnForwardRow {
    const T* gx;
    const T* bias;  // b_ih + b_hh
    const T* gh;
    T* h;  // h_t out (the state)
    T* y;  // the layer output row (this direction's Hp columns)
    int hidden;
};

template <class T>
struct RnnBackwardRow {
    const T* h;  // h_t, read back from the layer output
    const T* dy;
    const T* dhcarry;
    T* dg;
    T* dgall;
    T* colsum;
    int hidden;
};

template <class T, int B, bool RELU>
RNN4J_INLINE void rnn_forward(const RnnForwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s;
            V z = (vload<T, B>(a.gx + u) + vload<T, B>(a.bias + u)) + vload<T, B>(a.gh + u);
            V hn = RELU ? (z < (T)0 ? V{} : z) : Act<T, B>::tanh(z);  // NaN stays NaN, as Java's max
            if (u + L > a.hidden) hn = keep_first<T, B>(hn, a.hidden - u);
            vstore<T, B>(a.h + u, hn);
            vstore<T, B>(a.y + u, hn);
        }
    }
}

template <class T, int B, bool RELU>
RNN4J_INLINE void rnn_backward(const RnnBackwardRow<T>& a, int b0, int b1) {
    typedef vec<T, B> V;
    constexpr int VB = block_lanes<T>();
    constexpr int L = B / (int)sizeof(T);
    for (int b = b0; b < b1; b++) {
        for (int s = 0; s < VB; s += L) {
            const int u = b * VB + s;
            V h = vload<T, B>(a.h + u);
            V dh = vload<T, B>(a.dy + u) + vload<T, B>(a.dhcarry + u);
            V da = RELU ? (h > (T)0 ? dh : V{}) : dh * ((T)1 - h * h);
            if (u + L > a.hidden) da = keep_first<T, B>(da, a.hidden - u);
            vstore<T, B>(a.dg + u, da);
            vstore<T, B>(a.dgall + u, da);
            vstore<T, B>(a.colsum + u, vload<T, B>(a.colsum + u) + da);
        }
    }
}

}  // namespace rnn4j

#endif  // RNN4J_POSTGEMM_RNN_H
