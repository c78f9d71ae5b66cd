#pragma once

#include "riskgrid/pricing/black_scholes.hpp"
#include "riskgrid/pricing/option_type.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

/// Continuously monitored single-barrier option under Black–Scholes–Merton, value per
/// unit: the Reiner–Rubinstein closed forms as in Haug (2007, §4.17.1), with the same
/// case split on strike ≥ barrier as QuantLib's AnalyticBarrierEngine. The rebate is paid
/// at expiry for knock-ins (term E) and at the hit for knock-outs (term F).
///
/// In a lane whose spot has touched or crossed the barrier (down: S ≤ H, up: S ≥ H), a
/// knock-out is worth its rebate and a knock-in its vanilla (DESIGN.md §4).
///
/// Numerics: every power (H/S)^a·Φ(u) is evaluated as simd::exp_times_ncdf(a·ln(H/S), u),
/// so very small or large vols give no 0·inf. In the knock-out rebate, λ = √(μ² + 2r/σ²)
/// is imaginary when r < −μ²σ²/2 (negative rates with a small vol); the term F is even
/// in λ and is evaluated at λ = √max(λ², 0) there (an approximation, finite, documented
/// in docs/design-notes.md). Preconditions as black_scholes, barrier > 0, rebate ≥ 0.
template <class V>
[[nodiscard]] inline V barrier(option_type type, barrier_type kind, V spot, double strike,
                               double barrier, double rebate, double t, V r, V q, V vol) noexcept {
  using simd::exp_times_ncdf;
  const double sqrt_t = simd::sqrt(t);
  const V std_dev = vol * sqrt_t;
  const V var = vol * vol;
  const V mu = (r - q) / var - 0.5;
  const V mu_sigma = (1.0 + mu) * std_dev;
  const V ln_hs = simd::log(barrier / spot);  // ln(H/S)
  const V ln_sk = simd::log(spot / strike);
  const double ln_hk = simd::log(barrier / strike);
  const V rt = r * t;
  const V qt = q * t;
  const V df_r = simd::exp(-rt);
  const V df_q = simd::exp(-qt);
  const V two_mu_ln = (2.0 * mu) * ln_hs;
  const V two_mu1_ln = (2.0 * (mu + 1.0)) * ln_hs;

  const auto A = [&](double phi) {
    const V x1 = ln_sk / std_dev + mu_sigma;
    return phi * (spot * df_q * simd::ncdf(phi * x1) - strike * df_r * simd::ncdf(phi * (x1 - std_dev)));
  };
  const auto B = [&](double phi) {
    const V x2 = -ln_hs / std_dev + mu_sigma;
    return phi * (spot * df_q * simd::ncdf(phi * x2) - strike * df_r * simd::ncdf(phi * (x2 - std_dev)));
  };
  const auto reflected = [&](double eta, double phi, const V& y) {
    return phi * (spot * exp_times_ncdf<V>(two_mu1_ln - qt, eta * y) -
                  strike * exp_times_ncdf<V>(two_mu_ln - rt, eta * (y - std_dev)));
  };
  const auto C = [&](double eta, double phi) {
    return reflected(eta, phi, (ln_hs + ln_hk) / std_dev + mu_sigma);
  };
  const auto D = [&](double eta, double phi) { return reflected(eta, phi, ln_hs / std_dev + mu_sigma); };
  const auto E = [&](double eta) {
    if (!(rebate > 0.0)) return V(0.0);
    const V x2 = -ln_hs / std_dev + mu_sigma;
    const V y2 = ln_hs / std_dev + mu_sigma;
    return rebate * (df_r * simd::ncdf(eta * (x2 - std_dev)) -
                     exp_times_ncdf<V>(two_mu_ln - rt, eta * (y2 - std_dev)));
  };
  const auto F = [&](double eta) {
    if (!(rebate > 0.0)) return V(0.0);
    const V lambda = simd::sqrt(simd::max<V>(mu * mu + (2.0 * r) / var, V(0.0)));
    const V z = ln_hs / std_dev + lambda * std_dev;
    return rebate * (exp_times_ncdf<V>((mu + lambda) * ln_hs, eta * z) +
                     exp_times_ncdf<V>((mu - lambda) * ln_hs, eta * (z - (2.0 * lambda) * std_dev)));
  };

  const bool above = strike >= barrier;
  V value;
  if (type == option_type::call) {
    switch (kind) {
      case barrier_type::down_in: value = above ? C(1, 1) + E(1) : A(1) - B(1) + D(1, 1) + E(1); break;
      case barrier_type::up_in: value = above ? A(1) + E(-1) : B(1) - C(-1, 1) + D(-1, 1) + E(-1); break;
      case barrier_type::down_out: value = above ? A(1) - C(1, 1) + F(1) : B(1) - D(1, 1) + F(1); break;
      default: value = above ? F(-1) : A(1) - B(1) + C(-1, 1) - D(-1, 1) + F(-1); break;
    }
  } else {
    switch (kind) {
      case barrier_type::down_in: value = above ? B(-1) - C(1, -1) + D(1, -1) + E(1) : A(-1) + E(1); break;
      case barrier_type::up_in: value = above ? A(-1) - B(-1) + D(-1, -1) + E(-1) : C(-1, -1) + E(-1); break;
      case barrier_type::down_out: value = above ? A(-1) - B(-1) + C(1, -1) - D(1, -1) + F(1) : F(1); break;
      default: value = above ? B(-1) - D(-1, -1) + F(-1) : A(-1) - C(-1, -1) + F(-1); break;
    }
  }

  const bool down = kind == barrier_type::down_in || kind == barrier_type::down_out;
  const auto touched = down ? spot <= V(barrier) : spot >= V(barrier);
  const bool knock_in = kind == barrier_type::down_in || kind == barrier_type::up_in;
  const V settled = knock_in ? black_scholes<V>(type, spot, strike, t, r, q, vol) : V(rebate);
  return simd::select<V>(touched, settled, value);
}

}  // namespace riskgrid::pricing
