#pragma once

#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

/// Equity forward (DESIGN.md §4): q·(S·exp(−div·T) − K·exp(−r·T)), in the trade currency.
/// `r` is the continuously compounded zero rate to T, `div` the dividend yield.
/// One template for the scalar reference (double) and SIMD batches.
template <class V>
[[nodiscard]] inline V equity_forward(double quantity, V spot, double strike, double t, V r, V div) noexcept {
  return quantity * (spot * simd::exp(-div * t) - strike * simd::exp(-r * t));
}

/// FX forward on CCY1CCY2 (DESIGN.md §4): `quantity` units of CCY1 bought at `strike` CCY2
/// each; value in CCY2: q·(X·DF_1(T) − K·DF_2(T)) with DF_c = exp(−r_c·T).
template <class V>
[[nodiscard]] inline V fx_forward(double quantity, V spot, double strike, double t, V r_domestic,
                                  V r_foreign) noexcept {
  return quantity * (spot * simd::exp(-r_foreign * t) - strike * simd::exp(-r_domestic * t));
}

}  // namespace riskgrid::pricing
