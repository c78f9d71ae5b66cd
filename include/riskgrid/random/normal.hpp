#pragma once

/// \file
/// Standard normal quantile (Wichura's AS241) and normal draws from a philox_stream.

#include <cmath>
#include <cstdint>
#include <span>

#include "riskgrid/random/philox.hpp"

namespace riskgrid::random {

namespace detail {

/// c[0] + c[1] r + ... + c[7] r^7 by Horner's rule. The evaluation order is part of
/// the bits we promise (no FMA contraction, DESIGN.md §5), so it is spelled out.
[[nodiscard]] constexpr double horner7(const double (&c)[8], double r) noexcept {
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

/// Standard normal quantile Φ⁻¹(p): Wichura's AS241 (PPND16), relative error about
/// 1e-16 over the whole double range of p (measured against Boost.Math in the tests).
/// Uses only + − × ÷, `std::sqrt` (correctly rounded) and `std::log` (so the bits are
/// those of the platform's libm `log`; glibc's is the reference).
///
/// Exactly odd: `inverse_normal_cdf(1 - p) == -inverse_normal_cdf(p)` whenever `1 - p` is
/// exact in double, which holds for every output of `philox_stream::uniform`, so
/// antithetic draws are exact negatives.
///
/// Precondition: 0 < p < 1 (not checked: this is a hot path; `philox_stream::uniform`
/// never yields 0 or 1). Complexity O(1): one rational function of degree 7/7, plus a
/// `log` and a `sqrt` when p < 0.075 or p > 0.925. Thread-safe.
[[nodiscard]] inline double inverse_normal_cdf(double p) noexcept {
  // p - 0.5 is exact for p >= 0.25 (Sterbenz) and for every multiple of 2^-53, i.e. every
  // philox_stream uniform; exactness is what makes the central branch exactly odd.
  const double q = p - 0.5;
  if (std::fabs(q) <= 0.425) {
    const double r = 0.180625 - q * q;
    return q * detail::horner7(detail::as241_a, r) / detail::horner7(detail::as241_b, r);
  }
  // The tail is computed from the smaller of p and 1 - p (1 - p is exact for p >= 0.5),
  // so the upper tail loses no accuracy and the result is exactly odd.
  double r = q < 0.0 ? p : 1.0 - p;
  r = std::sqrt(-std::log(r));
  double x;
  if (r <= 5.0) {
    r -= 1.6;
    x = detail::horner7(detail::as241_c, r) / detail::horner7(detail::as241_d, r);
  } else {
    r -= 5.0;
    x = detail::horner7(detail::as241_e, r) / detail::horner7(detail::as241_f, r);
  }
  return q < 0.0 ? -x : x;
}

/// Standard normal draw `draw` of scenario `scenario_id`:
/// `inverse_normal_cdf(stream.uniform(scenario_id, draw))`, so |z| <= 8.3.
/// Precondition: draw < 2^33. Complexity O(1). Thread-safe.
[[nodiscard]] inline double standard_normal(const philox_stream& stream, std::uint64_t scenario_id,
                                            std::uint64_t draw) noexcept {
  return inverse_normal_cdf(stream.uniform(scenario_id, draw));
}

/// Fills `out[k]` with `standard_normal(stream, scenario_id, first_draw + k)`, bit for
/// bit, computing each Philox block once.
/// Precondition: first_draw + out.size() <= 2^33. Complexity O(out.size()); no allocation.
inline void standard_normals(const philox_stream& stream, std::uint64_t scenario_id,
                             std::uint64_t first_draw, std::span<double> out) noexcept {
  stream.uniforms(scenario_id, first_draw, out);
  for (double& x : out) {
    x = inverse_normal_cdf(x);
  }
}

}  // namespace riskgrid::random
