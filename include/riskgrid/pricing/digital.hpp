#pragma once

#include "riskgrid/pricing/option_type.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

/// European cash-or-nothing digital under Black–Scholes–Merton: pays `cash` at t if the
/// spot ends above (call) or below (put) the strike:
///   call = cash·e^(−rt)·Φ(d2),  put = cash·e^(−rt)·Φ(−d2)  (d2 as in black_scholes).
/// Same preconditions and SIMD contract as black_scholes.
template <class V>
[[nodiscard]] inline V digital_cash_or_nothing(option_type type, V spot, double strike, double t,
                                               V r, V q, V vol, double cash) noexcept {
  const double sqrt_t = simd::sqrt(t);
  const V std_dev = vol * sqrt_t;
  const V df_r = simd::exp(-(r * t));
  const V d2 = (simd::log(spot / strike) + ((r - q) - (0.5 * vol) * vol) * t) / std_dev;
  const V n = simd::ncdf(type == option_type::call ? d2 : -d2);
  return (cash * df_r) * n;
}

}  // namespace riskgrid::pricing
