// tanh and sigmoid of the fused passes, the same formulas as the vector backend's ActivationsF32 and
// ActivationsF64, from IEEE basic operations only (add, multiply, fused multiply-add where the target has it,
// divide, compare): no libm or libmvec call, so every build computes the same bits on a given instruction set
// and the two fast backends agree closely.
//
// float32: tanh is Eigen's [13/6] rational approximation, the input clamped to +-7.90531110763549805 (where
// the rational form reaches 1 in float); sigmoid(x) = 0.5 tanh(x/2) + 0.5.
// float64: exp(x) for x <= 0 by Cody-Waite reduction by ln 2 and a degree-13 Taylor polynomial, 2^k built in
// the exponent bits; tanh(x) = sign(x) (1 - e)/(1 + e) with e = exp(-2|x|).
//
// The polynomials are written as a*b + c: the library is compiled with -ffp-contract=fast, so the AVX2 and
// AVX-512 versions evaluate them with fused multiply-adds, as the vector backend does; the x86-64 baseline
// rounds twice.
#ifndef RNN4J_ACTIVATIONS_H
#define RNN4J_ACTIVATIONS_H

#include "simd.h"

namespace rnn4j {

template <class T, int B>
struct Act;

template <int B>
struct Act<float, B> {
    typedef vec<float, B> V;

    static RNN4J_INLINE V tanh(V x) {
        const float C = 7.90531110763549805f;
        x = x < -C ? vbroadcast<float, B>(-C) : x;
        x = x > C ? vbroadcast<float, B>(C) : x;
        V x2 = x * x;
        V p = x2 * -2.76076847742355e-16f + 2.00018790482477e-13f;
        p = p * x2 + -8.60467152213735e-11f;
        p = p * x2 + 5.12229709037114e-08f;
        p = p * x2 + 1.48572235717979e-05f;
        p = p * x2 + 6.37261928875436e-04f;
        p = p * x2 + 4.89352455891786e-03f;
        V q = x2 * 1.19825839466702e-06f + 1.18534705686654e-04f;
        q = q * x2 + 2.26843463243900e-03f;
        q = q * x2 + 4.89352518554385e-03f;
        return x * p / q;
    }

    static RNN4J_INLINE V sigmoid(V x) {
        return tanh(x * 0.5f) * 0.5f + 0.5f;
    }
};

template <int B>
struct Act<double, B> {
    typedef vec<double, B> V;
    typedef ivec<double, B> I;

    /** e^x for x <= 0, flushed to 0 below -708. */
    static RNN4J_INLINE V exp_nonpositive(V x) {
        const double MAGIC = 0x1.8p52;  // adding it rounds to an integer kept in the low mantissa bits
        const double INV_LN2 = 1.4426950408889634;
        const double LN2_HI = 6.93147180369123816490e-01;
        const double LN2_LO = 1.90821492927058770002e-10;
        x = x < -708.0 ? vbroadcast<double, B>(-708.0) : x;
        V t = x * INV_LN2 + MAGIC;
        V k = t - MAGIC;
        V r = k * -LN2_HI + x;
        r = k * -LN2_LO + r;
        V p = r * (1.0 / 6227020800.0) + 1.0 / 479001600.0;
        p = p * r + 1.0 / 39916800.0;
        p = p * r + 1.0 / 3628800.0;
        p = p * r + 1.0 / 362880.0;
        p = p * r + 1.0 / 40320.0;
        p = p * r + 1.0 / 5040.0;
        p = p * r + 1.0 / 720.0;
        p = p * r + 1.0 / 120.0;
        p = p * r + 1.0 / 24.0;
        p = p * r + 1.0 / 6.0;
        p = p * r + 0.5;
        p = p * r + 1.0;
        p = p * r + 1.0;
        I bits = ((I)t + (int64_t)1023) << 52;
        return p * (V)bits;
    }

    static RNN4J_INLINE V tanh(V x) {
        I absBits = (I)x & (int64_t)0x7fffffffffffffffLL;
        V e = exp_nonpositive((V)absBits * -2.0);
        V t = (1.0 - e) / (e + 1.0);
        return x < 0.0 ? -t : t;
    }

    static RNN4J_INLINE V sigmoid(V x) {
        return tanh(x * 0.5) * 0.5 + 0.5;
    }
};

}  // namespace rnn4j

#endif  // RNN4J_ACTIVATIONS_H
