// Definitions of packed_weights.h. Compiled once per library (the JNI glue includes it).
#include "packed_weights.h"

#include <cstring>

namespace rnn4j {

template <class T>
void pack_slot(const WeightsLayout& layout, void* base, int slot, const int64_t* blocks) {
    const Config& c = layout.cfg;
    const GateLayout& gl = layout.gl;
    const int layer = slot / c.directions;
    const int H = c.hidden, hp = layout.hp, fw = layout.fw;
    const int inputs = c.layer_input_size(layer);
    const int in = layout.in_width(layer);
    char* p = (char*)base + layout.slot_offset(slot);
    std::memset(p, 0, (size_t)layout.slot_bytes(layer));
    SlotWeights<T> w = layout.slot<T>(base, slot);
    T* wihT = const_cast<T*>(w.wihT);
    T* wihB = const_cast<T*>(w.wih);
    T* whhT = const_cast<T*>(w.whhT);
    T* whhB = const_cast<T*>(w.whh);
    T* biasx = const_cast<T*>(w.biasx);
    T* bhn = const_cast<T*>(w.bhn);
    T* pp = const_cast<T*>(w.peep);
    T* whhTp = const_cast<T*>(w.whhTp);
    T* whhp = const_cast<T*>(w.whhp);
    T* wihTp = const_cast<T*>(w.wihTp);
    T* wihp = const_cast<T*>(w.wihp);
    const int NR = 128 / (int)sizeof(T);
    const int kw = gl.dgh_width();
    const bool lbr = c.kind == CellKind::GRU_LINEAR_BEFORE_RESET;
    for (int g = 0; g < gl.gates(); g++) {
        for (int j = 0; j < H; j++) {
            const int col = gl.fwd_column(g, j);
            const int xr = gl.dgx_column(g, j);
            const T* src = (const T*)(intptr_t)blocks[call::WG_IH + g] + (int64_t)j * inputs;
            for (int x = 0; x < inputs; x++) {
                const int k = layer == 0 ? x : (x / H) * hp + x % H;
                wihT[(int64_t)k * fw + col] = src[x];
                wihB[(int64_t)xr * in + k] = src[x];
                wihTp[((int64_t)(col / NR) * in + k) * NR + col % NR] = src[x];
                wihp[((int64_t)(k / NR) * fw + xr) * NR + k % NR] = src[x];
            }
            const T* hsrc = (const T*)(intptr_t)blocks[call::WG_HH + g] + (int64_t)j * H;
            for (int k = 0; k < H; k++) {
                whhT[(int64_t)k * fw + col] = hsrc[k];
                whhB[(int64_t)col * hp + k] = hsrc[k];
                whhTp[((int64_t)(col / NR) * H + k) * NR + col % NR] = hsrc[k];
                whhp[((int64_t)(k / NR) * kw + col) * NR + k % NR] = hsrc[k];
            }
            const T b = ((const T*)(intptr_t)blocks[call::WG_BIAS_IH + g])[j];
            const T bh = ((const T*)(intptr_t)blocks[call::WG_BIAS_HH + g])[j];
            if (lbr && g == 2) {
                biasx[col] = b;
                bhn[j] = bh;
            } else {
                biasx[col] = b + bh;
            }
        }
    }
    if (c.kind == CellKind::LSTM_PEEPHOLE) {
        for (int g = 0; g < 3; g++) {
            const T* row = (const T*)(intptr_t)blocks[call::WG_PEEPHOLE + g];
            for (int j = 0; j < H; j++) pp[g * hp + j] = row[j];
        }
    }
}

template void pack_slot<float>(const WeightsLayout&, void*, int, const int64_t*);
template void pack_slot<double>(const WeightsLayout&, void*, int, const int64_t*);

}  // namespace rnn4j
