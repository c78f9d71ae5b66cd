#pragma once

#include "riskgrid/pricing/bivariate_normal.hpp"
#include "riskgrid/pricing/black_scholes.hpp"
#include "riskgrid/pricing/option_type.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

/// The maturity-dependent constants of american(): t, the first exercise step
/// t1 = (√5 − 1)/2·t, their square roots and the bivariate normals at ρ = ±√(t1/t).
/// A trade's maturity is one scalar for all its scenarios: build this once per trade
/// and price every batch of scenarios with it (20 sines, which would otherwise be paid
/// per batch). Immutable, thread-safe. Precondition: t > 0.
class american_terms {
 public:
  explicit american_terms(double t) noexcept
      : t_(t),
        t1_(0.5 * (simd::sqrt(5.0) - 1.0) * t),
        sqrt_t_(simd::sqrt(t)),
        sqrt_t1_(simd::sqrt(t1_)),
        m_pos_(simd::sqrt(t1_ / t)),
        m_neg_(-simd::sqrt(t1_ / t)) {}

  [[nodiscard]] double t() const noexcept { return t_; }
  [[nodiscard]] double t1() const noexcept { return t1_; }
  [[nodiscard]] double sqrt_t() const noexcept { return sqrt_t_; }
  [[nodiscard]] double sqrt_t1() const noexcept { return sqrt_t1_; }
  /// M(·, ·; ρ) and M(·, ·; −ρ), ρ = √(t1/t).
  [[nodiscard]] const bivariate_normal& m_pos() const noexcept { return m_pos_; }
  [[nodiscard]] const bivariate_normal& m_neg() const noexcept { return m_neg_; }

 private:
  double t_, t1_, sqrt_t_, sqrt_t1_;
  bivariate_normal m_pos_, m_neg_;
};

namespace detail {

/// Bjerksund–Stensland (2002) American call on S with strike X, rate r and cost of
/// carry b, both S and X lane-wise (the put is this call with S ↔ X, r → r − b,
/// b → −b). Formulas and notation of Haug (2007, §3.1.4), his phi and ksi.
/// Powers are taken as exponentials of log-ratios so that large exponents (small vol)
/// give no 0·inf; the exponent of a power multiplying a bounded probability is capped.
template <class V>
[[nodiscard]] inline V bs2002_call(V s, V x, const american_terms& terms, V r, V b, V vol) noexcept {
  const double t = terms.t();
  const double t1 = terms.t1();
  const double sqrt_t = terms.sqrt_t();
  const double sqrt_t1 = terms.sqrt_t1();
  const V v2 = vol * vol;

  const V b_v2 = b / v2;
  const V disc = (b_v2 - 0.5) * (b_v2 - 0.5) + (2.0 * r) / v2;
  const V beta = (0.5 - b_v2) + simd::sqrt(simd::max<V>(disc, V(0.0)));
  const V b_inf = (beta / (beta - 1.0)) * x;
  const V b0 = simd::max<V>(x, (r / (r - b)) * x);
  const V h_scale = (x * x) / ((b_inf - b0) * b0);
  const V ht1 = -((b * t1 + (2.0 * vol) * sqrt_t1) * h_scale);
  const V ht2 = -((b * t + (2.0 * vol) * sqrt_t) * h_scale);
  const V i1 = b0 + (b_inf - b0) * (1.0 - simd::exp(ht1));
  const V i2 = b0 + (b_inf - b0) * (1.0 - simd::exp(ht2));
  const V ln_s = simd::log(s);
  const V ln_i1 = simd::log(i1);
  const V ln_i2 = simd::log(i2);
  const V ln_x = simd::log(x);
  const V ln_s_i1 = simd::log(s / i1);
  const V ln_s_i2 = simd::log(s / i2);
  const V sd1 = vol * sqrt_t1;
  const V sd = vol * sqrt_t;
  constexpr double cap = 700.0;

  // e^λ·(S/R)^γ·[Φ(d) − (I/S)^κ·Φ(d − 2 ln(I/S)/(σ√T))], R the reference of the power.
  const auto phi = [&](const V& gamma, const V& ln_sr, const V& ln_h, const V& ln_i) {
    const V lambda = (-r + gamma * b + (0.5 * gamma) * (gamma - 1.0) * v2) * t1;
    const V carry = (b + (gamma - 0.5) * v2) * t1;
    const V d = -((ln_s - ln_h) + carry) / sd1;
    const V kappa = 2.0 * b_v2 + (2.0 * gamma - 1.0);
    const V ln_is = ln_i - ln_s;
    const V a = lambda + gamma * ln_sr;
    return simd::exp_times_ncdf<V>(a, d) -
           simd::exp_times_ncdf<V>(a + kappa * ln_is, d - (2.0 * ln_is) / sd1);
  };

  // The first-step arguments of ksi, −e1…−e4, depend on γ only; with their marginals
  // Φ(−e) they serve both ksi terms of the same γ.
  struct step1 {
    V c, neg_e[4], phi_e[4];
  };
  const V ln_e2 = (2.0 * ln_i2 - ln_s) - ln_i1;  // ln(I2²/(S·I1))
  const auto first_step = [&](const V& gamma) {
    step1 e;
    e.c = b + (gamma - 0.5) * v2;
    e.neg_e[0] = -((ln_s_i1 + e.c * t1) / sd1);
    e.neg_e[1] = -((ln_e2 + e.c * t1) / sd1);
    e.neg_e[2] = -((ln_s_i1 - e.c * t1) / sd1);
    e.neg_e[3] = -((ln_e2 - e.c * t1) / sd1);
    for (int j = 0; j < 4; ++j) e.phi_e[j] = simd::ncdf<V>(e.neg_e[j]);
    return e;
  };
  const bivariate_normal& m_pos = terms.m_pos();
  const bivariate_normal& m_neg = terms.m_neg();
  // e^λ·(S/R)^γ·[M(−e1,−f1,ρ) − (I2/S)^κ M(−e2,−f2,ρ) − (I1/S)^κ M(−e3,−f3,−ρ)
  //              + (I1/I2)^κ M(−e4,−f4,−ρ)]  (Haug's ksi, as in his code).
  const auto ksi = [&](const V& gamma, const step1& e, const V& ln_sr, const V& ln_h) {
    const V lambda = (-r + gamma * b + (0.5 * gamma) * (gamma - 1.0) * v2) * t;
    const V c = e.c;
    const V f1 = -(((ln_s - ln_h) + c * t) / sd);
    const V f2 = -((((2.0 * ln_i2 - ln_s) - ln_h) + c * t) / sd);
    const V f3 = -((((2.0 * ln_i1 - ln_s) - ln_h) + c * t) / sd);
    const V f4 = -((((ln_s + 2.0 * ln_i1) - (ln_h + 2.0 * ln_i2)) + c * t) / sd);
    const V kappa = 2.0 * b_v2 + (2.0 * gamma - 1.0);
    const V a = lambda + gamma * ln_sr;
    const auto term = [&](const V& ln_pow) { return simd::exp<V>(simd::min<V>(a + kappa * ln_pow, V(cap))); };
    const auto m = [&](const bivariate_normal& bvn, int j, const V& neg_f) {
      return bvn.cdf_with_marginals<V>(e.neg_e[j], neg_f, e.phi_e[j], simd::ncdf<V>(neg_f));
    };
    return term(V(0.0)) * m(m_pos, 0, f1) - term(ln_i2 - ln_s) * m(m_pos, 1, f2) -
           term(ln_i1 - ln_s) * m(m_neg, 2, f3) + term(ln_i1 - ln_i2) * m(m_neg, 3, f4);
  };

  const V one(1.0), zero(0.0);
  const step1 e_beta = first_step(beta);
  const step1 e_one = first_step(one);
  const step1 e_zero = first_step(zero);
  // α(I)·S^β·… = (I − X)·(S/I)^β·…: the powers of β are taken relative to I.
  const V value = (i2 - x) * simd::exp<V>(simd::min<V>(beta * ln_s_i2, V(cap))) -
                  (i2 - x) * phi(beta, ln_s_i2, ln_i2, ln_i2) + phi(one, ln_s, ln_i2, ln_i2) -
                  phi(one, ln_s, ln_i1, ln_i2) - x * phi(zero, zero, ln_i2, ln_i2) +
                  x * phi(zero, zero, ln_i1, ln_i2) + (i1 - x) * phi(beta, ln_s_i1, ln_i1, ln_i2) -
                  (i1 - x) * ksi(beta, e_beta, ln_s_i1, ln_i1) + ksi(one, e_one, ln_s, ln_i1) -
                  ksi(one, e_one, ln_s, ln_x) - x * ksi(zero, e_zero, zero, ln_i1) +
                  x * ksi(zero, e_zero, zero, ln_x);

  return simd::select<V>(s >= i2, s - x, value);
}

}  // namespace detail

/// American option value per unit by the Bjerksund–Stensland (2002) two-step
/// (flat-boundary, t1 = (√5 − 1)/2·t) approximation, as Haug (2007, §3.1.4), with the
/// double-precision bivariate normal of bivariate_normal; no floor. The put is the
/// call under the put–call transformation P(S, K, r, b) = C(K, S, r − b, −b). Where early
/// exercise is never optimal (call with q ≤ 0 ≤ r; put with r ≤ 0 ≤ q) the value is the
/// European one. `r` and `q` as in black_scholes (constant-rate equivalents); `terms`
/// holds the maturity t (american_terms(t), built once per trade).
///
/// Outside the approximation's domain the lane takes max(European, intrinsic) (a lower
/// bound of the American value): in the call form, a negative rate with a non-positive
/// yield (Haug's b ≥ r shortcut assumes r ≥ 0: with r < 0 paying the strike early pays),
/// a complex perpetual exponent β ((b/σ² − ½)² + 2r/σ² < 0, negative rates with a small
/// vol), or a result that is not finite or outside [0, S·max(1, e^(−qt))] (a breakdown at
/// extreme inputs such as vol → 0). Same SIMD contract as black_scholes.
template <class V>
[[nodiscard]] inline V american(option_type type, V spot, double strike, const american_terms& terms, V r, V q,
                                V vol) noexcept {
  const double t = terms.t();
  const V k(strike);
  const V european = black_scholes<V>(type, spot, strike, t, r, q, vol);
  const bool call = type == option_type::call;
  // Inputs of the call form: S_c, X_c, rate r_c, yield q_c = r_c − b_c.
  const V s_c = call ? spot : k;
  const V x_c = call ? k : spot;
  const V r_c = call ? r : q;
  const V q_c = call ? q : r;
  const V b_c = r_c - q_c;
  const V approx = detail::bs2002_call<V>(s_c, x_c, terms, r_c, b_c, vol);
  const V intrinsic = simd::max<V>(s_c - x_c, V(0.0));
  const V upper = s_c * simd::max<V>(simd::exp<V>(-(q_c * t)), V(1.0));
  const V v2 = vol * vol;
  const V b_v2 = b_c / v2;
  const V disc = (b_v2 - 0.5) * (b_v2 - 0.5) + (2.0 * r_c) / v2;
  const auto no_early = simd::mask_and(q_c <= 0.0, r_c >= 0.0);
  const auto outside = simd::mask_or(simd::mask_and(r_c < 0.0, q_c <= 0.0), disc < 0.0);
  const auto broken = simd::mask_or(!(simd::abs<V>(approx) <= upper), approx < 0.0);
  const V fallback = simd::max<V>(european, intrinsic);
  return simd::select<V>(no_early, european,
                         simd::select<V>(simd::mask_or(outside, broken), fallback, approx));
}

/// american() for a one-off maturity t (the american_terms are rebuilt on every call:
/// price many scenarios of one trade through the american_terms overload).
template <class V>
[[nodiscard]] inline V american(option_type type, V spot, double strike, double t, V r, V q, V vol) noexcept {
  return american<V>(type, spot, strike, american_terms(t), r, q, vol);
}

}  // namespace riskgrid::pricing
