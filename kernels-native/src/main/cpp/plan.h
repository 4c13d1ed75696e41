// The plan level: the layout of a workspace for a capacity (T, N), computed from the configuration alone, in
// one place (Java's NativePlan asks these functions for the byte size and the header offsets; it computes
// nothing itself). Mirrors the vector backend's VectorPlan for the saved state, and adds the scratch the
// native kernels work in, so that a call needs no memory but the workspace: it is freed with the workspace.
//
// Workspace (offsets in bytes from its start; every block starts at a multiple of 64 bytes):
//   header     the call's arguments, written by Java before each native call (see `namespace call`): the
//              configuration and capacity, T, N, flags, the addresses of the caller's tensors, the lengths
//              (int32 [N]) and the addresses of the weight-gradient gate blocks (int64 [slots][19])
//   saved      TRAINING: per layer the output Y [T*N][D*Hp]; per layer direction (slot) the activated gates
//              [T*N][4Hp] (LSTM, GRU), the cell states [T*N][Hp] (LSTM), copies of h0 and c0 [N][Hp].
//              INFERENCE: two output buffers Y that the layers use in turn (one for a single layer).
//              Rows are dense for the call's T*N (r = t*N + n) inside blocks placed for the capacity.
//   scratch    Gx (forward) / dG of all steps (backward), the per-step Gh, the states, gathered GEMM
//              operands, gradient carries and weight-gradient accumulators.
// A step plan holds one step of one layer direction (T = 1, one slot, Y [N][Hp]).
#ifndef RNN4J_PLAN_H
#define RNN4J_PLAN_H

#include <cstdint>

#include "gate_layout.h"

namespace rnn4j {

/** Word indices (int64) of the call header at the start of the workspace; Java writes them (NativeCall). */
namespace call {
enum : int {
    ELEMENT_BYTES = 0,
    KIND = 1,
    INPUT_SIZE = 2,
    HIDDEN = 3,
    LAYERS = 4,
    DIRECTIONS = 5,
    BATCH_FIRST = 6,
    CAPACITY_T = 7,
    CAPACITY_N = 8,
    TRAINING = 9,
    STEP = 10,
    T = 11,
    N = 12,
    HAS_LENGTHS = 13,
    ACCUMULATE = 14,
    LAYER = 15,
    DIRECTION = 16,
    WEIGHT_GRADS = 17,
    GEMM_OPENBLAS = 18,       // 1: the per-step, input and dX products through OpenBLAS instead of the packed kernel
    TEAM_MIN_FLOPS = 19,      // calls with fewer flops run alone on the calling thread
    // addresses (0 = absent); the step calls use the sequence names: hPrev = H0, cPrev = C0, hNext = HN,
    // cNext = CN, gradHNext = GRAD_HN, gradCNext = GRAD_CN, gradHPrev = GRAD_H0, gradCPrev = GRAD_C0
    INPUT = 20,
    OUTPUT = 21,
    H0 = 22,
    C0 = 23,
    HN = 24,
    CN = 25,
    GRAD_OUTPUT = 26,
    GRAD_HN = 27,
    GRAD_CN = 28,
    GRAD_INPUT = 29,
    GRAD_H0 = 30,
    GRAD_C0 = 31,
    WORDS = 64
};
/**
 * Per slot, the addresses of its weight-gradient gate blocks (RnnParameters.gateBlock: the rows of one gate),
 * in this order: W_ih blocks 0..3, W_hh blocks 0..3, b_ih blocks 0..3, b_hh blocks 0..3, peephole rows 0..2
 * (0 where the cell has none). The prepared weights are packed from the same table (weights_pack).
 */
enum : int { WG_IH = 0, WG_HH = 4, WG_BIAS_IH = 8, WG_BIAS_HH = 12, WG_PEEPHOLE = 16, WG_COUNT = 19 };
}  // namespace call

/** The network's shape, as far as the kernels care. */
struct Config {
    int element_bytes;  // 4 (float32) or 8 (float64)
    CellKind kind;
    int input_size, hidden, layers, directions;
    bool batch_first;

    int state_rows() const { return layers * directions; }
    int output_size() const { return directions * hidden; }
    int layer_input_size(int l) const { return l == 0 ? input_size : directions * hidden; }
};

inline int64_t align64(int64_t x) {
    return (x + 63) & ~(int64_t)63;
}

/**
 * A row stride for a matrix `width` elements wide that some product walks down column-wise (dG^T in the weight
 * gradients): a multiple of 256 bytes puts every row's line of one column in the same L1 set, so such strides
 * get 64 bytes more (as oneDNN's get_good_ld).
 */
inline int good_ld(int width, int elementBytes) {
    return (int64_t)width * elementBytes % 256 == 0 ? width + 64 / elementBytes : width;
}

struct Plan {
    Config cfg;
    GateLayout gl;
    int cap_t, cap_n;
    bool training, step;

    int slots;     // layer directions with saved state (1 for a step plan)
    int hp, fw, dgw, sw, yw;
    int gx_ld, dg_ld;  // row strides of Gx and dG in `big` (and of the per-step dG): fw, dgw padded (good_ld)
    int in_width_max;  // widest K of an input GEMM: I, or D*Hp above layer 0 (or a stepped layer > 0)
    int64_t rows_cap;  // cap_t * cap_n

    // header
    int64_t lengths_offset, weight_grads_offset, header_bytes;
    // saved state
    int64_t y_base, y_bytes;
    int y_buffers;
    int64_t slot_base, slot_bytes, gates_rel, c_rel, h0_rel, c0_rel;
    // scratch (byte offsets)
    int64_t big, gh, hbuf, cst, rh, xs, hprev, dy0, dy1, dgstep, dhc, dhcarry, dccarry, drh, dxs;
    int64_t acc_ih, acc_hh, acc_hn, colsums, peepsums, bpack, order, lens, count;
    int dxs_ld;      // row stride of dxs
    int in_pad_max;  // in_width_max rounded up to a panel: the row stride of acc_ih for the packed products

    /** Rows (steps x samples) per K block of the packed weight-gradient products. */
    static constexpr int K_BLOCK = 256;
    int64_t total;

    /** `openblas`: the layout for the OpenBLAS products (rnn4j.native.gemm=openblas), which also need hprev. */
    Plan(const Config& c, int capT, int capN, bool train, bool stepPlan, bool openblas)
        : cfg(c), gl(c.kind, c.hidden, c.element_bytes), cap_t(capT), cap_n(capN), training(train),
          step(stepPlan) {
        const int64_t E = c.element_bytes;
        const bool lstm = is_lstm(c.kind);
        hp = gl.hp;
        fw = gl.fwd_width();
        dgw = gl.dg_width();
        sw = gl.saved_width();
        gx_ld = good_ld(fw, c.element_bytes);
        dg_ld = good_ld(dgw, c.element_bytes);
        slots = step ? 1 : c.state_rows();
        yw = step ? hp : c.directions * hp;
        int above = c.directions * hp;
        in_width_max = c.input_size;
        if (c.layers > 1 && above > in_width_max) in_width_max = above;
        rows_cap = (int64_t)capT * capN;
        {
            const int nr = 128 / c.element_bytes;
            in_pad_max = (in_width_max + nr - 1) / nr * nr;
        }
        const int64_t N = capN;
        const int64_t R = rows_cap;

        int64_t at = 0;
        lengths_offset = call::WORDS * 8;
        weight_grads_offset = lengths_offset + ((4 * N + 7) & ~(int64_t)7);
        header_bytes = align64(weight_grads_offset + (int64_t)slots * call::WG_COUNT * 8);
        at = header_bytes;

        int layersSaved = step ? 1 : c.layers;
        y_bytes = align64(R * yw * E);
        y_base = at;
        if (training) {
            y_buffers = layersSaved;
            at += (int64_t)layersSaved * y_bytes;
            gates_rel = 0;
            int64_t rel = sw > 0 ? align64(R * sw * E) : 0;
            c_rel = rel;
            if (lstm) rel += align64(R * hp * E);
            h0_rel = rel;
            rel += align64(N * hp * E);
            c0_rel = rel;
            if (lstm) rel += align64(N * hp * E);
            slot_bytes = rel;
            slot_base = at;
            at += (int64_t)slots * slot_bytes;
        } else {
            y_buffers = layersSaved > 1 ? 2 : 1;
            at += (int64_t)y_buffers * y_bytes;
            slot_base = at;
            slot_bytes = 0;
            gates_rel = c_rel = h0_rel = c0_rel = 0;
        }

        auto take = [&at](int64_t bytes) {
            int64_t o = at;
            at = align64(at + bytes);
            return o;
        };
        int bigWidth = training && dg_ld > gx_ld ? dg_ld : gx_ld;
        int64_t xsRows = step ? N : R;
        int xsWidth = step ? in_width_max : c.input_size;
        big = take(R * bigWidth * E);
        gh = take(N * fw * E);
        hbuf = take(2 * N * hp * E);
        cst = take(lstm ? N * hp * E : 0);
        rh = take(c.kind == CellKind::GRU_RESET_BEFORE ? N * hp * E : 0);
        xs = take(xsRows * xsWidth * E);
        if (training) {
            hprev = take(openblas ? R * hp * E : 0);  // h_{t-1} of every row, gathered for OpenBLAS's dW_hh
            dy0 = take(R * yw * E);
            dy1 = take(!step && c.layers > 1 ? R * yw * E : 0);
            dgstep = take(2 * N * dg_ld * E);
            dhc = take(N * hp * E);
            dhcarry = take(N * hp * E);
            dccarry = take(lstm ? N * hp * E : 0);
            drh = take(c.kind == CellKind::GRU_RESET_BEFORE ? N * hp * E : 0);
            // dX of layer 0 (or of a step) before it is copied out: panel-wide rows for the packed product
            const int nr = 128 / c.element_bytes;
            dxs_ld = (xsWidth + nr - 1) / nr * nr;
            dxs = take(xsRows * dxs_ld * E);
            acc_ih = take((int64_t)fw * in_pad_max * E);
            acc_hh = take((int64_t)gl.dgh_width() * hp * E);
            acc_hn = take(c.kind == CellKind::GRU_RESET_BEFORE ? (int64_t)hp * hp * E : 0);
            colsums = take((int64_t)dgw * E);
            peepsums = take(c.kind == CellKind::LSTM_PEEPHOLE ? 3 * (int64_t)hp * E : 0);
            // one K block of the weight-gradient products' B, packed: the layer input, h_{t-1}, and r*h_{t-1}
            bpack = take((int64_t)K_BLOCK * (in_pad_max + 2 * hp) * E);
        } else {
            hprev = dy0 = dy1 = dgstep = dhc = dhcarry = dccarry = drh = dxs = 0;
            dxs_ld = 0;
            acc_ih = acc_hh = acc_hn = colsums = peepsums = bpack = 0;
        }
        order = take(N * 4);
        lens = take(N * 4);
        count = take((int64_t)capT * 4);
        total = at;
    }

    /** Output Y of layer l (INFERENCE: the buffer layer l writes). */
    int64_t y(int l) const { return y_base + (int64_t)(training ? l : l % y_buffers) * y_bytes; }
    int64_t gates(int slot) const { return slot_base + (int64_t)slot * slot_bytes + gates_rel; }
    int64_t cells(int slot) const { return slot_base + (int64_t)slot * slot_bytes + c_rel; }
    int64_t h0(int slot) const { return slot_base + (int64_t)slot * slot_bytes + h0_rel; }
    int64_t c0(int slot) const { return slot_base + (int64_t)slot * slot_bytes + c0_rel; }
};

}  // namespace rnn4j

#endif  // RNN4J_PLAN_H
