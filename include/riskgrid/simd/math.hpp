#pragma once

/// \file
/// Elementary functions over a value type V that is either `double` (the scalar
/// reference) or an `xsimd::batch<double, A>`, for pricers and random streams written
/// once as templates (DESIGN.md §2, §5).
///
/// Every function is one sequence of IEEE operations (+ − × ÷ √, compares, selects and
/// integer bit moves) written once for every V: no libm call, so `double` and every SIMD
/// width give the same bits (with the project's `-ffp-contract=off`; products meant to be
/// fused go through simd::fma, which is correctly rounded for every V). Width-specific
/// instructions appear only where they are exact and equal the portable spelling
/// (FMA, round to nearest, scaling by 2^n, exponent/mantissa extraction). A batch whose
/// lanes are all in the normal domain takes a shorter path that gives the general
/// path's bits (one mask test; tested lane for lane); `double` always takes the general
/// path. A NaN input gives NaN on every width, its payload may differ. Accuracy, measured
/// against glibc over ≥ 10^6 points each (tests/simd/math_test.cpp):
///
/// | function | domain | accuracy | edges |
/// | --- | --- | --- | --- |
/// | `exp`  | all doubles | ≤ 1 ulp vs glibc; results in the subnormal range rounded once | x > 709.78 → +inf, x < −745.13 → 0, NaN → NaN |
/// | `log`  | all doubles | ≤ 1 ulp vs glibc, subnormal inputs included | 0 → −inf, +inf → +inf, x < 0 or NaN → NaN |
/// | `sqrt` | all doubles | correctly rounded (IEEE) | as IEEE |
/// | `ncdf` | all doubles | relative error < 1e-15 down to Φ(x) ≈ 1e-300 (x ≈ −37) | x < −38.5 → 0 (Φ underflows), x > 8.3 → 1, NaN → NaN |
///
/// Algorithms: exp by Cody–Waite reduction x = n·ln2 + r, |r| ≤ ln2/2, a degree-13
/// Taylor polynomial in FMA Horner form (no division) and 2^n built from bits in two halves so that the
/// subnormal range is rounded once; log as fdlibm's e_log.c (reduction to
/// [√2/2, √2), s = f/(2+f), its minimax polynomial in s²), subnormals scaled by 2^54
/// first; ncdf by W. J. Cody's rational Chebyshev approximations (Math. Comp. 1969, the
/// coefficients of R's pnorm) on |x| ≤ 0.674, ≤ √32 and beyond, the regions present
/// evaluated and selected (one division), with exp(−x²/2) taken from x² = hi + lo exactly
/// (FMA residual).

#include <bit>
#include <cstdint>
#include <limits>
#include <type_traits>

#include <xsimd/xsimd.hpp>
#if defined(__x86_64__) || defined(__i386__)
#include <immintrin.h>
#endif

// The elementary functions are forced inline: out of line, GCC passes batches through
// memory and a pricer loses half its speed. Sanitizer builds may define it as plain
// `inline`: GCC 12 takes tens of minutes to instrument the forced-inline kernels.
#if !defined(RISKGRID_SIMD_INLINE)
#if defined(__GNUC__)
#define RISKGRID_SIMD_INLINE inline __attribute__((always_inline))
#else
#define RISKGRID_SIMD_INLINE inline
#endif
#endif

namespace riskgrid::simd {

template <class V>
inline constexpr bool is_batch_v = xsimd::is_batch<V>::value;

namespace detail {

template <class V>
struct value_traits {
  using bits_type = std::uint64_t;
  using mask_type = bool;
};
template <class A>
struct value_traits<xsimd::batch<double, A>> {
  using bits_type = xsimd::batch<std::uint64_t, A>;
  using mask_type = xsimd::batch_bool<double, A>;
};

template <class V>
using bits_t = typename value_traits<V>::bits_type;
template <class V>
using mask_t = typename value_traits<V>::mask_type;

template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE bits_t<V> to_bits(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::bitwise_cast<bits_t<V>>(x);
  else return std::bit_cast<std::uint64_t>(x);
}

template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V from_bits(const bits_t<V>& b) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::bitwise_cast<V>(b);
  else return std::bit_cast<double>(b);
}

#if defined(__GNUC__)
template <std::size_t Bytes>
struct u64_lanes {
  typedef std::uint64_t type __attribute__((vector_size(Bytes)));
};
#endif

/// Lane-wise b << 52 and b >> 52 through GCC's vector extensions: xsimd's shift
/// operators are plain `inline`, and GCC leaves them out of line in a large kernel (a
/// call per exp with the batches passed through memory). Integer shifts are exact, so
/// the bits are those of every other spelling.
template <class B>
[[nodiscard]] RISKGRID_SIMD_INLINE B shift_left_52(const B& b) noexcept {
  if constexpr (std::is_same_v<B, std::uint64_t>) {
    return b << 52;
  } else {
#if defined(__GNUC__)
    using reg = typename B::register_type;
    using lanes = typename u64_lanes<sizeof(reg)>::type;
    return B(reg((lanes)b.data << 52));  // vector casts reinterpret the bits
#else
    return b << B(52);
#endif
  }
}
template <class B>
[[nodiscard]] RISKGRID_SIMD_INLINE B shift_right_52(const B& b) noexcept {
  if constexpr (std::is_same_v<B, std::uint64_t>) {
    return b >> 52;
  } else {
#if defined(__GNUC__)
    using reg = typename B::register_type;
    using lanes = typename u64_lanes<sizeof(reg)>::type;
    return B(reg((lanes)b.data >> 52));  // vector casts reinterpret the bits
#else
    return b >> B(52);
#endif
  }
}

}  // namespace detail

/// Lane-wise `mask ? a : b`.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V select(const detail::mask_t<V>& mask, const V& a, const V& b) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::select(mask, a, b);
  else return mask ? a : b;
}

/// Lane-wise a ∨ b and a ∧ b of masks.
template <class M>
[[nodiscard]] RISKGRID_SIMD_INLINE M mask_or(const M& a, const M& b) noexcept {
  if constexpr (std::is_same_v<M, bool>) return a || b;
  else return a | b;
}
template <class M>
[[nodiscard]] RISKGRID_SIMD_INLINE M mask_and(const M& a, const M& b) noexcept {
  if constexpr (std::is_same_v<M, bool>) return a && b;
  else return a & b;
}

/// Lane-wise min/max with a NaN-propagating rule: `x` is returned where it is NaN.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V min(const V& x, const V& bound) noexcept {
  return select<V>(x > bound, bound, x);
}
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V max(const V& x, const V& bound) noexcept {
  return select<V>(x < bound, bound, x);
}

/// Lane-wise x is NaN (xsimd's batch `!=` is an ordered compare, false for NaN).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE detail::mask_t<V> is_nan(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::isnan(x);
  else return x != x;
}

/// |x| by clearing the sign bit.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V abs(const V& x) noexcept {
  return detail::from_bits<V>(detail::to_bits(x) & detail::bits_t<V>(0x7fffffffffffffffULL));
}

/// IEEE square root (correctly rounded for every V).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V sqrt(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::sqrt(x);
  else return __builtin_sqrt(x);
}

/// Correctly rounded a·b + c for every V: the hardware FMA where the target has one
/// (AVX-512, or FMA3 with AVX/SSE registers), otherwise a per-lane `__builtin_fma`
/// (exact in software). One rounding everywhere, so every width gives the same bits
/// (the reason the project pins contraction off is unfused products, not FMA itself).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V fma(const V& a, const V& b, const V& c) noexcept {
  if constexpr (!is_batch_v<V>) {
    return __builtin_fma(a, b, c);
  } else {
#if defined(__AVX512F__)
    if constexpr (V::size == 8) return V(_mm512_fmadd_pd(a, b, c));
#endif
#if defined(__FMA__)
    if constexpr (V::size == 4) return V(_mm256_fmadd_pd(a, b, c));
    if constexpr (V::size == 2) return V(_mm_fmadd_pd(a, b, c));
#endif
    alignas(64) double x[V::size], y[V::size], z[V::size];
    a.store_aligned(x);
    b.store_aligned(y);
    c.store_aligned(z);
    for (std::size_t i = 0; i < V::size; ++i) x[i] = __builtin_fma(x[i], y[i], z[i]);
    return V::load_aligned(x);
  }
}

namespace detail {

inline constexpr double ln2_hi = 6.93147180369123816490e-01;  // 32 bits: n·ln2_hi exact
inline constexpr double ln2_lo = 1.90821492927058770002e-10;
inline constexpr double log2e = 1.44269504088896338700e+00;
inline constexpr double round_magic = 0x1.8p52;  // (x + m) − m rounds |x| < 2^51 to nearest

/// x rounded to the nearest integer, ties to even (|x| < 2^51 or NaN): the hardware
/// rounding where the target has it, else the magic-number sum; both are exact and give
/// the same bits. (The masked AVX-512 form avoids _mm512_undefined_pd, GCC PR 105593.)
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V round_nearest(const V& x) noexcept {
  if constexpr (is_batch_v<V>) {
#if defined(__AVX512F__)
    if constexpr (V::size == 8) return V(_mm512_mask_roundscale_pd(x, 0xff, x, _MM_FROUND_TO_NEAREST_INT));
#endif
#if defined(__AVX__)
    if constexpr (V::size == 4) return V(_mm256_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#endif
#if defined(__SSE4_1__)
    if constexpr (V::size == 2) return V(_mm_round_pd(x, _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
#endif
  }
  return (x + round_magic) - round_magic;
}

/// 2^n for an integral double n in [−1022, 1023], from bits.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V pow2_int(const V& n) noexcept {
  const V biased = n + (1023.0 + 0x1p52);  // low mantissa bits hold n + 1023
  return from_bits<V>(shift_left_52(to_bits(biased)));
}

/// Lane-wise "every lane" test of a mask, for the batch fast paths below.
template <class M>
[[nodiscard]] RISKGRID_SIMD_INLINE bool all_lanes(const M& m) noexcept {
  if constexpr (std::is_same_v<M, bool>) return m;
  else return xsimd::all(m);
}

/// e^r for |r| ≤ ln2/2 (a little more is harmless).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp_poly(const V& r) noexcept {
  // (e^r − 1 − r)/r² by Taylor to r^13: truncation < 2e-19 relative on |r| ≤ 0.347.
  V p = 1.0 / 6227020800.0;
  p = fma<V>(p, r, V(1.0 / 479001600.0));
  p = fma<V>(p, r, V(1.0 / 39916800.0));
  p = fma<V>(p, r, V(1.0 / 3628800.0));
  p = fma<V>(p, r, V(1.0 / 362880.0));
  p = fma<V>(p, r, V(1.0 / 40320.0));
  p = fma<V>(p, r, V(1.0 / 5040.0));
  p = fma<V>(p, r, V(1.0 / 720.0));
  p = fma<V>(p, r, V(1.0 / 120.0));
  p = fma<V>(p, r, V(1.0 / 24.0));
  p = fma<V>(p, r, V(1.0 / 6.0));
  p = fma<V>(p, r, V(0.5));
  return 1.0 + fma<V>(r * r, p, r);
}

/// e^(hi + lo) = e·2^n: returns e = e^r (r = hi + lo − n·ln2, |r| ≤ ln2/2) and sets n.
/// `hi` must lie in [−746, 710] (or be NaN). Without `lo` the sum is skipped: hi − n·ln2
/// differs from it only in the sign of a zero r, and e^(±0) = 1.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp_reduced(const V& hi, const V& lo, V& n) noexcept {
  n = round_nearest<V>(hi * log2e);
  return exp_poly<V>(fma<V>(-n, V(ln2_lo), fma<V>(-n, V(ln2_hi), hi) + lo));
}
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp_reduced(const V& x, V& n) noexcept {
  n = round_nearest<V>(x * log2e);
  return exp_poly<V>(fma<V>(-n, V(ln2_lo), fma<V>(-n, V(ln2_hi), x)));
}

/// e·2^n (n integral) where the product is a normal number, so exact: AVX-512's
/// vscalefpd, else a product by 2^n built from bits.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V scale_normal(const V& e, const V& n) noexcept {
  if constexpr (is_batch_v<V>) {
#if defined(__AVX512F__)
    if constexpr (V::size == 8) return V(_mm512_mask_scalef_pd(e, 0xff, e, n));
#endif
  }
  return e * pow2_int<V>(n);
}

/// e·2^n for e ∈ [0.7, 1.42] and any n the clamped reduction gives: 2^n in two factors,
/// each a normal number, so that a subnormal result is rounded once (by the second
/// product) and n = 1024 (x just below the overflow limit) works.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V scale_general(const V& e, const V& n) noexcept {
  const V n1 = round_nearest<V>(n * 0.5);
  const V n2 = n - n1;
  return (e * pow2_int<V>(n1)) * pow2_int<V>(n2);
}

/// Arguments whose exponential is a normal number with one exact scaling (n ∈ [−1020, 1023]).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE bool all_exp_normal(const V& x) noexcept {
  return all_lanes(mask_and(x > -707.0, x < 709.0));
}

/// Outside [−746, 710] the result is 0 or +inf; clamping keeps n in range and the
/// scaling produces that 0 or inf. NaN fails both compares and propagates.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V clamp_exp_arg(const V& x) noexcept {
  const V c = select<V>(x > 710.0, V(710.0), x);
  return select<V>(c < -746.0, V(-746.0), c);
}

/// exp(hi + lo) for −707 < hi < 709 (|lo| ≤ ulp-scale of hi).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp_hl_normal(const V& hi, const V& lo) noexcept {
  V n;
  const V e = exp_reduced<V>(hi, lo, n);
  return scale_normal<V>(e, n);
}

/// exp(hi + lo) where lo is a small correction (|lo| ≤ ulp-scale of hi).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp_hl(const V& hi, const V& lo) noexcept {
  // A batch whose lanes all give normal results skips the clamps and the two-factor
  // scaling (same bits); the scalar reference always takes the general path.
  if constexpr (is_batch_v<V>) {
    if (all_exp_normal<V>(hi)) return exp_hl_normal<V>(hi, lo);
  }
  V n;
  const V e = exp_reduced<V>(clamp_exp_arg<V>(hi), lo, n);
  return scale_general<V>(e, n);
}

/// hi + lo = x·x exactly (the FMA residual).
template <class V>
RISKGRID_SIMD_INLINE void square_exact(const V& x, V& hi, V& lo) noexcept {
  hi = x * x;
  lo = fma<V>(x, x, -hi);
}

/// Cody's rational approximations, each as numerator and denominator so that the three
/// regions share one division q = num/den:
///   central, |x| ≤ 0.67448975:  Φ(x) = 0.5 + q,          q = x·A(x²)/B(x²);
///   middle, 0.674 < |x| ≤ √32:  Φ(−|x|) = exp(−x²/2)·q,  q = C(y)/D(y);
///   tail, |x| > √32:            Φ(−|x|) = exp(−x²/2)·q,  q = (1/√(2π) − P(1/w)/(w·Q(1/w)))/y,
///                               multiplied through by w^5 (no second division).
/// y = |x| (clamped by the caller, ≤ 1e20), w = y².
inline constexpr double cody_central_limit = 0.67448975;
inline constexpr double cody_middle_limit = 5.656854249492380195206754896838;  // √32

template <class V>
RISKGRID_SIMD_INLINE void cody_central(const V& x, const V& w, V& num, V& den) noexcept {
  V n1 = fma<V>(V(0.065682337918207449113), w, V(2.2352520354606839287));
  n1 = fma<V>(n1, w, V(161.02823106855587881));
  n1 = fma<V>(n1, w, V(1067.6894854603709582));
  n1 = fma<V>(n1, w, V(18154.981253343561249));
  V d1 = w + 47.20258190468824187;
  d1 = fma<V>(d1, w, V(976.09855173777669322));
  d1 = fma<V>(d1, w, V(10260.932208618978205));
  den = fma<V>(d1, w, V(45507.789335026729956));
  num = x * n1;
}

template <class V>
RISKGRID_SIMD_INLINE void cody_middle(const V& y, V& num, V& den) noexcept {
  V n2 = fma<V>(V(1.0765576773720192317e-8), y, V(0.39894151208813466764));
  n2 = fma<V>(n2, y, V(8.8831497943883759412));
  n2 = fma<V>(n2, y, V(93.506656132177855979));
  n2 = fma<V>(n2, y, V(597.27027639480026226));
  n2 = fma<V>(n2, y, V(2494.5375852903726711));
  n2 = fma<V>(n2, y, V(6848.1904505362823326));
  n2 = fma<V>(n2, y, V(11602.651437647350124));
  num = fma<V>(n2, y, V(9842.7148383839780218));
  V d2 = y + 22.266688044328115691;
  d2 = fma<V>(d2, y, V(235.38790178262499861));
  d2 = fma<V>(d2, y, V(1519.377599407554805));
  d2 = fma<V>(d2, y, V(6485.558298266760755));
  d2 = fma<V>(d2, y, V(18615.571640885098091));
  d2 = fma<V>(d2, y, V(34900.952721145977266));
  d2 = fma<V>(d2, y, V(38912.003286093271411));
  den = fma<V>(d2, y, V(19685.429676859990727));
}

template <class V>
RISKGRID_SIMD_INLINE void cody_tail(const V& y, const V& w, V& num, V& den) noexcept {
  V pn = fma<V>(V(7.29751555083966205e-5), w, V(0.00378239633202758244));
  pn = fma<V>(pn, w, V(0.0659881378689285515));
  pn = fma<V>(pn, w, V(0.468238212480865118));
  pn = fma<V>(pn, w, V(1.28426009614491121));
  pn = fma<V>(pn, w, V(1.0));
  const V wq = w * pn;
  V pp = fma<V>(V(2.9112874951168792e-5), w, V(0.001421619193227893466));
  pp = fma<V>(pp, w, V(0.022235277870649807));
  pp = fma<V>(pp, w, V(0.1274011611602473639));
  pp = fma<V>(pp, w, V(0.21589853405795699));
  pp = fma<V>(pp, w, V(0.02307344176494017303));
  num = fma<V>(V(0.398942280401432677939946059934), wq, -pp);
  den = y * wq;
}

/// q of the region each lane is in (all three evaluated, one division); `central`
/// tells which form applies.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V cody_ratio(const V& x, const V& y, mask_t<V>& central) noexcept {
  const V w = y * y;
  V n1, d1, n2, d2, n3, d3;
  cody_central<V>(x, w, n1, d1);
  cody_middle<V>(y, n2, d2);
  cody_tail<V>(y, w, n3, d3);
  central = y <= cody_central_limit;
  const mask_t<V> middle = y <= cody_middle_limit;
  const V num = select<V>(central, n1, select<V>(middle, n2, n3));
  const V den = select<V>(central, d1, select<V>(middle, d2, d3));
  return num / den;
}

/// Φ(x) for a batch with every |x| ≤ √32 (y = |x|): only the rationals of the regions
/// present are evaluated, and exp(−x²/2) ≥ e^−16 needs no range handling. The bits are
/// those of the general path (the same operations on every lane it keeps).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V ncdf_no_tail(const V& x, const V& y) noexcept {
  const mask_t<V> central = y <= cody_central_limit;
  V hi, lo, num, den;
  square_exact<V>(y, hi, lo);
  if (all_lanes(central)) {
    cody_central<V>(x, hi, num, den);
    return 0.5 + num / den;
  }
  if (!xsimd::any(central)) {
    cody_middle<V>(y, num, den);
  } else {
    V n1, d1, n2, d2;
    cody_central<V>(x, hi, n1, d1);
    cody_middle<V>(y, n2, d2);
    num = select<V>(central, n1, n2);
    den = select<V>(central, d1, d2);
  }
  const V q = num / den;
  const V tail = exp_hl_normal<V>(-0.5 * hi, -0.5 * lo) * q;  // Φ(−|x|)
  return select<V>(central, 0.5 + q, select<V>(x < 0.0, tail, 1.0 - tail));
}

}  // namespace detail

/// e^x. See the file comment for accuracy and edge behaviour.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp(const V& x) noexcept {
  V n;
  if constexpr (is_batch_v<V>) {
    if (detail::all_exp_normal<V>(x)) {
      const V e = detail::exp_reduced<V>(x, n);
      return detail::scale_normal<V>(e, n);
    }
  }
  const V e = detail::exp_reduced<V>(detail::clamp_exp_arg<V>(x), n);
  return detail::scale_general<V>(e, n);
}

namespace detail {

/// Unbiased exponent and mantissa in [1, 2) of a positive normal finite x, as doubles:
/// AVX-512's vgetexppd/vgetmantpd, else from bits (the biased exponent through the 2^52
/// trick, no int→double conversion). Both exact: the same bits.
template <class V>
RISKGRID_SIMD_INLINE void exponent_mantissa(const V& x, V& exponent, V& mantissa) noexcept {
  if constexpr (is_batch_v<V>) {
#if defined(__AVX512F__)
    if constexpr (V::size == 8) {
      exponent = V(_mm512_mask_getexp_pd(x, 0xff, x));
      mantissa = V(_mm512_mask_getmant_pd(x, 0xff, x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src));
      return;
    }
#endif
  }
  const bits_t<V> b = to_bits(x);
  exponent = from_bits<V>(shift_right_52(b) | bits_t<V>(0x4330000000000000ULL)) - (0x1p52 + 1023.0);
  mantissa = from_bits<V>((b & bits_t<V>(0x000fffffffffffffULL)) | bits_t<V>(0x3ff0000000000000ULL));
}

/// ln(xs) + adjust·ln2 for a positive normal finite xs (fdlibm's e_log.c).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V log_normal(const V& xs, const V& adjust) noexcept {
  constexpr double lg1 = 6.666666666666735130e-01, lg2 = 3.999999999940941908e-01,
                   lg3 = 2.857142874366239149e-01, lg4 = 2.222219843214978396e-01,
                   lg5 = 1.818357216161805012e-01, lg6 = 1.531383769920937332e-01,
                   lg7 = 1.479819860511658591e-01;
  V exponent, m;
  exponent_mantissa<V>(xs, exponent, m);
  const auto high = m > 1.4142135623730951;
  m = select<V>(high, m * 0.5, m);
  // Integers far below 2^53: every sum here is exact.
  const V k = exponent + select<V>(high, adjust + 1.0, adjust);
  const V f = m - 1.0;
  const V s = f / (2.0 + f);
  const V z = s * s;
  const V w = z * z;
  const V t1 = w * fma<V>(w, fma<V>(w, V(lg6), V(lg4)), V(lg2));
  const V t2 = z * fma<V>(w, fma<V>(w, fma<V>(w, V(lg7), V(lg5)), V(lg3)), V(lg1));
  const V r = t2 + t1;
  const V hfsq = (0.5 * f) * f;
  return k * ln2_hi - ((hfsq - (s * (hfsq + r) + k * ln2_lo)) - f);
}

}  // namespace detail

/// Natural logarithm. See the file comment for accuracy and edge behaviour.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V log(const V& x) noexcept {
  constexpr double inf = std::numeric_limits<double>::infinity();
  // A batch of positive normal finite lanes skips the subnormal scaling and the special
  // values (same bits); the scalar reference always takes the general path.
  if constexpr (is_batch_v<V>) {
    if (detail::all_lanes(mask_and(x >= 0x1p-1022, x < inf))) return detail::log_normal<V>(x, V(0.0));
  }
  const auto subnormal = x < 0x1p-1022;
  const V xs = select<V>(subnormal, x * 0x1p54, x);
  const V adjust = select<V>(subnormal, V(-54.0), V(0.0));
  V y = detail::log_normal<V>(xs, adjust);
  y = select<V>(x == inf, V(inf), y);
  y = select<V>(x == 0.0, V(-inf), y);
  y = select<V>(mask_or(x < 0.0, is_nan<V>(x)), V(std::numeric_limits<double>::quiet_NaN()), y);
  return y;
}

/// Standard normal CDF Φ(x). See the file comment for accuracy and edge behaviour.
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V ncdf(const V& x) noexcept {
  const V y = min<V>(abs<V>(x), V(40.0));
  // The scalar reference always takes the general path.
  if constexpr (is_batch_v<V>) {
    if (detail::all_lanes(y <= detail::cody_middle_limit)) return detail::ncdf_no_tail<V>(x, y);
  }
  detail::mask_t<V> central;
  const V q = detail::cody_ratio<V>(x, y, central);
  V hi, lo;
  detail::square_exact<V>(y, hi, lo);
  const V tail = detail::exp_hl<V>(-0.5 * hi, -0.5 * lo) * q;  // Φ(−|x|)
  return select<V>(central, 0.5 + q, select<V>(x < 0.0, tail, 1.0 - tail));
}

/// e^a·Φ(x) without intermediate overflow or underflow where the product is
/// representable: in the lower tail the two exponentials are merged (e^(a − x²/2)).
/// `a` above 709 is clamped (callers use it where the product is bounded).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V exp_times_ncdf(const V& a, const V& x) noexcept {
  // Unlike ncdf, |x| is not clamped at 40 (e^a may offset the tail), only where the
  // tail rational would overflow; there e^(a − x²/2) is 0 for any realistic a.
  const V y = min<V>(abs<V>(x), V(1e20));
  detail::mask_t<V> central;
  const V q = detail::cody_ratio<V>(x, y, central);
  V hi, lo;
  detail::square_exact<V>(y, hi, lo);
  const V ea = exp<V>(min<V>(a, V(709.0)));
  const auto lower = mask_and(x < 0.0, !central);
  // In the lower tail, e^a·e^(−y²/2)·q in one exponential; elsewhere e^a·Φ(x).
  const V e = detail::exp_hl<V>(select<V>(lower, a - 0.5 * hi, -0.5 * hi), -0.5 * lo);
  const V upper = 1.0 - e * q;
  return select<V>(lower, e * q, ea * select<V>(central, 0.5 + q, upper));
}

}  // namespace riskgrid::simd
