#pragma once

/// \file
/// Gamma and chi-square draws that are pure functions of (seed, stream tag, scenario),
/// rejection sampling included.

#include <cmath>
#include <cstdint>
#include <string>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"

namespace riskgrid::random {

/// Gamma(shape, 1) draws by G. Marsaglia and W. W. Tsang, "A simple method for generating
/// gamma variables", ACM TOMS 26(3), 363–372 (2000), with the counter layout fixed so that
/// the draw of scenario i is a pure function of (stream, i) whatever the rejections:
///
/// - attempt a = 0, 1, …, max_attempts − 1 uses draws 2a and 2a + 1 of scenario i (one
///   Philox block): x = Φ⁻¹(u_2a), u = u_{2a+1}; with d = α' − 1/3, c = 1/√(9d),
///   v = (1 + c·x)³, the attempt accepts when v > 0 and (u < 1 − 0.0331·x⁴ or
///   ln u < x²/2 + d·(1 − v + ln v)), and the draw is d·v;
/// - α' = shape when shape ≥ 1; for shape < 1, α' = shape + 1 and the result is
///   multiplied by u_B^(1/shape) (Marsaglia–Tsang §6) with u_B = draw 2·max_attempts;
/// - if every attempt is rejected the result is the mean d·1 = α' − 1/3 (times the boost):
///   deterministic, never NaN. The acceptance probability of one attempt is at least
///   0.951 for every α' ≥ 1 (Marsaglia–Tsang, Table 1), so this happens with probability
///   below 0.049^32 ≈ 1e-42 per draw: never, in practice.
///
/// Uniforms are strictly inside (0, 1) (philox_stream), so ln u is finite.
/// Construction throws riskgrid::error unless shape is finite and > 0.
/// operator() is noexcept, O(1) expected (1.05 attempts at most on average); thread-safe.
class gamma_sampler {
 public:
  static constexpr unsigned max_attempts = 32;

  explicit gamma_sampler(double shape) : shape_(shape) {
    if (!(std::isfinite(shape) && shape > 0.0))
      throw error("gamma_sampler: shape must be finite and positive, got " + to_shortest(shape));
    const double alpha = shape < 1.0 ? shape + 1.0 : shape;
    d_ = alpha - 1.0 / 3.0;
    c_ = 1.0 / std::sqrt(9.0 * d_);
  }

  [[nodiscard]] double shape() const noexcept { return shape_; }

  /// The Gamma(shape, 1) draw of scenario `scenario_id` from `stream`.
  [[nodiscard]] double operator()(const philox_stream& stream, std::uint64_t scenario_id) const noexcept {
    double result = d_;
    for (unsigned a = 0; a < max_attempts; ++a) {
      double u[2];
      stream.uniforms(scenario_id, 2 * std::uint64_t{a}, u);
      const double x = inverse_normal_cdf(u[0]);
      const double t = 1.0 + c_ * x;
      if (t <= 0.0) continue;
      const double v = t * t * t;
      const double x2 = x * x;
      if (u[1] < 1.0 - 0.0331 * (x2 * x2) || std::log(u[1]) < 0.5 * x2 + d_ * (1.0 - v + std::log(v))) {
        result = d_ * v;
        break;
      }
    }
    if (shape_ < 1.0) result *= std::pow(stream.uniform(scenario_id, 2 * std::uint64_t{max_attempts}), 1.0 / shape_);
    return result;
  }

 private:
  double shape_;
  double d_ = 0.0;
  double c_ = 0.0;
};

/// χ²_ν draws: 2·Gamma(ν/2, 1) with the layout of gamma_sampler. Any real ν > 0
/// (non-integer included). Throws riskgrid::error unless ν is finite and > 0.
class chi_squared_sampler {
 public:
  explicit chi_squared_sampler(double degrees_of_freedom)
      : nu_(degrees_of_freedom), gamma_(checked(degrees_of_freedom) / 2.0) {}

  [[nodiscard]] double degrees_of_freedom() const noexcept { return nu_; }

  /// The χ²_ν draw of scenario `scenario_id` from `stream`. noexcept; thread-safe.
  [[nodiscard]] double operator()(const philox_stream& stream, std::uint64_t scenario_id) const noexcept {
    return 2.0 * gamma_(stream, scenario_id);
  }

 private:
  static double checked(double nu) {
    if (!(std::isfinite(nu) && nu > 0.0))
      throw error("chi_squared_sampler: degrees of freedom must be finite and positive, got " + to_shortest(nu));
    return nu;
  }

  double nu_;
  gamma_sampler gamma_;
};

}  // namespace riskgrid::random
