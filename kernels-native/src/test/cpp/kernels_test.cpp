// Standalone checks of the native backend's C++ kernels, built and run by the Maven build (kernels-native/pom.xml,
// phase test) from the same sources the JNI library includes: for every SIMD level this CPU runs (AVX-512, AVX2,
// the x86-64 baseline) and both element types,
//   - the activations against libm in double precision,
//   - every fused post-GEMM pass (forward and backward of each cell) against scalar formulas computed in double
//     precision, for hidden sizes that hit every tail, with padded units exactly zero and nothing written past the
//     rows given (guard values around every buffer),
//   - the packed micro-kernel against a naive product, its single-row path and its strided-A (transposed) path
//     against its tile path bit for bit, and its accumulate mode.
// Exit status 0 when everything passes; the failures are printed.
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <random>
#include <string>
#include <vector>

#include "gate_layout.h"
#include "gemm.h"
#include "postgemm_dispatch.h"

using namespace rnn4j;

namespace {

int failures = 0;
int checks = 0;

void fail(const std::string& what) {
    if (failures < 40) std::printf("FAIL %s\n", what.c_str());
    failures++;
}

double sigm(double x) { return 1.0 / (1.0 + std::exp(-x)); }

template <class T>
double tol() {
    return sizeof(T) == 4 ? 2e-5 : 1e-12;
}

template <class T>
void close_to(double got, double want, const std::string& what) {
    checks++;
    double err = std::fabs(got - want) / std::max(1.0, std::fabs(want));
    if (!(err <= tol<T>())) fail(what + ": got " + std::to_string(got) + " want " + std::to_string(want));
}

const double GUARD = -123456.75;  // exactly representable in float

/** A buffer with guard values on both sides; check() says whether they are intact. */
template <class T>
struct Buf {
    std::vector<T> v;
    size_t n;
    static constexpr size_t M = 64;
    explicit Buf(size_t count) : v(count + 2 * M, (T)GUARD), n(count) {}
    T* p() { return v.data() + M; }
    T& operator[](size_t i) { return v[M + i]; }
    void fill(std::mt19937& r, double scale) {
        std::uniform_real_distribution<double> d(-scale, scale);
        for (size_t i = 0; i < n; i++) v[M + i] = (T)d(r);
    }
    void zero() {
        for (size_t i = 0; i < n; i++) v[M + i] = 0;
    }
    bool guards_intact() const {
        for (size_t i = 0; i < M; i++) {
            if (v[i] != (T)GUARD || v[M + n + i] != (T)GUARD) return false;
        }
        return true;
    }
};

template <class T>
void guards(std::initializer_list<const Buf<T>*> bufs, const std::string& what) {
    checks++;
    for (const Buf<T>* b : bufs) {
        if (!b->guards_intact()) {
            fail(what + ": a write outside its buffer");
            return;
        }
    }
}

const char* level_name(int bits) { return bits >= 512 ? "avx512" : bits >= 256 ? "avx2" : "baseline"; }

template <class T>
const char* type_name() { return sizeof(T) == 4 ? "f32" : "f64"; }

// ------------------------------------------------------------------------------------------------ activations

template <class T, int B>
RNN4J_INLINE void activations_at(const char* level) {  // inlined into the target wrappers, as the passes are
    typedef vec<T, B> V;
    constexpr int L = B / (int)sizeof(T);
    double worstTanh = 0, worstSig = 0;
    for (double x = -20; x <= 20; x += 0.001953125) {
        V v = (T)x - V{};
        V t = Act<T, B>::tanh(v), s = Act<T, B>::sigmoid(v);
        double xt = (double)(T)x;
        worstTanh = std::max(worstTanh, std::fabs((double)t[L - 1] - std::tanh(xt)));
        worstSig = std::max(worstSig, std::fabs((double)s[0] - sigm(xt)));
    }
    // float32: 3e-7 with fused multiply-adds (the vector backend's bound); the baseline rounds twice: 3.1e-7
    double bound = sizeof(T) == 4 ? (B == 16 ? 3.1e-7 : 3e-7) : 1e-15;
    checks++;
    if (!(worstTanh <= bound) || !(worstSig <= bound)) {
        fail(std::string("activations ") + level + " " + type_name<T>() + ": tanh error " + std::to_string(worstTanh * 1e9) + "e-9"
             + ", sigmoid error " + std::to_string(worstSig * 1e9) + "e-9");
    }
}

// Reached only through a target-attributed wrapper, as in the library.
RNN4J_TARGET_AVX512 void activations512() { activations_at<float, 64>("avx512"); activations_at<double, 64>("avx512"); }
RNN4J_TARGET_AVX2 void activations256() { activations_at<float, 32>("avx2"); activations_at<double, 32>("avx2"); }
void activations128() { activations_at<float, 16>("baseline"); activations_at<double, 16>("baseline"); }

// ---------------------------------------------------------------------------------------------- the passes

/** One row of every pass of `kind` at level `bits`, hidden size H, against double-precision formulas. */
template <class T>
void passes(int bits, CellKind kind, int H, std::mt19937& r) {
    const PostGemmKernels<T>& K = postgemm_kernels_at<T>(bits);
    GateLayout gl(kind, H, sizeof(T));
    const int hp = gl.hp, fw = gl.fwd_width(), dgw = gl.dg_width(), blocks = hp / gl.lanes;
    std::string tag = std::string(level_name(bits)) + " " + type_name<T>() + " kind " + std::to_string((int)kind)
                      + " H=" + std::to_string(H);
    auto pad = [&](Buf<T>& b) {  // padded units of a [Hp] state are zero
        for (int j = H; j < hp; j++) b[j] = 0;
    };
    Buf<T> gx(fw), bias(fw), gh(fw), c(hp), h(hp), y(hp), gates(4 * hp), csave(hp), peep(3 * hp), bhn(hp), hprev(hp),
        rh(hp);
    gx.fill(r, 2);
    bias.fill(r, 0.5);
    gh.fill(r, 2);
    c.fill(r, 1);
    pad(c);
    hprev.fill(r, 1);
    pad(hprev);
    peep.fill(r, 0.5);
    bhn.fill(r, 0.5);
    h.zero();
    y.zero();
    gates.zero();
    csave.zero();
    rh.zero();
    std::vector<T> c0(c.p(), c.p() + hp), gh0(gh.p(), gh.p() + fw);
    auto z = [&](int g, int j) {  // a pre-activation as the pass sums it
        int col = gl.fwd_column(g, j);
        return (double)((T)(gx[col] + bias[col]) + gh0[col]);
    };
    if (is_lstm(kind)) {
        const bool p = kind == CellKind::LSTM_PEEPHOLE;
        LstmForwardRow<T> a{gx.p(), bias.p(), gh.p(), c.p(), h.p(), y.p(), gates.p(), csave.p(), p ? peep.p() : nullptr,
                            hp, H};
        (p ? K.lstm_forward_peephole : K.lstm_forward)(a, 0, blocks);
        for (int j = 0; j < hp; j++) {
            if (j >= H) {
                checks++;
                if (h[j] != 0 || y[j] != 0) fail(tag + " lstm forward: padded unit " + std::to_string(j) + " not zero");
                continue;
            }
            double cp = c0[j];
            double zi = z(0, j) + (p ? peep[j] * cp : 0), zf = z(1, j) + (p ? peep[hp + j] * cp : 0);
            double i = sigm(zi), f = sigm(zf), g = std::tanh(z(2, j));
            double cn = f * cp + i * g;
            double o = sigm(z(3, j) + (p ? peep[2 * hp + j] * cn : 0));
            close_to<T>(c[j], cn, tag + " lstm forward c");
            close_to<T>(h[j], o * std::tanh(cn), tag + " lstm forward h");
            close_to<T>(y[j], o * std::tanh(cn), tag + " lstm forward y");
            close_to<T>(csave[j], cn, tag + " lstm forward saved c");
            close_to<T>(gates[gl.fwd_column(0, j)], i, tag + " lstm saved i");
            close_to<T>(gates[gl.fwd_column(3, j)], o, tag + " lstm saved o");
        }
        guards<T>({&gx, &bias, &gh, &c, &h, &y, &gates, &csave, &peep}, tag + " lstm forward");

        // backward from the saved state just computed
        Buf<T> dy(hp), dhc(hp), dc(hp), dg(dgw), dgall(dgw), colsum(dgw), peepsum(3 * hp);
        dy.fill(r, 1);
        dhc.fill(r, 1);
        dc.fill(r, 1);
        colsum.fill(r, 1);
        peepsum.fill(r, 1);
        dg.zero();
        dgall.zero();
        std::vector<T> dc0(dc.p(), dc.p() + hp), col0(colsum.p(), colsum.p() + dgw), ps0(peepsum.p(), peepsum.p() + 3 * hp);
        Buf<T> cprev(hp);
        for (int j = 0; j < hp; j++) cprev[j] = c0[j];
        LstmBackwardRow<T> b{gates.p(), csave.p(), cprev.p(), dy.p(), dhc.p(), dc.p(), dg.p(), dgall.p(), colsum.p(),
                             p ? peep.p() : nullptr, p ? peepsum.p() : nullptr, hp, H};
        (p ? K.lstm_backward_peephole : K.lstm_backward)(b, 0, blocks);
        for (int j = 0; j < hp; j++) {
            int ci = gl.fwd_column(0, j), cf = gl.fwd_column(1, j), cg = gl.fwd_column(2, j), co = gl.fwd_column(3, j);
            if (j >= H) {
                checks++;
                if (dg[ci] != 0 || dg[cf] != 0 || dg[cg] != 0 || dg[co] != 0 || dc[j] != 0) {
                    fail(tag + " lstm backward: padded unit not zero");
                }
                continue;
            }
            double i = gates[ci], f = gates[cf], g = gates[cg], o = gates[co], cc = csave[j], cp = cprev[j];
            double dh = (double)dy[j] + (double)dhc[j], tc = std::tanh(cc);
            double dao = dh * tc * o * (1 - o);
            double dct = dh * o * (1 - tc * tc) + dc0[j] + (p ? peep[2 * hp + j] * dao : 0);
            double dai = dct * g * i * (1 - i), daf = dct * cp * f * (1 - f), dag = dct * i * (1 - g * g);
            double dcp = dct * f + (p ? peep[j] * dai + peep[hp + j] * daf : 0);
            close_to<T>(dg[ci], dai, tag + " lstm backward dai");
            close_to<T>(dg[cf], daf, tag + " lstm backward daf");
            close_to<T>(dgall[cg], dag, tag + " lstm backward dag");
            close_to<T>(dgall[co], dao, tag + " lstm backward dao");
            close_to<T>(dc[j], dcp, tag + " lstm backward dc");
            close_to<T>(colsum[ci], col0[ci] + dai, tag + " lstm backward bias sum");
            if (p) close_to<T>(peepsum[2 * hp + j], ps0[2 * hp + j] + dao * cc, tag + " lstm backward peephole sum");
        }
        guards<T>({&gates, &csave, &cprev, &dy, &dhc, &dc, &dg, &dgall, &colsum, &peepsum}, tag + " lstm backward");
    } else if (is_gru(kind)) {
        const bool lbr = kind == CellKind::GRU_LINEAR_BEFORE_RESET;
        GruForwardRow<T> a{gx.p(), bias.p(), gh.p(), lbr ? bhn.p() : nullptr, hprev.p(), h.p(), y.p(), gates.p(), rh.p(),
                           hp, H};
        if (lbr) {
            K.gru_forward_lbr(a, 0, blocks);
        } else {
            K.gru_forward_rb1(a, 0, blocks);
            for (int j = 0; j < hp; j++) gh[2 * hp + j] = gh0[2 * hp + j];  // the n product's result, as given
            K.gru_forward_rb2(a, 0, blocks);
        }
        for (int j = 0; j < H; j++) {
            double rr = sigm(z(0, j)), zz = sigm(z(1, j)), hpv = hprev[j];
            int cn = gl.fwd_column(2, j);
            double gxn = (double)(T)(gx[cn] + bias[cn]);
            double n = lbr ? std::tanh(rr * ((double)gh0[cn] + bhn[j]) + gxn) : std::tanh(gxn + (double)gh0[cn]);
            double hn = (1 - zz) * n + zz * hpv;
            close_to<T>(h[j], hn, tag + " gru forward h");
            close_to<T>(y[j], hn, tag + " gru forward y");
            close_to<T>(gates[gl.fwd_column(0, j)], rr, tag + " gru saved r");
            close_to<T>(gates[2 * hp + j], n, tag + " gru saved n");
            close_to<T>(gates[3 * hp + j], lbr ? (double)(T)(gh0[cn] + bhn[j]) : rr * hpv, tag + " gru saved extra");
            if (!lbr) close_to<T>(rh[j], rr * hpv, tag + " gru r*h");
        }
        for (int j = H; j < hp; j++) {
            checks++;
            if (h[j] != 0 || y[j] != 0) fail(tag + " gru forward: padded unit not zero");
        }
        guards<T>({&gx, &bias, &gh, &h, &y, &gates, &bhn, &hprev, &rh}, tag + " gru forward");

        Buf<T> dy(hp), dhc(hp), dhp(hp), dg(dgw), dgall(dgw), colsum(dgw), drh(hp);
        dy.fill(r, 1);
        dhc.fill(r, 1);
        drh.fill(r, 1);
        colsum.zero();
        dg.zero();
        dgall.zero();
        dhp.zero();
        const int xn = lbr ? 0 : 2 * hp, rz = lbr ? hp : 0, hn = 3 * hp;
        GruBackwardRow<T> b{gates.p(), hprev.p(), dy.p(), dhc.p(), drh.p(), dhp.p(), dg.p(), dgall.p(), colsum.p(), xn,
                            rz, hn, hp, H};
        (lbr ? K.gru_backward_lbr : K.gru_backward_rb)(b, 0, blocks);
        if (!lbr) K.gru_backward_reset(b, 0, blocks);
        for (int j = 0; j < H; j++) {
            double rr = gates[gl.fwd_column(0, j)], zz = gates[gl.fwd_column(1, j)], n = gates[2 * hp + j];
            double extra = gates[3 * hp + j], hpv = hprev[j], dh = (double)dy[j] + (double)dhc[j];
            double dan = dh * (1 - zz) * (1 - n * n), daz = dh * (hpv - n) * zz * (1 - zz);
            double dar = lbr ? dan * extra * rr * (1 - rr) : drh[j] * hpv * rr * (1 - rr);
            double direct = dh * zz + (lbr ? 0 : drh[j] * rr);
            close_to<T>(dg[xn + j], dan, tag + " gru backward dan");
            close_to<T>(dg[rz + gl.fwd_column(1, j)], daz, tag + " gru backward daz");
            close_to<T>(dgall[rz + gl.fwd_column(0, j)], dar, tag + " gru backward dar");
            close_to<T>(dhp[j], direct, tag + " gru backward dh direct");
            if (lbr) close_to<T>(dg[hn + j], dan * rr, tag + " gru backward dan*r");
            close_to<T>(colsum[xn + j], dan, tag + " gru backward bias sum");
        }
        for (int j = H; j < hp; j++) {
            checks++;
            if (dg[xn + j] != 0 || dhp[j] != 0) fail(tag + " gru backward: padded unit not zero");
        }
        guards<T>({&gates, &hprev, &dy, &dhc, &dhp, &dg, &dgall, &colsum, &drh}, tag + " gru backward");
    } else {
        const bool relu = kind == CellKind::RNN_RELU;
        RnnForwardRow<T> a{gx.p(), bias.p(), gh.p(), h.p(), y.p(), H};
        (relu ? K.rnn_forward_relu : K.rnn_forward_tanh)(a, 0, blocks);
        for (int j = 0; j < hp; j++) {
            double zz = z(0, j), want = j >= H ? 0 : relu ? std::max(0.0, zz) : std::tanh(zz);
            close_to<T>(h[j], want, tag + " rnn forward h");
            if (j >= H) {
                checks++;
                if (h[j] != 0) fail(tag + " rnn forward: padded unit not zero");
            }
        }
        Buf<T> dy(hp), dhc(hp), dg(dgw), dgall(dgw), colsum(dgw);
        dy.fill(r, 1);
        dhc.fill(r, 1);
        colsum.zero();
        RnnBackwardRow<T> b{h.p(), dy.p(), dhc.p(), dg.p(), dgall.p(), colsum.p(), H};
        (relu ? K.rnn_backward_relu : K.rnn_backward_tanh)(b, 0, blocks);
        for (int j = 0; j < hp; j++) {
            double hv = h[j], dh = (double)dy[j] + (double)dhc[j];
            double want = j >= H ? 0 : relu ? (hv > 0 ? dh : 0) : dh * (1 - hv * hv);
            close_to<T>(dg[j], want, tag + " rnn backward");
            close_to<T>(colsum[j], want, tag + " rnn backward bias sum");
        }
        guards<T>({&gx, &bias, &gh, &h, &y, &dy, &dhc, &dg, &dgall, &colsum}, tag + " rnn");
    }
}

// ------------------------------------------------------------------------------------------ packed kernel

template <class T>
void packed(int bits, std::mt19937& r) {
    const PackedGemm<T>& G = packed_gemm_at<T>(bits);
    constexpr int NR = panel_width<T>();
    for (int K : {1, 7, 64, 129}) {
        for (int panels : {1, 2, 3, 5}) {
            for (int m : {1, 2, 3, 5, 6, 7, 13}) {
                std::string tag = std::string(level_name(bits)) + " " + type_name<T>() + " packed m=" + std::to_string(m)
                                  + " K=" + std::to_string(K) + " panels=" + std::to_string(panels);
                const int lda = K + 3, ldc = panels * NR + 5;
                Buf<T> A((size_t)m * lda), Bp((size_t)panels * K * NR), C((size_t)m * ldc), C1(ldc);
                A.fill(r, 1);
                Bp.fill(r, 1);
                C.fill(r, 1);
                std::vector<T> before(C.p(), C.p() + (size_t)m * ldc);
                G.multiply(m, K, A.p(), lda, Bp.p(), (int64_t)K * NR, panels, C.p(), ldc, false);
                for (int i = 0; i < m; i++) {
                    for (int col = 0; col < panels * NR; col++) {
                        double want = 0;
                        for (int k = 0; k < K; k++) {
                            want += (double)A[(size_t)i * lda + k] * Bp[((size_t)(col / NR) * K + k) * NR + col % NR];
                        }
                        close_to<T>(C[(size_t)i * ldc + col], want, tag);
                    }
                    for (int col = panels * NR; col < ldc; col++) {  // the row padding is left alone
                        checks++;
                        if (C[(size_t)i * ldc + col] != before[(size_t)i * ldc + col]) fail(tag + ": wrote past the panels");
                    }
                }
                // a single row gets the tile's bits; accumulate adds
                for (int i = 0; i < m; i++) {
                    G.multiply(1, K, A.p() + (size_t)i * lda, lda, Bp.p(), (int64_t)K * NR, panels, C1.p(), ldc, false);
                    checks++;
                    if (std::memcmp(C1.p(), C.p() + (size_t)i * ldc, sizeof(T) * panels * NR) != 0) {
                        fail(tag + ": the single-row path differs from the tile path in row " + std::to_string(i));
                    }
                }
                // A stored transposed (element (i, k) at At[k*ldt + i]), tiles outer: the same chains, the same bits
                const int ldt = m + 5;
                Buf<T> At((size_t)K * ldt), Ct((size_t)m * ldc);
                Ct.fill(r, 1);
                for (int i = 0; i < m; i++)
                    for (int k = 0; k < K; k++) At[(size_t)k * ldt + i] = A[(size_t)i * lda + k];
                G.multiply_at(m, K, At.p(), ldt, Bp.p(), (int64_t)K * NR, panels, Ct.p(), ldc, false);
                for (int i = 0; i < m; i++) {
                    checks++;
                    if (std::memcmp(Ct.p() + (size_t)i * ldc, C.p() + (size_t)i * ldc, sizeof(T) * panels * NR) != 0) {
                        fail(tag + ": the strided-A path differs from the row-major path in row " + std::to_string(i));
                    }
                }
                guards<T>({&At, &Ct}, tag + " strided A");
                std::vector<T> once(C.p(), C.p() + (size_t)m * ldc);
                G.multiply(m, K, A.p(), lda, Bp.p(), (int64_t)K * NR, panels, C.p(), ldc, true);
                for (int i = 0; i < m; i++) {
                    for (int col = 0; col < panels * NR; col++) {
                        size_t at = (size_t)i * ldc + col;
                        checks++;
                        if (C[at] != (T)(once[at] + once[at])) fail(tag + ": accumulate is not C + AB");
                    }
                }
                guards<T>({&A, &Bp, &C, &C1}, tag);
            }
        }
    }
}

}  // namespace

int main() {
    const int cpu = postgemm_cpu_bits();
    std::printf("kernels_test: CPU SIMD level %s\n", level_name(cpu));
    if (cpu >= 512) activations512();
    if (cpu >= 256) activations256();
    activations128();
    std::mt19937 r(42);
    const CellKind kinds[] = {CellKind::LSTM, CellKind::LSTM_PEEPHOLE, CellKind::GRU_LINEAR_BEFORE_RESET,
                              CellKind::GRU_RESET_BEFORE, CellKind::RNN_TANH, CellKind::RNN_RELU};
    for (int bits : {512, 256, 0}) {
        if (bits > cpu) continue;
        for (CellKind k : kinds) {
            for (int H : {1, 5, 8, 15, 16, 17, 31, 32, 33, 64, 65}) {
                passes<float>(bits, k, H, r);
                passes<double>(bits, k, H, r);
            }
        }
        packed<float>(bits, r);
        packed<double>(bits, r);
    }
    std::printf("kernels_test: %d checks, %d failures\n", checks, failures);
    return failures == 0 ? 0 : 1;
}
