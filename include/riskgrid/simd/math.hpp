#pragma once

/// \file
/// Elementary functions over a value type V that is either `double` (the scalar
/// reference) or an `xsimd::batch<double, A>`, for pricers and random streams written
/// once as templates (DESIGN.md §2, §5).
///
/// INTERIM: forwards to libm / xsimd. To be replaced by riskgrid's own polynomial
/// implementations, one code path for every V, so that every SIMD width and the scalar
/// path give the same bits. The names and signatures below are the contract.

#include <cmath>
#include <type_traits>

#include <xsimd/xsimd.hpp>

namespace riskgrid::simd {

template <class V>
inline constexpr bool is_batch_v = xsimd::is_batch<V>::value;

template <class V>
[[nodiscard]] inline V exp(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::exp(x);
  else return std::exp(x);
}

template <class V>
[[nodiscard]] inline V log(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::log(x);
  else return std::log(x);
}

template <class V>
[[nodiscard]] inline V sqrt(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return xsimd::sqrt(x);
  else return std::sqrt(x);
}

/// Standard normal CDF Φ(x).
template <class V>
[[nodiscard]] inline V ncdf(const V& x) noexcept {
  if constexpr (is_batch_v<V>) return 0.5 * xsimd::erfc(x * -0.70710678118654752440);
  else return 0.5 * std::erfc(x * -0.70710678118654752440);
}

}  // namespace riskgrid::simd
