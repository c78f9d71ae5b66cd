#pragma once

#include <cstddef>
#include <span>

#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

/// exp(−r·t) for the continuously compounded zero rate r to time t.
template <class V>
[[nodiscard]] inline V discount_factor(V zero_rate, double t) noexcept {
  return simd::exp(-zero_rate * t);
}

/// Zero-coupon bond (DESIGN.md §4): notional·DF(T).
template <class V>
[[nodiscard]] inline V zero_bond(double notional, double t, V zero_rate) noexcept {
  return notional * discount_factor(zero_rate, t);
}

/// Σ_k amounts[k]·discount(k), summed in k order from 0 (a fixed order, so every SIMD
/// width gives the same bits). `discount(k)` returns the discount factor of flow k as V.
template <class V, class Discount>
[[nodiscard]] inline V present_value(std::span<const double> amounts, const Discount& discount) noexcept {
  V v(0.0);
  for (std::size_t k = 0; k < amounts.size(); ++k) v += amounts[k] * discount(k);
  return v;
}

/// Fixed-rate bond (DESIGN.md §4): dirty value of the future flows, `amounts` being the
/// coupons notional·rate·τ_k with the principal added to the last one
/// (portfolio::fixed_leg builds them).
template <class V, class Discount>
[[nodiscard]] inline V fixed_bond(std::span<const double> amounts, const Discount& discount) noexcept {
  return present_value<V>(amounts, discount);
}

}  // namespace riskgrid::pricing
