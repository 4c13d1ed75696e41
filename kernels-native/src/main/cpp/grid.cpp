// The grid level (see grid.h). Compiled once per library (the JNI glue includes it; see rnn4j_native.h).
//
// Notation: T steps, N samples, rows r = t*N + n of the workspace matrices (Gx/dG "big", Y, saved gates and
// cells, dY); i = a sample's position in the schedule (longest first): the states (h, c, dh, dc) and the per-step
// GEMM rows are indexed by position, so the samples active at step s are rows [0, count[s]).
#include "grid.h"

#include <cstring>

#include "gemm.h"
#include "packed_weights.h"
#include "plan.h"
#include "postgemm_dispatch.h"

namespace rnn4j {

namespace {

Config config_from(const int64_t* h) {
    Config c;
    c.element_bytes = (int)h[call::ELEMENT_BYTES];
    c.kind = (CellKind)h[call::KIND];
    c.input_size = (int)h[call::INPUT_SIZE];
    c.hidden = (int)h[call::HIDDEN];
    c.layers = (int)h[call::LAYERS];
    c.directions = (int)h[call::DIRECTIONS];
    c.batch_first = h[call::BATCH_FIRST] != 0;
    return c;
}

template <class R>
void zero(R* p, int64_t n) {
    if (n > 0) std::memset(p, 0, (size_t)n * sizeof(R));
}

template <class R>
void copy(R* dst, const R* src, int64_t n) {
    if (n > 0) std::memcpy(dst, src, (size_t)n * sizeof(R));
}

/** A GEMM whose K may exceed what CBLAS's int holds: K in pieces of 2^30, accumulated in order. */
template <class R>
void gemm_long_k(bool ta, bool tb, int m, int n, int64_t k, const R* a, int64_t lda, const R* b, int64_t ldb, R* c,
                 int64_t ldc, R beta) {
    const int64_t piece = (int64_t)1 << 30;
    for (int64_t k0 = 0; k0 < k; k0 += piece) {
        const int kc = (int)(k - k0 < piece ? k - k0 : piece);
        const R* ak = ta ? a + k0 * lda : a + k0;
        const R* bk = tb ? b + k0 : b + k0 * ldb;
        gemm(ta, tb, m, n, kc, (R)1, ak, lda, bk, ldb, k0 == 0 ? beta : (R)1, c, ldc);
    }
}

template <class R>
class Grid {
public:
    Grid(int op, const Plan& plan, const int64_t* header, char* workspace, const void* weights)
        : op_(op), P(plan), C(plan.cfg), G(plan.gl), WL(plan.cfg), W(weights), ws(workspace), h(header),
          K(postgemm_kernels<R>()), PG(packed_gemm<R>()) {
        T = (int)h[call::T];
        N = (int)h[call::N];
        rows = (int64_t)T * N;
        H = C.hidden;
        I = C.input_size;
        hp = P.hp;
        fw = P.fw;
        dgw = P.dgw;
        sw = P.sw;
        yw = P.yw;
        gxld = P.gx_ld;
        dgld = P.dg_ld;
        kind = C.kind;
        lstm = is_lstm(kind);
        order = (int32_t*)(ws + P.order);
        lens = (int32_t*)(ws + P.lens);
        count = (int32_t*)(ws + P.count);
        blas = h[call::GEMM_OPENBLAS] != 0;
        schedule();
    }

    static void job(void* self, Member& m) {
        Grid* g = (Grid*)self;
        switch (g->op_) {
            case OP_FORWARD: g->forward(m); break;
            case OP_BACKWARD: g->backward(m); break;
            case OP_STEP_FORWARD: g->step_forward(m); break;
            case OP_STEP_BACKWARD: g->step_backward(m); break;
            default: break;
        }
    }

private:
    const int op_;
    const Plan& P;
    const Config& C;
    const GateLayout& G;
    const WeightsLayout WL;
    const void* W;
    char* ws;
    const int64_t* h;
    const PostGemmKernels<R>& K;
    const PackedGemm<R>& PG;
    bool blas = false;  // the per-step, input and dX products through OpenBLAS (rnn4j.native.gemm=openblas)
    int T, N, H, I, hp, fw, dgw, sw, yw, gxld, dgld;
    int64_t rows;
    CellKind kind;
    bool lstm;
    int32_t* order;
    int32_t* lens;
    int32_t* count;
    int maxLen = 0;
    bool full = true;  // every sample runs all T steps

    R* at(int64_t off) const { return (R*)(ws + off); }
    template <class Q>
    Q* arg(int word) const { return (Q*)(intptr_t)h[word]; }

    /** Element offset of [t, n, 0] in a caller tensor with `cols` channels, in the configured layout. */
    int64_t layout_offset(int t, int n, int cols) const {
        return C.batch_first ? ((int64_t)n * T + t) * cols : ((int64_t)t * N + n) * cols;
    }

    static int time(int s, int d, int len) { return d == 0 ? s : len - 1 - s; }

    /**
     * Layer 0's input rows [ra, rb) into xs, time-major, with zero rows past each length (whatever the caller keeps
     * there must not reach a product); returns xs. The caller synchronises before other members read the rows.
     */
    R* gather_layer0(const R* input, int64_t ra, int64_t rb) {
        R* xs = at(P.xs);
        for (int64_t r = ra; r < rb; r++) {
            const int t = (int)(r / N), n = (int)(r % N);
            if (t < lens[n]) copy(xs + r * I, input + layout_offset(t, n, I), I);
            else zero(xs + r * I, I);
        }
        return xs;
    }

    /** This member's contiguous share [a, b) of `n` items. */
    static void share(const Member& m, int64_t n, int64_t& a, int64_t& b) {
        a = n * m.index / m.size;
        b = n * (m.index + 1) / m.size;
    }

    // ------------------------------------------------------------------------------------------- schedule

    /**
     * The samples in processing order (longest first, ties by index) and how many are active at each step:
     * step s runs positions [0, count[s]). Computed on the calling thread before the team starts.
     */
    void schedule() {
        const int32_t* given = h[call::HAS_LENGTHS] ? (const int32_t*)(ws + P.lengths_offset) : nullptr;
        for (int n = 0; n < N; n++) {
            order[n] = n;
            lens[n] = given ? given[n] : T;
        }
        bool sorted = true;
        full = true;
        for (int n = 0; n < N; n++) {
            if (n > 0 && lens[n] > lens[n - 1]) sorted = false;
            if (lens[n] != T) full = false;
        }
        if (!sorted) {
            for (int i = 1; i < N; i++) {  // stable insertion sort by length, descending
                int x = order[i], len = lens[x], j = i - 1;
                while (j >= 0 && lens[order[j]] < len) {
                    order[j + 1] = order[j];
                    j--;
                }
                order[j + 1] = x;
            }
        }
        maxLen = lens[order[0]];
        for (int s = 0, active = N; s < maxLen; s++) {
            while (active > 0 && lens[order[active - 1]] <= s) active--;
            count[s] = active;
        }
    }

    // -------------------------------------------------------------------------------------------- forward

    void forward(Member& m) {
        const R* input = arg<const R>(call::INPUT);
        int64_t ra, rb;
        share(m, rows, ra, rb);
        // Layer 0's input rows: the caller's tensor in place when it is time-major without lengths, else gathered
        // into xs with zero rows past each length (whatever the caller keeps there must not reach a product).
        const R* x0 = input;
        if (C.batch_first || !full) {
            x0 = gather_layer0(input, ra, rb);
            m.barrier();
        }
        for (int l = 0; l < C.layers; l++) {
            for (int d = 0; d < C.directions; d++) {
                const int slot = l * C.directions + d;
                const SlotWeights<R> w = WL.slot<R>(W, slot);
                const R* X = l == 0 ? x0 : at(P.y(l - 1));
                const int64_t ldx = l == 0 ? I : yw;
                forward_layer(m, w, X, ldx, d, slot, slot, at(P.y(l)), (int64_t)d * hp);
            }
        }
        R* out = arg<R>(call::OUTPUT);
        if (out) {
            const R* y = at(P.y(C.layers - 1));
            const int cols = C.output_size();
            for (int64_t r = ra; r < rb; r++) {
                const int t = (int)(r / N), n = (int)(r % N);
                R* dst = out + layout_offset(t, n, cols);
                for (int d = 0; d < C.directions; d++) {
                    if (t < lens[n]) copy(dst + d * H, y + r * yw + (int64_t)d * hp, H);
                    else zero(dst + d * H, H);
                }
            }
        }
    }

    /**
     * One layer direction: initial states, the input GEMM, the time loop, then rows past the lengths zeroed (so
     * that later products may read these matrices whole) and the final states written.
     * `slot` indexes the caller's state tensors and the weights, `ps` the plan's saved-state slot.
     */
    void forward_layer(Member& m, const SlotWeights<R>& w, const R* X, int64_t ldx, int d, int slot, int ps, R* Y,
                       int64_t ydir) {
        const bool train = P.training;
        R* hb = at(P.hbuf);
        R* cs = lstm ? at(P.cst) : nullptr;
        R* big = at(P.big);
        R* ghb = at(P.gh);
        R* rhb = kind == CellKind::GRU_RESET_BEFORE ? at(P.rh) : nullptr;
        R* gatesBase = train && sw > 0 ? at(P.gates(ps)) : nullptr;
        R* cBase = train && lstm ? at(P.cells(ps)) : nullptr;
        const R* h0 = arg<const R>(call::H0);
        const R* c0 = arg<const R>(call::C0);

        // Initial states by position, and their saved copies by sample.
        for (int i = m.from(N, 1); i < m.to(N, 1); i++) {
            const int n = order[i];
            R* hrow = hb + (int64_t)i * hp;
            if (h0) copy(hrow, h0 + ((int64_t)slot * N + n) * H, H);
            else zero(hrow, H);
            zero(hrow + H, hp - H);
            if (train) copy(at(P.h0(ps)) + (int64_t)n * hp, hrow, hp);
            if (lstm) {
                R* crow = cs + (int64_t)i * hp;
                if (c0) copy(crow, c0 + ((int64_t)slot * N + n) * H, H);
                else zero(crow, H);
                zero(crow + H, hp - H);
                if (train) copy(at(P.c0(ps)) + (int64_t)n * hp, crow, hp);
            }
        }
        // Gx = X W_ih^T over all rows (the bias is added in the post-GEMM pass), in row chunks shared dynamically:
        // the packed kernel gives the same bits for any chunking; OpenBLAS gets fixed chunks (gemm.h).
        const int chunk = blas ? gemm_row_chunk(rows) : PACKED_ROW_CHUNK;
        const int chunks = (int)((rows + chunk - 1) / chunk);
        m.tasks(chunks, [&](int c) {
            const int64_t r0 = (int64_t)c * chunk;
            const int rc = (int)(rows - r0 < chunk ? rows - r0 : chunk);
            if (blas) gemm(false, false, rc, fw, w.in_width, (R)1, X + r0 * ldx, ldx, w.wihT, fw, (R)0, big + r0 * gxld, gxld);
            else packed_rows(rc, w.in_width, X + r0 * ldx, ldx, w.wihTp, fw / panel_width<R>(), big + r0 * gxld, gxld, false);
        });

        const int grains = G.grains();
        const int q0 = m.from(grains, 1), q1 = m.to(grains, 1);
        const int gA = G.group_a_width(), gu = G.grain, nOff = G.n_offset();
        for (int s = 0; s < maxLen; s++) {
            const int mc = count[s];
            R* hprev = hb + (int64_t)(s & 1) * N * hp;
            R* hnext = hb + (int64_t)((s + 1) & 1) * N * hp;
            // Odd steps take the grains in reverse: W_hh^T streams through L2 (4 MiB at H = 512 against 1-2 MiB of
            // L2), and the grains a step used last are still there when the next step starts with them. Each grain
            // is computed the same way in either order.
            const bool reverse = (s & 1) != 0;
            for (int qi = q0; qi < q1; qi++) {
                const int q = reverse ? q0 + q1 - 1 - qi : qi;
                recurrent(w, mc, hprev, (int64_t)q * gA, gA);
                if (kind == CellKind::GRU_LINEAR_BEFORE_RESET) recurrent(w, mc, hprev, nOff + (int64_t)q * gu, gu);
                for (int i = 0; i < mc; i++) {
                    const int n = order[i];
                    const int64_t r = (int64_t)time(s, d, lens[n]) * N + n;
                    const R* gx = big + r * gxld;
                    R* ghRow = ghb + (int64_t)i * fw;
                    R* y = Y + r * yw + ydir;
                    R* gates = gatesBase ? gatesBase + r * sw : nullptr;
                    if (lstm) {
                        LstmForwardRow<R> a{gx, w.biasx, ghRow, cs + (int64_t)i * hp, hnext + (int64_t)i * hp, y, gates,
                                            cBase ? cBase + r * hp : nullptr, w.peep, hp, H};
                        if (kind == CellKind::LSTM_PEEPHOLE) K.lstm_forward_peephole(a, 2 * q, 2 * q + 2);
                        else K.lstm_forward(a, 2 * q, 2 * q + 2);
                    } else if (is_gru(kind)) {
                        GruForwardRow<R> a{gx, w.biasx, ghRow, w.bhn, hprev + (int64_t)i * hp, hnext + (int64_t)i * hp,
                                           y, gates, rhb ? rhb + (int64_t)i * hp : nullptr, hp, H};
                        if (kind == CellKind::GRU_LINEAR_BEFORE_RESET) K.gru_forward_lbr(a, 2 * q, 2 * q + 2);
                        else K.gru_forward_rb1(a, 2 * q, 2 * q + 2);
                    } else {
                        RnnForwardRow<R> a{gx, w.biasx, ghRow, hnext + (int64_t)i * hp, y, H};
                        if (kind == CellKind::RNN_RELU) K.rnn_forward_relu(a, 2 * q, 2 * q + 2);
                        else K.rnn_forward_tanh(a, 2 * q, 2 * q + 2);
                    }
                }
            }
            if (kind == CellKind::GRU_RESET_BEFORE) {
                m.barrier();  // W_hn multiplies r*h of every unit
                for (int q = q0; q < q1; q++) {
                    recurrent(w, mc, rhb, nOff + (int64_t)q * gu, gu);
                    for (int i = 0; i < mc; i++) {
                        const int n = order[i];
                        const int64_t r = (int64_t)time(s, d, lens[n]) * N + n;
                        GruForwardRow<R> a{big + r * gxld, w.biasx, ghb + (int64_t)i * fw, nullptr, hprev + (int64_t)i * hp,
                                           hnext + (int64_t)i * hp, Y + r * yw + ydir,
                                           gatesBase ? gatesBase + r * sw : nullptr, nullptr, hp, H};
                        K.gru_forward_rb2(a, 2 * q, 2 * q + 2);
                    }
                }
            }
            m.barrier();
        }

        int64_t ra, rb;
        share(m, rows, ra, rb);
        if (!full) {
            for (int64_t r = ra; r < rb; r++) {
                const int t = (int)(r / N), n = (int)(r % N);
                if (t < lens[n]) continue;
                zero(Y + r * yw + ydir, hp);
                if (gatesBase) zero(gatesBase + r * sw, sw);
                if (cBase) zero(cBase + r * hp, hp);
            }
        }
        R* hN = arg<R>(call::HN);
        R* cN = arg<R>(call::CN);
        for (int i = m.from(N, 1); i < m.to(N, 1); i++) {
            const int n = order[i];
            const int half = lens[n] & 1;  // the half of the ping-pong buffer the sample's last step wrote
            if (hN) copy(hN + ((int64_t)slot * N + n) * H, hb + ((int64_t)half * N + i) * hp, H);
            if (cN && lstm) copy(cN + ((int64_t)slot * N + n) * H, cs + (int64_t)i * hp, H);
        }
        m.barrier();
    }

    /**
     * Gh[0..mc) columns [col0, col0 + ncols) = A[0..mc) W_hh^T: the packed micro-kernel on W_hh^T's panels, or
     * through OpenBLAS a GEMM (a GEMV for a single row).
     */
    void recurrent(const SlotWeights<R>& w, int mc, const R* A, int64_t col0, int ncols) {
        R* ghb = at(P.gh);
        if (!blas) {
            constexpr int NR = panel_width<R>();
            PG.multiply(mc, H, A, hp, w.whhTp + (col0 / NR) * H * NR, (int64_t)H * NR, ncols / NR, ghb + col0, fw,
                        false);
        } else if (mc == 1) {
            gemv(ncols, H, (R)1, w.whh + col0 * hp, hp, A, (R)0, ghb + col0);
        } else {
            gemm(false, false, mc, ncols, H, (R)1, A, hp, w.whhT + col0, fw, (R)0, ghb + col0, fw);
        }
    }

    /** Rows per task of the large packed products: a multiple of every MR (6, 3, 1). */
    static constexpr int PACKED_ROW_CHUNK = 192;

    /**
     * C[m][panels*NR] (+)= A[m][K] Bp with the packed kernel, rows in blocks of about 256 KB of A (kept in L2 while
     * the panels pass over it). Blocking changes no result: every element is one chain over k.
     */
    void packed_rows(int mrows, int K, const R* A, int64_t lda, const R* Bp, int panels, R* C, int64_t ldc,
                     bool accumulate) {
        constexpr int NR = panel_width<R>();
        int64_t mc = (256 * 1024 / (int64_t)sizeof(R)) / (K > 0 ? K : 1);
        mc = mc < 6 ? 6 : mc > PACKED_ROW_CHUNK ? PACKED_ROW_CHUNK : mc / 6 * 6;
        for (int r0 = 0; r0 < mrows; r0 += (int)mc) {
            const int rc = (int)(mrows - r0 < mc ? mrows - r0 : mc);
            PG.multiply(rc, K, A + (int64_t)r0 * lda, lda, Bp, (int64_t)K * NR, panels, C + (int64_t)r0 * ldc, ldc,
                        accumulate);
        }
    }

    // ------------------------------------------------------------------------------------------- backward

    void backward(Member& m) {
        const R* input = arg<const R>(call::INPUT);
        const R* gradOutput = arg<const R>(call::GRAD_OUTPUT);
        R* gradInput = arg<R>(call::GRAD_INPUT);
        const bool wantW = h[call::WEIGHT_GRADS] != 0;
        int64_t ra, rb;
        share(m, rows, ra, rb);
        // dY of the top layer: the caller's gradOutput (any layout) padded, zero past each length.
        R* dyTop = at(P.dy0);
        for (int64_t r = ra; r < rb; r++) {
            const int t = (int)(r / N), n = (int)(r % N);
            for (int d = 0; d < C.directions; d++) {
                R* dst = dyTop + r * yw + (int64_t)d * hp;
                if (gradOutput && t < lens[n]) copy(dst, gradOutput + layout_offset(t, n, C.output_size()) + d * H, H);
                else zero(dst, H);
                zero(dst + H, hp - H);
            }
        }
        // Layer 0's input rows for OpenBLAS's dW_ih, as the forward read them (the packed path packs them from the
        // caller's tensor directly).
        const R* x0 = input;
        if (wantW && blas && (C.batch_first || !full)) x0 = gather_layer0(input, ra, rb);
        // dX of layer 0 goes straight to the caller's gradInput when it is time-major without lengths (OpenBLAS
        // path; the packed kernel writes whole panels, so it goes through dxs).
        const bool dxInPlace = blas && gradInput && !C.batch_first && full;
        for (int l = C.layers - 1; l >= 0; l--) {
            R* dyL = at((C.layers - 1 - l) % 2 == 0 ? P.dy0 : P.dy1);
            R* dx = nullptr;
            int64_t lddx = 0;
            if (l > 0) {
                dx = at((C.layers - l) % 2 == 0 ? P.dy0 : P.dy1);
                lddx = yw;
            } else if (gradInput) {
                dx = dxInPlace ? gradInput : at(P.dxs);
                lddx = dxInPlace ? I : P.dxs_ld;
            }
            for (int d = 0; d < C.directions; d++) {
                const int slot = l * C.directions + d;
                const SlotWeights<R> w = WL.slot<R>(W, slot);
                const R* X = l == 0 ? x0 : at(P.y(l - 1));
                const int64_t ldx = l == 0 ? I : yw;
                backward_layer(m, w, X, ldx, l == 0 && x0 == input, d, slot, slot, slot, at(P.y(l)), (int64_t)d * hp,
                               dyL, dx, lddx, d == 0 ? (R)0 : (R)1, arg<const R>(call::GRAD_HN),
                               arg<const R>(call::GRAD_CN));
            }
        }
        if (gradInput && !dxInPlace) {
            const R* dxs = at(P.dxs);
            for (int64_t r = ra; r < rb; r++) {
                const int t = (int)(r / N), n = (int)(r % N);
                R* dst = gradInput + layout_offset(t, n, I);
                if (t < lens[n]) copy(dst, dxs + r * P.dxs_ld, I);
                else zero(dst, I);  // the gradient past a length is exactly zero
            }
        }
    }

    /** Where h_{t-1} of row (t, n) is: the previous step's output, or the saved h0 at the sample's first step. */
    const R* prev_h(const R* Y, int64_t ydir, int ps, int d, int t, int n) const {
        const bool first = d == 0 ? t == 0 : t == lens[n] - 1;
        if (first) return at(P.h0(ps)) + (int64_t)n * hp;
        const int tp = d == 0 ? t - 1 : t + 1;
        return Y + ((int64_t)tp * N + n) * yw + ydir;
    }

    const R* prev_c(int ps, int d, int t, int n) const {
        const bool first = d == 0 ? t == 0 : t == lens[n] - 1;
        if (first) return at(P.c0(ps)) + (int64_t)n * hp;
        const int tp = d == 0 ? t - 1 : t + 1;
        return at(P.cells(ps)) + ((int64_t)tp * N + n) * hp;
    }

    /**
     * One layer direction backward: carries in, the time loop (post-GEMM backward, barrier, dh GEMM), then the
     * dW_ih, dW_hh and dX products over all steps as one set of fixed chunks, the weight gradients written out
     * and the carries out. `dx` (may be null) receives dX with leading dimension lddx, added when dxBeta is 1.
     */
    void backward_layer(Member& m, const SlotWeights<R>& w, const R* X, int64_t ldx, bool xLayout, int d, int slot,
                        int ps, int wgIndex, const R* Y, int64_t ydir, const R* dyL, R* dx, int64_t lddx, R dxBeta,
                        const R* dhInit, const R* dcInit) {
        const bool wantW = h[call::WEIGHT_GRADS] != 0;
        R* big = at(P.big);
        R* dhcarry = at(P.dhcarry);
        R* dccarry = lstm ? at(P.dccarry) : nullptr;
        R* dhc = at(P.dhc);
        R* drhb = kind == CellKind::GRU_RESET_BEFORE ? at(P.drh) : nullptr;
        R* colsums = at(P.colsums);
        R* peepsums = kind == CellKind::LSTM_PEEPHOLE ? at(P.peepsums) : nullptr;
        R* hprevAll = at(P.hprev);
        const R* gatesBase = sw > 0 ? at(P.gates(ps)) : nullptr;
        const R* cBase = lstm ? at(P.cells(ps)) : nullptr;

        // Carries by position; sums zeroed; dG rows past the lengths zeroed; h_{t-1} of every row gathered.
        for (int i = m.from(N, 1); i < m.to(N, 1); i++) {
            const int n = order[i];
            R* dh = dhcarry + (int64_t)i * hp;
            if (dhInit) copy(dh, dhInit + ((int64_t)slot * N + n) * H, H);
            else zero(dh, H);
            zero(dh + H, hp - H);
            if (lstm) {
                R* dc = dccarry + (int64_t)i * hp;
                if (dcInit) copy(dc, dcInit + ((int64_t)slot * N + n) * H, H);
                else zero(dc, H);
                zero(dc + H, hp - H);
            }
        }
        if (m.index == 0) {
            zero(colsums, dgw);
            if (peepsums) zero(peepsums, 3 * hp);
        }
        int64_t ra, rb;
        share(m, rows, ra, rb);
        for (int64_t r = ra; r < rb; r++) {
            const int t = (int)(r / N), n = (int)(r % N);
            if (t >= lens[n]) {
                zero(big + r * dgld, dgw);
                if (wantW && blas) zero(hprevAll + r * hp, hp);
            } else if (wantW && blas) {
                copy(hprevAll + r * hp, prev_h(Y, ydir, ps, d, t, n), hp);
            }
        }
        m.barrier();

        const int grains = G.grains();
        const int q0 = m.from(grains, 1), q1 = m.to(grains, 1);
        const int gu = G.grain;
        const bool lbr = kind == CellKind::GRU_LINEAR_BEFORE_RESET;
        for (int s = maxLen - 1; s >= 0; s--) {
            const int mc = count[s];
            R* dgS = at(P.dgstep) + (int64_t)(s & 1) * N * dgld;
            for (int q = q0; q < q1; q++) {
                for (int i = 0; i < mc; i++) {
                    const int n = order[i];
                    const int t = time(s, d, lens[n]);
                    const int64_t r = (int64_t)t * N + n;
                    const R* dy = dyL + r * yw + ydir;
                    if (lstm) {
                        LstmBackwardRow<R> a{gatesBase + r * sw, cBase + r * hp, prev_c(ps, d, t, n), dy,
                                             dhcarry + (int64_t)i * hp, dccarry + (int64_t)i * hp, dgS + (int64_t)i * dgld,
                                             big + r * dgld, colsums, w.peep, peepsums, hp, H};
                        if (kind == CellKind::LSTM_PEEPHOLE) K.lstm_backward_peephole(a, 2 * q, 2 * q + 2);
                        else K.lstm_backward(a, 2 * q, 2 * q + 2);
                    } else if (is_gru(kind)) {
                        GruBackwardRow<R> a{gatesBase + r * sw, prev_h(Y, ydir, ps, d, t, n), dy, dhcarry + (int64_t)i * hp,
                                            drhb ? drhb + (int64_t)i * hp : nullptr, dhc + (int64_t)i * hp,
                                            dgS + (int64_t)i * dgld, big + r * dgld, colsums, lbr ? 0 : 2 * hp,
                                            lbr ? hp : 0, 3 * hp, hp, H};
                        if (lbr) K.gru_backward_lbr(a, 2 * q, 2 * q + 2);
                        else K.gru_backward_rb(a, 2 * q, 2 * q + 2);
                    } else {
                        RnnBackwardRow<R> a{Y + r * yw + ydir, dy, dhcarry + (int64_t)i * hp, dgS + (int64_t)i * dgld,
                                            big + r * dgld, colsums, H};
                        if (kind == CellKind::RNN_RELU) K.rnn_backward_relu(a, 2 * q, 2 * q + 2);
                        else K.rnn_backward_tanh(a, 2 * q, 2 * q + 2);
                    }
                }
            }
            m.barrier();
            // dh_{t-1} for this member's units.
            for (int q = q0; q < q1; q++) {
                const int64_t u0 = (int64_t)q * gu;
                switch (kind) {
                    case CellKind::GRU_LINEAR_BEFORE_RESET:
                        dh_product(w, mc, dgS + hp, 3 * hp, 0, u0, dhc, (R)1);
                        break;
                    case CellKind::GRU_RESET_BEFORE:
                        dh_product(w, mc, dgS + 2 * hp, hp, 2 * hp, u0, drhb, (R)0);
                        for (int i = 0; i < mc; i++) {
                            const int n = order[i];
                            const int t = time(s, d, lens[n]);
                            const int64_t r = (int64_t)t * N + n;
                            GruBackwardRow<R> a{gatesBase + r * sw, prev_h(Y, ydir, ps, d, t, n), nullptr, nullptr,
                                                drhb + (int64_t)i * hp, dhc + (int64_t)i * hp, dgS + (int64_t)i * dgld,
                                                big + r * dgld, colsums, 2 * hp, 0, 3 * hp, hp, H};
                            K.gru_backward_reset(a, 2 * q, 2 * q + 2);
                        }
                        break;
                    default:
                        dh_product(w, mc, dgS, fw, 0, u0, dhc, (R)0);
                        break;
                }
            }
            if (kind == CellKind::GRU_RESET_BEFORE) {
                m.barrier();  // the r z product reads dar of every unit
                for (int q = q0; q < q1; q++) dh_product(w, mc, dgS, 2 * hp, 0, (int64_t)q * gu, dhc, (R)1);
            }
            for (int q = q0; q < q1; q++) {
                const int64_t u0 = (int64_t)q * gu;
                for (int i = 0; i < mc; i++) copy(dhcarry + (int64_t)i * hp + u0, dhc + (int64_t)i * hp + u0, gu);
            }
        }
        m.barrier();

        // dW_ih, dW_hh and dX over all steps.
        R* accIh = wantW ? at(P.acc_ih) : nullptr;
        R* accHh = wantW ? at(P.acc_hh) : nullptr;
        R* accHn = wantW && kind == CellKind::GRU_RESET_BEFORE ? at(P.acc_hn) : nullptr;
        const int in = w.in_width;
        const int ldIh = blas ? in : w.in_pad;
        const int mIh = fw;
        const int mHh = kind == CellKind::GRU_RESET_BEFORE ? 2 * hp : G.dgh_width();
        const int mHn = accHn ? hp : 0;
        if (wantW && !blas) {
            weight_products(m, X, ldx, xLayout, d, ps, Y, ydir, in, w.in_pad, accIh, accHh, accHn, mHh, mHn);
        }
        // OpenBLAS: the weight products in fixed chunks of dW rows; dX in row chunks. Shared dynamically.
        const int cIh = gemm_weight_chunk(mIh), cHh = gemm_weight_chunk(mHh), cHn = mHn ? gemm_weight_chunk(mHn) : 1;
        const bool blasW = wantW && blas;
        const int nIh = blasW ? (mIh + cIh - 1) / cIh : 0;
        const int nHh = blasW ? (mHh + cHh - 1) / cHh : 0;
        const int nHn = blasW ? (mHn + cHn - 1) / cHn : 0;
        const int cDx = blas ? gemm_row_chunk(rows) : PACKED_ROW_CHUNK;
        const int nDx = dx ? (int)((rows + cDx - 1) / cDx) : 0;
        m.tasks(nIh + nHh + nHn + nDx, [&](int task) {
            if (task < nIh) {
                const int c0 = task * cIh, mc = mIh - c0 < cIh ? mIh - c0 : cIh;
                gemm_long_k(true, false, mc, in, rows, big + c0, dgld, X, ldx, accIh + (int64_t)c0 * in, in, (R)0);
            } else if ((task -= nIh) < nHh) {
                const int c0 = task * cHh, mc = mHh - c0 < cHh ? mHh - c0 : cHh;
                gemm_long_k(true, false, mc, H, rows, big + G.dgh_offset() + c0, dgld, hprevAll, hp,
                            accHh + (int64_t)c0 * hp, hp, (R)0);
            } else if ((task -= nHh) < nHn) {
                const int c0 = task * cHn, mc = mHn - c0 < cHn ? mHn - c0 : cHn;
                gemm_long_k(true, false, mc, H, rows, big + 2 * hp + c0, dgld, gatesBase + 3 * hp, sw,
                            accHn + (int64_t)c0 * hp, hp, (R)0);
            } else {
                task -= nHn;
                const int64_t r0 = (int64_t)task * cDx;
                const int rc = (int)(rows - r0 < cDx ? rows - r0 : cDx);
                if (blas) {
                    gemm(false, false, rc, in, fw, (R)1, big + r0 * dgld, dgld, w.wih, in, dxBeta, dx + r0 * lddx, lddx);
                } else {
                    packed_rows(rc, fw, big + r0 * dgld, dgld, w.wihp, w.in_pad / panel_width<R>(), dx + r0 * lddx, lddx,
                                dxBeta != (R)0);
                }
            }
        });

        if (wantW) write_weight_grads(m, ldIh, wgIndex, accIh, accHh, accHn, colsums, peepsums);
        R* gradH0 = arg<R>(call::GRAD_H0);
        R* gradC0 = arg<R>(call::GRAD_C0);
        for (int i = m.from(N, 1); i < m.to(N, 1); i++) {
            const int n = order[i];
            if (gradH0) copy(gradH0 + ((int64_t)slot * N + n) * H, dhcarry + (int64_t)i * hp, H);
            if (gradC0 && lstm) copy(gradC0 + ((int64_t)slot * N + n) * H, dccarry + (int64_t)i * hp, H);
        }
        m.barrier();
    }

    /**
     * The weight-gradient products with the packed kernel, over all rows in K blocks of Plan::K_BLOCK: per block
     * the team packs B (the layer input, h_{t-1}, and for the reset-before GRU r*h_{t-1}; rows past a length as
     * zeros) panel by panel, meets at a barrier, and each member multiplies its rows of dW (dG^T read in place),
     * overwriting at the first block and adding at the others; a barrier before the next block reuses the packed B.
     * Every element is one chain per block, the blocks added in order, whoever computes it.
     */
    void weight_products(Member& m, const R* X, int64_t ldx, bool xLayout, int d, int ps, const R* Y, int64_t ydir,
                         int in, int inPad, R* accIh, R* accHh, R* accHn, int mHh, int mHn) {
        constexpr int NR = panel_width<R>();
        const int KB = Plan::K_BLOCK;
        R* big = at(P.big);
        R* bx = at(P.bpack);
        const int pX = inPad / NR, pH = hp / NR, pN = mHn ? hp / NR : 0;
        R* bh = bx + (int64_t)pX * KB * NR;
        R* bn = bh + (int64_t)pH * KB * NR;
        const R* gatesBase = sw > 0 ? at(P.gates(ps)) : nullptr;
        const int panels = pX + pH + pN;
        const int mIh = fw, total = mIh + mHh + mHn;
        const int i0 = m.from(total, 6), i1 = m.to(total, 6);  // 6: a multiple of every tile height
        for (int64_t k0 = 0; k0 < rows; k0 += KB) {
            const int kc = (int)(rows - k0 < KB ? rows - k0 : KB);
            for (int p = m.from(panels, 1); p < m.to(panels, 1); p++) {
                R* dst;
                int width, c0;
                if (p < pX) {
                    dst = bx + (int64_t)p * KB * NR;
                    c0 = p * NR;
                    width = in;
                } else if (p < pX + pH) {
                    dst = bh + (int64_t)(p - pX) * KB * NR;
                    c0 = (p - pX) * NR;
                    width = hp;
                } else {
                    dst = bn + (int64_t)(p - pX - pH) * KB * NR;
                    c0 = (p - pX - pH) * NR;
                    width = hp;
                }
                const int wc = width - c0 < NR ? width - c0 : NR;
                for (int k = 0; k < kc; k++) {
                    const int64_t r = k0 + k;
                    const int t = (int)(r / N), n = (int)(r % N);
                    R* row = dst + (int64_t)k * NR;
                    if (t >= lens[n]) {
                        zero(row, NR);
                        continue;
                    }
                    const R* src;
                    if (p < pX) src = xLayout ? X + layout_offset(t, n, I) : X + r * ldx;
                    else if (p < pX + pH) src = prev_h(Y, ydir, ps, d, t, n);
                    else src = gatesBase + r * sw + 3 * hp;
                    copy(row, src + c0, wc);
                    if (wc < NR) zero(row + wc, NR - wc);
                }
            }
            m.barrier();
            const R* A = big + k0 * dgld;
            const bool acc = k0 > 0;
            // this member's rows of [dW_ih | dW_hh | dW_hn] (the rows of each are dG's columns)
            int a = i0 > 0 ? i0 : 0, b = i1 < mIh ? i1 : mIh;
            if (a < b) PG.multiply_at(b - a, kc, A + a, dgld, bx, (int64_t)KB * NR, pX, accIh + (int64_t)a * inPad, inPad, acc);
            a = (i0 > mIh ? i0 : mIh) - mIh;
            b = (i1 < mIh + mHh ? i1 : mIh + mHh) - mIh;
            if (a < b) {
                PG.multiply_at(b - a, kc, A + G.dgh_offset() + a, dgld, bh, (int64_t)KB * NR, pH, accHh + (int64_t)a * hp,
                               hp, acc);
            }
            a = (i0 > mIh + mHh ? i0 : mIh + mHh) - mIh - mHh;
            b = (i1 < total ? i1 : total) - mIh - mHh;
            if (a < b) {
                PG.multiply_at(b - a, kc, A + 2 * hp + a, dgld, bn, (int64_t)KB * NR, pN, accHn + (int64_t)a * hp, hp,
                               acc);
            }
            m.barrier();
        }
    }

    /**
     * dh[0..mc) units [u0, u0 + grain) (+)= dG[0..mc) columns [dgCol, dgCol + k) W, W's rows [wRow0, wRow0 + k):
     * a GEMM with the backward weights, or for a single row a GEMV with the rows of W_hh^T.
     */
    void dh_product(const SlotWeights<R>& w, int mc, const R* A, int k, int wRow0, int64_t u0, R* out, R beta) {
        const int gu = G.grain;
        if (!blas) {
            constexpr int NR = panel_width<R>();
            const int64_t kw = G.dgh_width();
            PG.multiply(mc, k, A, dgld, w.whhp + ((u0 / NR) * kw + wRow0) * NR, kw * NR, gu / NR, out + u0, hp,
                        beta != (R)0);
        } else if (mc == 1) {
            gemv(gu, k, (R)1, w.whhT + u0 * fw + wRow0, fw, A, beta, out + u0);
        } else {
            gemm(false, false, mc, gu, k, (R)1, A, dgld, w.whh + (int64_t)wRow0 * hp + u0, hp, beta, out + u0, hp);
        }
    }

    /** Writes (or adds) the gradients of one layer direction into the caller's tensors, rows shared out. */
    void write_weight_grads(Member& m, int in, int wgIndex, const R* accIh, const R* accHh, const R* accHn,
                            const R* colsums, const R* peepsums) {
        const int64_t* wg = (const int64_t*)(ws + P.weight_grads_offset) + (int64_t)wgIndex * call::WG_COUNT;
        const bool acc = h[call::ACCUMULATE] != 0;
        const int layer = P.step ? (int)h[call::LAYER] : wgIndex / C.directions;
        const int inputs = C.layer_input_size(layer);
        const int G4 = G.gates();
        const int total = G4 * H;
        for (int row = m.from(total, 1); row < m.to(total, 1); row++) {
            const int g = row / H, j = row % H;
            const R* xr = accIh + (int64_t)G.dgx_column(g, j) * in;
            R* dst = (R*)(intptr_t)wg[call::WG_IH + g] + (int64_t)j * inputs;
            for (int x = 0; x < inputs; x++) {
                const int k = layer == 0 ? x : (x / H) * hp + x % H;
                dst[x] = acc ? dst[x] + xr[k] : xr[k];
            }
            const R* hr = kind == CellKind::GRU_RESET_BEFORE && g == 2
                              ? accHn + (int64_t)j * hp
                              : accHh + (int64_t)(G.dgh_column(g, j) - G.dgh_offset()) * hp;
            R* hd = (R*)(intptr_t)wg[call::WG_HH + g] + (int64_t)j * H;
            for (int k = 0; k < H; k++) hd[k] = acc ? hd[k] + hr[k] : hr[k];
            const R bi = colsums[G.dgx_column(g, j)], bh = colsums[G.dgh_column(g, j)];
            R* gbi = (R*)(intptr_t)wg[call::WG_BIAS_IH + g] + j;
            R* gbh = (R*)(intptr_t)wg[call::WG_BIAS_HH + g] + j;
            *gbi = acc ? *gbi + bi : bi;
            *gbh = acc ? *gbh + bh : bh;
        }
        if (peepsums) {
            for (int row = m.from(3 * H, 1); row < m.to(3 * H, 1); row++) {
                const int g = row / H, j = row % H;
                const R v = peepsums[g * hp + j];
                R* gp = (R*)(intptr_t)wg[call::WG_PEEPHOLE + g] + j;
                *gp = acc ? *gp + v : v;
            }
        }
    }

    // --------------------------------------------------------------------------------------- single steps

    /** The input rows of a step: the caller's for layer 0; above it, padded per direction into xs. */
    const R* step_input(Member& m, int layer, int64_t& ldx) {
        const R* input = arg<const R>(call::INPUT);
        if (layer == 0) {
            ldx = I;
            return input;
        }
        const int D = C.directions;
        const int in = D * hp;
        R* xs = at(P.xs);
        for (int n = m.from(N, 1); n < m.to(N, 1); n++) {
            for (int dd = 0; dd < D; dd++) {
                R* dst = xs + (int64_t)n * in + (int64_t)dd * hp;
                copy(dst, input + ((int64_t)n * D + dd) * H, H);
                zero(dst + H, hp - H);
            }
        }
        ldx = in;
        return xs;
    }

    void step_forward(Member& m) {
        const int layer = (int)h[call::LAYER], dir = (int)h[call::DIRECTION];
        int64_t ldx;
        const R* X = step_input(m, layer, ldx);
        m.barrier();
        const SlotWeights<R> w = WL.slot<R>(W, layer * C.directions + dir);
        // The state tensors of a step are [N][H]: slot 0 of them.
        forward_layer(m, w, X, ldx, 0, 0, 0, at(P.y(0)), 0);
    }

    void step_backward(Member& m) {
        const int layer = (int)h[call::LAYER], dir = (int)h[call::DIRECTION];
        const R* gradHNext = arg<const R>(call::GRAD_HN);
        R* gradInput = arg<R>(call::GRAD_INPUT);
        int64_t ldx;
        const R* X = step_input(m, layer, ldx);
        R* dy = at(P.dy0);
        for (int n = m.from(N, 1); n < m.to(N, 1); n++) {
            R* dst = dy + (int64_t)n * hp;
            if (gradHNext) copy(dst, gradHNext + (int64_t)n * H, H);
            else zero(dst, H);
            zero(dst + H, hp - H);
        }
        const SlotWeights<R> w = WL.slot<R>(W, layer * C.directions + dir);
        R* dx = nullptr;
        int64_t lddx = 0;
        if (gradInput) {
            const bool inPlace = blas && layer == 0;
            dx = inPlace ? gradInput : at(P.dxs);
            lddx = inPlace ? I : P.dxs_ld;
        }
        // The step's gradient of h_t enters as its output gradient; nothing is carried from a later step.
        backward_layer(m, w, X, ldx, false, 0, 0, 0, 0, at(P.y(0)), 0, dy, dx, lddx, (R)0, nullptr,
                       arg<const R>(call::GRAD_CN));
        if (gradInput && dx != gradInput) {
            const int D = C.directions;
            const R* dxs = at(P.dxs);
            for (int n = m.from(N, 1); n < m.to(N, 1); n++) {
                if (layer == 0) {
                    copy(gradInput + (int64_t)n * I, dxs + (int64_t)n * lddx, I);
                } else {
                    for (int dd = 0; dd < D; dd++) {
                        copy(gradInput + ((int64_t)n * D + dd) * H, dxs + (int64_t)n * lddx + (int64_t)dd * hp, H);
                    }
                }
            }
        }
    }
};

/**
 * Floating-point operations of the call's products (RnnPlan.forwardFlops; backward twice that): a call with
 * fewer than the header's TEAM_MIN_FLOPS (Java's default: 10^6, about 5 microseconds of work) runs alone on the
 * calling thread, where waking the team and meeting at a barrier per step would cost more than they share. The
 * result is the same either way.
 */
double call_flops(int op, const Plan& p, const int64_t* h) {
    const Config& c = p.cfg;
    const double G = gate_count(c.kind), H = c.hidden, T = (double)h[call::T], N = (double)h[call::N];
    double f = 0;
    if (op == OP_STEP_FORWARD || op == OP_STEP_BACKWARD) {
        f = 2.0 * N * (c.layer_input_size((int)h[call::LAYER]) + H) * G * H;
    } else {
        for (int l = 0; l < c.layers; l++) f += c.directions * 2.0 * T * N * (c.layer_input_size(l) + H) * G * H;
    }
    return op == OP_BACKWARD || op == OP_STEP_BACKWARD ? 2 * f : f;
}

template <class R>
void run_typed(int op, Team* team, const Plan& plan, const int64_t* header, char* ws, const void* weights) {
    Grid<R> grid(op, plan, header, ws, weights);
    if (team && call_flops(op, plan, header) >= (double)header[call::TEAM_MIN_FLOPS]) {
        team->run(&Grid<R>::job, &grid);
    } else {
        Member alone(0, 1, nullptr);
        Grid<R>::job(&grid, alone);
    }
}

}  // namespace

void run_call(int op, Team* team, const void* weights, void* workspace) {
    const int64_t* header = (const int64_t*)workspace;
    const Config cfg = config_from(header);
    const Plan plan(cfg, (int)header[call::CAPACITY_T], (int)header[call::CAPACITY_N], header[call::TRAINING] != 0,
                    header[call::STEP] != 0, header[call::GEMM_OPENBLAS] != 0);
    char* ws = (char*)workspace;
    if (cfg.element_bytes == 4) run_typed<float>(op, team, plan, header, ws, weights);
    else run_typed<double>(op, team, plan, header, ws, weights);
}

}  // namespace rnn4j
