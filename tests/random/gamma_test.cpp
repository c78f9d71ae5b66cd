#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <vector>

#include <boost/math/distributions/chi_squared.hpp>
#include <boost/math/distributions/gamma.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/random/gamma.hpp"

using riskgrid::random::chi_squared_sampler;
using riskgrid::random::gamma_sampler;
using riskgrid::random::philox_stream;

namespace {

// Kolmogorov–Smirnov statistic D = sup |F_n − F| of sorted draws.
template <class Cdf>
double ks_statistic(std::vector<double> x, Cdf cdf) {
  std::sort(x.begin(), x.end());
  const double n = static_cast<double>(x.size());
  double d = 0.0;
  for (std::size_t i = 0; i < x.size(); ++i) {
    const double f = cdf(x[i]);
    d = std::max({d, (static_cast<double>(i) + 1.0) / n - f, f - static_cast<double>(i) / n});
  }
  return d;
}

// Asymptotic critical value of D at the 0.1% level: K⁻¹(0.999) / √n = 1.9495 / √n.
double ks_critical(std::size_t n) { return 1.9495 / std::sqrt(static_cast<double>(n)); }

}  // namespace

TEST_CASE("Chi-square draws have mean nu and variance 2 nu within 5 standard errors", "[random][gamma]") {
  const philox_stream stream(77, 1);
  for (const double nu : {2.5, 4.0, 7.0, 30.0}) {
    const chi_squared_sampler chi2(nu);
    const std::size_t n = 1000000;
    double sum = 0.0, sum2 = 0.0;
    for (std::uint64_t i = 0; i < n; ++i) {
      const double w = chi2(stream, i);
      sum += w;
      sum2 += w * w;
    }
    const double mean = sum / n, var = sum2 / n - mean * mean;
    // se of the mean √(2ν/n); of the variance √((μ₄ − σ⁴)/n) with μ₄ = 12ν² + 48ν.
    INFO("nu " << nu << " mean " << mean << " variance " << var);
    CHECK(std::abs(mean - nu) < 5.0 * std::sqrt(2.0 * nu / n));
    CHECK(std::abs(var - 2.0 * nu) < 5.0 * std::sqrt((8.0 * nu * nu + 48.0 * nu) / n));
  }
}

TEST_CASE("Chi-square draws pass a Kolmogorov-Smirnov test against Boost's CDF", "[random][gamma]") {
  const philox_stream stream(2718, 1);
  const std::size_t n = 100000;
  for (const double nu : {4.0, 7.0, 3.3}) {
    const chi_squared_sampler chi2(nu);
    std::vector<double> w(n);
    for (std::uint64_t i = 0; i < n; ++i) w[i] = chi2(stream, i);
    const boost::math::chi_squared_distribution<double> dist(nu);
    const double d = ks_statistic(w, [&](double x) { return boost::math::cdf(dist, x); });
    INFO("nu " << nu << ": D = " << d << ", critical value at 0.1% " << ks_critical(n));
    CHECK(d < ks_critical(n));
  }
}

TEST_CASE("Gamma draws with shape below one use the boost and pass a KS test", "[random][gamma]") {
  const philox_stream stream(31, 5);
  const std::size_t n = 100000;
  for (const double shape : {0.3, 0.9}) {
    const gamma_sampler gamma(shape);
    std::vector<double> x(n);
    for (std::uint64_t i = 0; i < n; ++i) x[i] = gamma(stream, i);
    CHECK(*std::min_element(x.begin(), x.end()) > 0.0);
    const boost::math::gamma_distribution<double> dist(shape);
    const double d = ks_statistic(x, [&](double v) { return boost::math::cdf(dist, v); });
    INFO("shape " << shape << ": D = " << d);
    CHECK(d < ks_critical(n));
  }
}

TEST_CASE("Gamma draws are a pure function of the scenario and take about 1.02 attempts",
          "[random][gamma]") {
  const philox_stream stream(5, 1);
  const gamma_sampler gamma(2.0);
  CHECK(gamma(stream, 123) == gamma(stream, 123));
  CHECK(gamma(stream, 123) != gamma(stream, 124));
  // Count the attempts by replaying the acceptance test of the documented layout.
  const double d = 2.0 - 1.0 / 3.0, c = 1.0 / std::sqrt(9.0 * d);
  std::uint64_t attempts = 0, n = 200000;
  for (std::uint64_t i = 0; i < n; ++i) {
    for (unsigned a = 0;; ++a) {
      ++attempts;
      const double x = riskgrid::random::inverse_normal_cdf(stream.uniform(i, 2 * a));
      const double u = stream.uniform(i, 2 * a + 1);
      const double t = 1.0 + c * x;
      if (t <= 0.0) continue;
      const double v = t * t * t;
      if (u < 1.0 - 0.0331 * x * x * x * x || std::log(u) < 0.5 * x * x + d * (1.0 - v + std::log(v))) {
        REQUIRE(gamma(stream, i) == Approx(d * v).epsilon(1e-15));
        break;
      }
    }
  }
  const double mean_attempts = static_cast<double>(attempts) / static_cast<double>(n);
  INFO("mean attempts " << mean_attempts);
  CHECK(mean_attempts < 1.05);
}

TEST_CASE("Gamma and chi-square samplers refuse non-positive or non-finite parameters", "[random][gamma]") {
  CHECK_THROWS_WITH(gamma_sampler(0.0), Catch::Contains("shape must be finite and positive, got 0"));
  CHECK_THROWS_AS(gamma_sampler(-1.0), riskgrid::error);
  CHECK_THROWS_AS(gamma_sampler(std::nan("")), riskgrid::error);
  CHECK_THROWS_WITH(chi_squared_sampler(std::numeric_limits<double>::infinity()), Catch::Contains("degrees of freedom"));
}
