#pragma once

#include <span>

#include "riskgrid/pricing/bond.hpp"

namespace riskgrid::pricing {

/// Which leg the holder pays.
enum class swap_side {
  receive_fixed,  ///< receiver: value = fixed − floating
  pay_fixed,      ///< payer: value = floating − fixed
};

/// Single-curve fixed-vs-floating swap starting today (DESIGN.md §4): the fixed leg is the
/// present value of `coupons` (no principal), the floating leg a par floater
/// notional·(1 − DF(T)), no spread. `df_maturity` is DF(T) at the last payment date.
template <class V, class Discount>
[[nodiscard]] inline V swap(swap_side side, double notional, std::span<const double> coupons,
                            const Discount& discount, V df_maturity) noexcept {
  const V fixed = present_value<V>(coupons, discount);
  const V floating = notional * (1.0 - df_maturity);
  return side == swap_side::pay_fixed ? floating - fixed : fixed - floating;
}

}  // namespace riskgrid::pricing
