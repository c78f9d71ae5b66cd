#pragma once

/// \file
/// Standard normal quantile (Wichura's AS241) and normal draws from a philox_stream.

#include <algorithm>
#include <cmath>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "riskgrid/random/philox.hpp"
#include "riskgrid/random/philox_batch.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::random {

namespace detail {

/// c[0] + c[1] r + ... + c[7] r^7 by Horner's rule. The evaluation order is part of
/// the bits we promise (no FMA contraction, DESIGN.md §5), so it is spelled out.
template <class V>
[[nodiscard]] inline V horner7(const double (&c)[8], const V& r) noexcept {
  return ((((((c[7] * r + c[6]) * r + c[5]) * r + c[4]) * r + c[3]) * r + c[2]) * r + c[1]) * r + c[0];
}

// Coefficients of PPND16: M. J. Wichura, "Algorithm AS 241: The percentage points of the
// normal distribution", Applied Statistics 37(3), 477-484 (1988). Numerators a, c, e and
// denominators b, d, f, constant term first.
inline constexpr double as241_a[8] = {3.3871328727963666080e0, 1.3314166789178437745e+2,
                                      1.9715909503065514427e+3, 1.3731693765509461125e+4,
                                      4.5921953931549871457e+4, 6.7265770927008700853e+4,
                                      3.3430575583588128105e+4, 2.5090809287301226727e+3};
inline constexpr double as241_b[8] = {1.0,                      4.2313330701600911252e+1,
                                      6.8718700749205790830e+2, 5.3941960214247511077e+3,
                                      2.1213794301586595867e+4, 3.9307895800092710610e+4,
                                      2.8729085735721942674e+4, 5.2264952788528545610e+3};
inline constexpr double as241_c[8] = {1.42343711074968357734e0,  4.63033784615654529590e0,
                                      5.76949722146069140550e0,  3.64784832476320460504e0,
                                      1.27045825245236838258e0,  2.41780725177450611770e-1,
                                      2.27238449892691845833e-2, 7.74545014278341407640e-4};
inline constexpr double as241_d[8] = {1.0,                       2.05319162663775882187e0,
                                      1.67638483018380384940e0,  6.89767334985100004550e-1,
                                      1.48103976427480074590e-1, 1.51986665636164571966e-2,
                                      5.47593808499534494600e-4, 1.05075007164441684324e-9};
inline constexpr double as241_e[8] = {6.65790464350110377720e0,  5.46378491116411436990e0,
                                      1.78482653991729133580e0,  2.96560571828504891230e-1,
                                      2.65321895265761230930e-2, 1.24266094738807843860e-3,
                                      2.71155556874348757815e-5, 2.01033439929228813265e-7};
inline constexpr double as241_f[8] = {1.0,                       5.99832206555887937690e-1,
                                      1.36929880922735805310e-1, 1.48753612908506148525e-2,
                                      7.86869131145613259100e-4, 1.84631831751005468180e-5,
                                      1.42151175831644588870e-7, 2.04426310338993978564e-15};

}  // namespace detail

namespace detail {

/// AS241's central region, |q| <= 0.425, q = p − 0.5.
template <class V>
[[nodiscard]] inline V as241_central(const V& q) noexcept {
  const V r = 0.180625 - q * q;
  return q * horner7(as241_a, r) / horner7(as241_b, r);
}

/// AS241's tails for r = sqrt(−log(min(p, 1 − p))) (magnitude only): r ≤ 5, and r > 5.
template <class V>
[[nodiscard]] inline V as241_near_tail(const V& r) noexcept {
  const V s = r - 1.6;
  return horner7(as241_c, s) / horner7(as241_d, s);
}
template <class V>
[[nodiscard]] inline V as241_far_tail(const V& r) noexcept {
  const V s = r - 5.0;
  return horner7(as241_e, s) / horner7(as241_f, s);
}

}  // namespace detail

/// Standard normal quantile Φ⁻¹(p): Wichura's AS241 (PPND16), relative error about
/// 1e-16 over the whole double range of p (measured against Boost.Math in the tests).
///
/// One template over V = `double` or any `xsimd::batch<double, Arch>`: every lane goes
/// through the same operations as the scalar path (+ − × ÷, `simd::sqrt` and `simd::log`),
/// the batch path turning AS241's branches into selects, so the bits are the same for
/// every SIMD width and for `double`. A batch evaluates a tail (its log and sqrt) only
/// when one of its lanes needs it, and the far tail (p < e^-25 ≈ 1.4e-11) only when one
/// lane is that far out. The bits are those of `simd::log` (riskgrid's own, the same for
/// every V); they changed in 0.2 when the log moved from libm to `simd::log`.
///
/// Exactly odd: `inverse_normal_cdf(1 - p) == -inverse_normal_cdf(p)` whenever `1 - p` is
/// exact in double, which holds for every output of `philox_stream::uniform`, so
/// antithetic draws are exact negatives.
///
/// Precondition: 0 < p < 1 in every lane (not checked: this is a hot path;
/// `philox_stream::uniform` never yields 0 or 1). Complexity O(1): one rational function
/// of degree 7/7, plus a `log` and a `sqrt` when p < 0.075 or p > 0.925. Thread-safe.
template <class V>
  requires(std::is_same_v<V, double> || simd::is_batch_v<V>)
[[nodiscard]] inline V inverse_normal_cdf(const V& p) noexcept {
  // p - 0.5 is exact for p >= 0.25 (Sterbenz) and for every multiple of 2^-53, i.e. every
  // philox_stream uniform; exactness is what makes the central branch exactly odd.
  const V q = p - 0.5;
  // The tail is computed from the smaller of p and 1 - p (1 - p is exact for p >= 0.5),
  // so the upper tail loses no accuracy and the result is exactly odd.
  if constexpr (!simd::is_batch_v<V>) {
    if (std::fabs(q) <= 0.425) return detail::as241_central(q);
    const double r = simd::sqrt(-simd::log(q < 0.0 ? p : 1.0 - p));
    const double x = r <= 5.0 ? detail::as241_near_tail(r) : detail::as241_far_tail(r);
    return q < 0.0 ? -x : x;
  } else {
    // One division per batch: the numerator and denominator of each lane's branch are
    // selected first. (q·A)/B, C/D and −(C/D) = (−C)/D are the scalar path's roundings.
    const auto central = xsimd::abs(q) <= V(0.425);
    const V r0 = 0.180625 - q * q;
    const V num = q * detail::horner7(detail::as241_a, r0);
    const V den = detail::horner7(detail::as241_b, r0);
    if (xsimd::all(central)) return num / den;
    const auto lower = q < V(0.0);
    // Central lanes take the log of a number in (0.075, 0.925): finite, then discarded.
    const V r = simd::sqrt(-simd::log(xsimd::select(lower, p, 1.0 - p)));
    const auto near = r <= V(5.0);
    const V s = r - 1.6;
    V tail_num = detail::horner7(detail::as241_c, s);
    V tail_den = detail::horner7(detail::as241_d, s);
    if (!xsimd::all(near || central)) {
      const V t = r - 5.0;
      tail_num = xsimd::select(near, tail_num, detail::horner7(detail::as241_e, t));
      tail_den = xsimd::select(near, tail_den, detail::horner7(detail::as241_f, t));
    }
    tail_num = xsimd::select(lower, -tail_num, tail_num);
    return xsimd::select(central, num, tail_num) / xsimd::select(central, den, tail_den);
  }
}

/// The scalar overload, so that `inverse_normal_cdf(p)` works on a `double` as before
/// (and on arguments that convert to double).
[[nodiscard]] inline double inverse_normal_cdf(double p) noexcept { return inverse_normal_cdf<double>(p); }

/// The widest `xsimd::batch<double>` of the target (the compile-time best architecture),
/// or `double` where xsimd has none.
using native_double = std::conditional_t<std::is_same_v<xsimd::default_arch, xsimd::unavailable>, double,
                                         xsimd::batch<double, xsimd::default_arch>>;

namespace detail {

/// AS241's tail branch for a batch whose lanes are all outside the central region: the
/// batch path of inverse_normal_cdf with `central` false in every lane, so the same bits.
template <class V>
[[nodiscard]] inline V as241_tail_lanes(const V& p) noexcept {
  const V q = p - 0.5;
  const auto lower = q < V(0.0);
  const V r = simd::sqrt(-simd::log(xsimd::select(lower, p, 1.0 - p)));
  const auto near = r <= V(5.0);
  V num = detail::horner7(detail::as241_c, r - 1.6);
  V den = detail::horner7(detail::as241_d, r - 1.6);
  if (!xsimd::all(near)) {
    const V t = r - 5.0;
    num = xsimd::select(near, num, detail::horner7(detail::as241_e, t));
    den = xsimd::select(near, den, detail::horner7(detail::as241_f, t));
  }
  return xsimd::select(lower, -num, num) / den;
}

}  // namespace detail

namespace detail {

/// Appends the lanes of the batch p (scenario offsets i, i + 1, …) that lie in AS241's
/// tails, |q| > 0.425 with q = p − 0.5, to `tail_p` and their offsets to `tail_at`, in
/// lane order; returns how many. AVX-512 compresses them under the comparison mask and
/// AVX2 permutes them by a table, so no lane is looked at one by one; both store a whole
/// batch, for which the caller leaves room.
template <class V>
[[nodiscard]] inline std::size_t append_tail_lanes(const V& p, const V& q, std::uint64_t i, double* tail_p,
                                                   std::uint64_t* tail_at) noexcept {
  [[maybe_unused]] constexpr std::size_t bytes = sizeof(typename V::register_type);
#if defined(__AVX512F__)
  if constexpr (bytes == 64) {
    const __m512d magnitude = xsimd::abs(q);
    const __mmask8 m = _mm512_cmp_pd_mask(magnitude, _mm512_set1_pd(0.425), _CMP_GT_OQ);
    const __m512i at = _mm512_add_epi64(_mm512_set1_epi64(static_cast<long long>(i)), _mm512_set_epi64(7, 6, 5, 4, 3, 2, 1, 0));
    _mm512_mask_compressstoreu_pd(tail_p, m, p);
    _mm512_mask_compressstoreu_epi64(tail_at, m, at);
    return static_cast<std::size_t>(std::popcount(static_cast<unsigned>(m)));
  }
#endif
#if defined(__AVX2__)
  if constexpr (bytes == 32) {
    // Row m: the 32-bit indices that move the 64-bit lanes set in m to the front.
    alignas(32) static constexpr std::int32_t front[16][8] = {
        {0, 1, 2, 3, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7}, {2, 3, 0, 1, 4, 5, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
        {4, 5, 0, 1, 2, 3, 6, 7}, {0, 1, 4, 5, 2, 3, 6, 7}, {2, 3, 4, 5, 0, 1, 6, 7}, {0, 1, 2, 3, 4, 5, 6, 7},
        {6, 7, 0, 1, 2, 3, 4, 5}, {0, 1, 6, 7, 2, 3, 4, 5}, {2, 3, 6, 7, 0, 1, 4, 5}, {0, 1, 2, 3, 6, 7, 4, 5},
        {4, 5, 6, 7, 0, 1, 2, 3}, {0, 1, 4, 5, 6, 7, 2, 3}, {2, 3, 4, 5, 6, 7, 0, 1}, {0, 1, 2, 3, 4, 5, 6, 7}};
    const __m256d magnitude = xsimd::abs(q);
    const int m = _mm256_movemask_pd(_mm256_cmp_pd(magnitude, _mm256_set1_pd(0.425), _CMP_GT_OQ));
    const __m256i perm = _mm256_load_si256(reinterpret_cast<const __m256i*>(front[m]));
    const __m256i at = _mm256_add_epi64(_mm256_set1_epi64x(static_cast<long long>(i)), _mm256_set_epi64x(3, 2, 1, 0));
    _mm256_storeu_pd(tail_p, _mm256_castsi256_pd(_mm256_permutevar8x32_epi32(_mm256_castpd_si256(p), perm)));
    _mm256_storeu_si256(reinterpret_cast<__m256i*>(tail_at), _mm256_permutevar8x32_epi32(at, perm));
    return static_cast<std::size_t>(std::popcount(static_cast<unsigned>(m)));
  }
#endif
  alignas(64) std::array<double, V::size> lane_p;
  p.store_aligned(lane_p.data());
  std::size_t tails = 0;
  for (std::size_t l = 0; l < V::size; ++l) {
    tail_p[tails] = lane_p[l];
    tail_at[tails] = i + l;
    tails += std::fabs(lane_p[l] - 0.5) > 0.425 ? 1 : 0;
  }
  return tails;
}

}  // namespace detail

/// Φ⁻¹ in place over a block: `p[i] = inverse_normal_cdf(p[i])`, bit for bit, for any
/// V. Only 15% of uniforms fall in AS241's tails, but 73% of 8-lane batches hold one, so
/// inverse_normal_cdf<V> pays the log for most batches; here every batch takes the
/// central formula and the tail lanes are then gathered into dense batches of their own.
/// Precondition: 0 < p[i] < 1. Complexity O(p.size()); no allocation. Thread-safe.
template <class V = native_double>
inline void inverse_normal_cdf_in_place(std::span<double> p) noexcept {
  if constexpr (!simd::is_batch_v<V>) {
    for (double& x : p) x = inverse_normal_cdf(x);
  } else {
    constexpr std::size_t lanes = V::size;
    constexpr std::size_t piece = 1024;
    alignas(64) std::array<double, piece + lanes> tail_p;
    alignas(64) std::array<std::uint64_t, piece + lanes> tail_at;
    for (std::size_t begin = 0; begin < p.size(); begin += piece) {
      const std::size_t n = std::min(piece, p.size() - begin);
      double* const x = p.data() + begin;
      std::size_t tails = 0;
      std::size_t i = 0;
      for (; i + lanes <= n; i += lanes) {
        const V pv = V::load_unaligned(x + i);
        const V q = pv - 0.5;
        tails += detail::append_tail_lanes(pv, q, i, tail_p.data() + tails, tail_at.data() + tails);
        const V r0 = 0.180625 - q * q;
        (q * detail::horner7(detail::as241_a, r0) / detail::horner7(detail::as241_b, r0)).store_unaligned(x + i);
      }
      for (; i < n; ++i) {
        if (std::fabs(x[i] - 0.5) <= 0.425) {
          x[i] = detail::as241_central(x[i] - 0.5);
        } else {
          tail_p[tails] = x[i];
          tail_at[tails++] = i;
        }
      }
      // Pad the last tail batch with a valid tail probability; its lanes are dropped.
      for (std::size_t j = tails; j % lanes != 0; ++j) tail_p[j] = 0.01;
      for (std::size_t j = 0; j < tails; j += lanes) {
        alignas(64) std::array<double, lanes> z;
        detail::as241_tail_lanes(V::load_aligned(tail_p.data() + j)).store_aligned(z.data());
        for (std::size_t l = 0; l < lanes && j + l < tails; ++l) x[tail_at[j + l]] = z[l];
      }
    }
  }
}

/// Standard normal draw `draw` of scenario `scenario_id`:
/// `inverse_normal_cdf(stream.uniform(scenario_id, draw))`, so |z| <= 8.3.
/// Precondition: draw < 2^33. Complexity O(1). Thread-safe.
[[nodiscard]] inline double standard_normal(const philox_stream& stream, std::uint64_t scenario_id,
                                            std::uint64_t draw) noexcept {
  return inverse_normal_cdf(stream.uniform(scenario_id, draw));
}

/// Standard normals `2·block` and `2·block + 1` of one scenario per lane: lane `j` of
/// `first` is `standard_normal(stream, ids_j, 2·block)` and of `second` is
/// `standard_normal(stream, ids_j, 2·block + 1)`, bit for bit, for V = `double` or any
/// `xsimd::batch<double, Arch>`. Precondition: block < 2^32. Complexity: one Philox block
/// and two quantiles per lane. Thread-safe.
template <class V>
[[nodiscard]] inline uniform_pair<V> standard_normal_pair_lanes(const philox_stream& stream,
                                                                const lane_word_t<V>& ids,
                                                                std::uint64_t block) noexcept {
  const uniform_pair<V> u = uniform_pair_lanes<V>(stream, ids, block);
  return {inverse_normal_cdf(u.first), inverse_normal_cdf(u.second)};
}

/// Fills `out[k]` with `standard_normal(stream, scenario_id, first_draw + k)`, bit for
/// bit, computing each Philox block once, V::size blocks at a time (lanes are
/// consecutive blocks of the scenario), then the quantiles in place. The result does not
/// depend on V.
/// Precondition: first_draw + out.size() <= 2^33. Complexity O(out.size()); no allocation.
template <class V = native_double>
inline void standard_normals(const philox_stream& stream, std::uint64_t scenario_id, std::uint64_t first_draw,
                             std::span<double> out) noexcept {
  using U = lane_word_t<V>;
  constexpr std::size_t lanes = lane_count_v<V>;
  std::size_t k = 0;
  std::uint64_t draw = first_draw;
  const std::size_t n = out.size();
  if (n != 0 && (draw & 1) != 0) {
    out[k++] = standard_normal(stream, scenario_id, draw++);
  }
  const U tag(std::uint64_t{stream.stream_tag()});
  const U id_lo(scenario_id & detail::low32_mask);
  const U id_hi(scenario_id >> 32);
  alignas(64) std::array<double, lanes> u0{};
  alignas(64) std::array<double, lanes> u1{};
  const std::size_t batched = k;
  for (; k + 2 * lanes <= n; k += 2 * lanes, draw += 2 * lanes) {
    const U blocks = iota_lanes<U>(draw >> 1) & U(detail::low32_mask);
    const philox_lanes<U> w = philox4x32_10_lanes<U>({blocks, tag, id_lo, id_hi}, stream.key());
    const V p0 = open_unit_lanes<V>(w[1], w[0]);
    const V p1 = open_unit_lanes<V>(w[3], w[2]);
    if constexpr (simd::is_batch_v<V>) {
      p0.store_aligned(u0.data());
      p1.store_aligned(u1.data());
    } else {
      u0[0] = p0;
      u1[0] = p1;
    }
    for (std::size_t j = 0; j < lanes; ++j) {
      out[k + 2 * j] = u0[j];
      out[k + 2 * j + 1] = u1[j];
    }
  }
  inverse_normal_cdf_in_place<V>(out.subspan(batched, k - batched));
  for (double& x : out.subspan(k)) x = standard_normal(stream, scenario_id, draw++);
}

}  // namespace riskgrid::random
