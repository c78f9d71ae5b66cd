#pragma once

#include "riskgrid/pricing/option_type.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

/// European Black–Scholes–Merton value per unit of underlying (DESIGN.md §4):
///   call = S·e^(−qt)·Φ(d1) − K·e^(−rt)·Φ(d2),  put = K·e^(−rt)·Φ(−d2) − S·e^(−qt)·Φ(−d1),
///   d1 = (ln(S/K) + (r − q + σ²/2)·t)/(σ√t),  d2 = d1 − σ√t.
/// `r` is the continuously compounded zero rate to t and `q` the dividend yield
/// (Garman–Kohlhagen: q = the foreign rate). One template for `double` and xsimd
/// batches; no per-lane branch, same bits for every width. Forced inline: in a scenario
/// loop the per-trade scalars (√t, 1/K) are then computed once.
/// Preconditions: spot > 0, strike > 0, t > 0, vol > 0 (checked when a trade is built).
template <class V>
[[nodiscard]] RISKGRID_SIMD_INLINE V black_scholes(option_type type, V spot, double strike, double t, V r,
                                                   V q, V vol) noexcept {
  const double sqrt_t = simd::sqrt(t);
  const V std_dev = vol * sqrt_t;
  const V df_r = simd::exp(-(r * t));
  const V df_q = simd::exp(-(q * t));
  const V d1 = (simd::log(spot * (1.0 / strike)) + ((r - q) + (0.5 * vol) * vol) * t) / std_dev;
  const V d2 = d1 - std_dev;
  const V forward_leg = spot * df_q;
  const V strike_leg = strike * df_r;
  if (type == option_type::call) return forward_leg * simd::ncdf(d1) - strike_leg * simd::ncdf(d2);
  return strike_leg * simd::ncdf(-d2) - forward_leg * simd::ncdf(-d1);
}

}  // namespace riskgrid::pricing
