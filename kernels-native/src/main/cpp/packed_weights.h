// The prepared weights (as the vector backend's PackedWeightsF32): per layer direction (slot) the caller's
// PyTorch-layout parameters copied once, and again after weightsChanged(), into the forms the products read,
// in one block of native memory that Java's NativeWeights owns (and frees in close()):
//
//   wihT  [in][fw]     W_ih^T, columns in the forward gate layout: B of the input GEMM
//   whhT  [Hp][fw]     W_hh^T: B of the per-step recurrent GEMM; its rows, one per unit, are the A of the
//                      single-row (GEMV) dh product
//   wih   [fw][in]     W_ih, rows in dG's input-side order: B of the dX GEMM
//   whh   [fw][Hp]     W_hh, rows in forward column order (= dG's recurrent order): B of the dh GEMM, and the A
//                      of the single-row (GEMV) recurrent product
//   biasx [fw]         b_ih + b_hh where they add before the activation (the linear-before-reset GRU's n: b_in)
//   bhn   [Hp]         b_hn of the linear-before-reset GRU (r multiplies it)
//   peep  [3][Hp]      p_i, p_f, p_o of the peephole LSTM
//   whhTp              W_hh^T in panels of NR = 128 bytes for the packed micro-kernel (gemm.h): panel p holds
//                      forward columns [p*NR, (p+1)*NR) as H rows of NR; B of the per-step recurrent product
//   whhp               W_hh in panels: panel p holds units [p*NR, (p+1)*NR) as dgh_width rows of NR (forward
//                      column order); B of the per-step dh product
//   wihTp              W_ih^T in panels: forward columns as `in` rows of NR; B of the input GEMM
//   wihp               W_ih in panels: input columns (padded to NR) as fw rows of NR (dG's input-side order);
//                      B of the dX GEMM
// The row-major forms (wihT, whhT, wih, whh) are what OpenBLAS reads (the dW products never need them; the
// others when rnn4j.native.gemm=openblas).
//
// `in` is I for layer 0 and D*Hp above (the layer below's padded output). Padded rows and columns are zero.
#ifndef RNN4J_PACKED_WEIGHTS_H
#define RNN4J_PACKED_WEIGHTS_H

#include <cstdint>

#include "plan.h"

namespace rnn4j {

template <class T>
struct SlotWeights {
    const T* wihT;
    const T* whhT;
    const T* wih;
    const T* whh;
    const T* biasx;
    const T* bhn;
    const T* peep;
    const T* whhTp;
    const T* whhp;
    const T* wihTp;
    const T* wihp;
    int in_width;  // K of the input GEMM
    int in_pad;    // in_width rounded up to the panel width: the columns the packed dX product writes
};

struct WeightsLayout {
    Config cfg;
    GateLayout gl;
    int hp, fw;

    explicit WeightsLayout(const Config& c) : cfg(c), gl(c.kind, c.hidden, c.element_bytes), hp(gl.hp), fw(gl.fwd_width()) {}

    int in_width(int layer) const { return layer == 0 ? cfg.input_size : cfg.directions * hp; }

    /** in_width rounded up to a panel (128 bytes). */
    int in_pad(int layer) const {
        const int nr = 128 / cfg.element_bytes;
        return (in_width(layer) + nr - 1) / nr * nr;
    }

    /** Bytes of one slot of layer `layer`. */
    int64_t slot_bytes(int layer) const {
        const int64_t E = cfg.element_bytes;
        const int64_t in = in_width(layer);
        int64_t b = align64(in * fw * E) * 2;      // wihT, wih
        b += align64((int64_t)hp * fw * E) * 2;    // whhT, whh
        b += align64((int64_t)fw * E);             // biasx
        b += align64((int64_t)hp * E);             // bhn
        b += align64(3 * (int64_t)hp * E);         // peep
        b += align64((int64_t)cfg.hidden * fw * E);  // whhTp
        b += align64((int64_t)gl.dgh_width() * hp * E);  // whhp
        b += align64(in * fw * E);                 // wihTp
        b += align64((int64_t)in_pad(layer) * fw * E);  // wihp
        return b;
    }

    int64_t slot_offset(int slot) const {
        int layer = slot / cfg.directions;
        if (layer == 0) return (int64_t)slot * slot_bytes(0);
        return (int64_t)cfg.directions * slot_bytes(0) + (int64_t)(slot - cfg.directions) * slot_bytes(1);
    }

    int64_t total_bytes() const { return slot_offset(cfg.state_rows()); }

    template <class T>
    SlotWeights<T> slot(const void* base, int slot) const {
        const int layer = slot / cfg.directions;
        const int64_t E = sizeof(T);
        const int64_t in = in_width(layer);
        const char* p = (const char*)base + slot_offset(slot);
        SlotWeights<T> w;
        w.in_width = (int)in;
        w.wihT = (const T*)p;
        p += align64(in * fw * E);
        w.wih = (const T*)p;
        p += align64(in * fw * E);
        w.whhT = (const T*)p;
        p += align64((int64_t)hp * fw * E);
        w.whh = (const T*)p;
        p += align64((int64_t)hp * fw * E);
        w.biasx = (const T*)p;
        p += align64((int64_t)fw * E);
        w.bhn = (const T*)p;
        p += align64((int64_t)hp * E);
        w.peep = (const T*)p;
        p += align64(3 * (int64_t)hp * E);
        w.whhTp = (const T*)p;
        p += align64((int64_t)cfg.hidden * fw * E);
        w.whhp = (const T*)p;
        p += align64((int64_t)gl.dgh_width() * hp * E);
        w.wihTp = (const T*)p;
        p += align64(in * fw * E);
        w.wihp = (const T*)p;
        w.in_pad = in_pad(layer);
        return w;
    }
};

/**
 * Packs slot `slot` from the caller's parameters (PyTorch layout, element type T), given as the addresses of
 * their gate blocks in the order of plan.h's call::WG_* table: W_ih block g [H][in_l], W_hh block g [H][H],
 * b_ih and b_hh block g [H], peephole row g [H] (0 unless the peephole LSTM).
 */
template <class T>
void pack_slot(const WeightsLayout& layout, void* base, int slot, const int64_t* blocks);

}  // namespace rnn4j

#endif  // RNN4J_PACKED_WEIGHTS_H
