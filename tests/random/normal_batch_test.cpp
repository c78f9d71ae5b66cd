#include <riskgrid/random/normal.hpp>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "random/simd_widths.hpp"

namespace {

namespace rr = riskgrid::random;
using riskgrid_test::for_each_width;
using riskgrid_test::map_lanes;

// Probabilities over the whole range, with the extreme philox uniforms: log-spaced tails
// down to 1e-300 and up to 1 - 1e-16, a central grid, the 2^-53 multiples nearest 0 and
// 1, AS241's branch switches, and 10^5 philox uniforms; padded to a multiple of 8 lanes.
std::vector<double> probabilities() {
  std::vector<double> p;
  for (int step = -30000; step < -301; ++step) p.push_back(std::pow(10.0, step / 100.0));
  for (int step = -1600; step < -301; ++step) p.push_back(1.0 - std::pow(10.0, step / 100.0));
  for (int k = 1; k < 10'000; ++k) p.push_back(k * 1e-4);
  for (int k = 1; k <= 20'000; ++k) {
    p.push_back(k * 0x1p-53);
    p.push_back(1.0 - k * 0x1p-53);
  }
  for (const double edge : {0.075, 0.925, std::exp(-25.0), 1.0 - std::exp(-25.0)}) {
    double below = edge, above = edge;
    for (int k = 0; k < 500; ++k) {
      p.push_back(below);
      p.push_back(above);
      below = std::nextafter(below, 0.0);
      above = std::nextafter(above, 1.0);
    }
  }
  std::vector<double> u(100'000);
  rr::philox_stream(3u).uniforms(0u, 0u, u);
  p.insert(p.end(), u.begin(), u.end());
  // Shuffle tail points among central ones so that batches mix branches lane by lane.
  std::vector<double> mixed;
  for (std::size_t i = 0; i < p.size(); ++i) {
    mixed.push_back(p[i]);
    if (i % 3 == 0) mixed.push_back(p[p.size() - 1 - i]);
  }
  while (mixed.size() % 8 != 0) mixed.push_back(0.5);
  return mixed;
}

double boost_quantile(double p) {
  return boost::math::quantile(boost::math::normal_distribution<double>(), p);
}

template <class V>
std::vector<double> quantiles(const std::vector<double>& p) {
  std::vector<double> x(p.size());
  map_lanes<V>(p, x, [](const V& v) { return rr::inverse_normal_cdf(v); });
  return x;
}

}  // namespace

TEST_CASE("inverse_normal_cdf gives the same bits for double and every SIMD width", "[random][normal_batch]") {
  const std::vector<double> p = probabilities();
  REQUIRE(p.size() > 200'000);
  const std::vector<double> reference = quantiles<double>(p);
  for_each_width([&]<class V>(const char* width) {
    const std::vector<double> x = quantiles<V>(p);
    std::size_t mismatches = 0;
    double first_p = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (std::bit_cast<std::uint64_t>(x[i]) != std::bit_cast<std::uint64_t>(reference[i])) {
        if (mismatches++ == 0) first_p = p[i];
      }
    }
    INFO("width " << width << ": " << mismatches << " of " << p.size() << " differ from double, first at p = "
                  << first_p);
    CHECK(mismatches == 0);
  });
}

TEST_CASE("inverse_normal_cdf_in_place gives inverse_normal_cdf's bits for every width and length",
          "[random][normal_batch]") {
  const std::vector<double> p = probabilities();
  const std::vector<double> reference = quantiles<double>(p);
  for_each_width([&]<class V>(const char* width) {
    // The whole grid (pieces of 1,024 with tails crossing them), and short ragged blocks
    // whose tails do not fill a batch.
    for (const std::size_t length : {p.size(), std::size_t{1}, std::size_t{13}, std::size_t{1031}}) {
      for (std::size_t begin = 0; begin + length <= p.size(); begin += std::max<std::size_t>(length, 50'021)) {
        std::vector<double> x(p.begin() + static_cast<std::ptrdiff_t>(begin),
                              p.begin() + static_cast<std::ptrdiff_t>(begin + length));
        rr::inverse_normal_cdf_in_place<V>(x);
        std::size_t mismatches = 0;
        for (std::size_t i = 0; i < length; ++i) {
          mismatches += std::bit_cast<std::uint64_t>(x[i]) != std::bit_cast<std::uint64_t>(reference[begin + i]) ? 1 : 0;
        }
        INFO("width " << width << ", block [" << begin << ", " << begin + length << ")");
        CHECK(mismatches == 0);
      }
    }
  });
}

TEST_CASE("Every SIMD width of inverse_normal_cdf agrees with Boost.Math to 1e-15 relative",
          "[random][normal_batch]") {
  const std::vector<double> p = probabilities();
  for_each_width([&]<class V>(const char* width) {
    const std::vector<double> x = quantiles<V>(p);
    double worst = 0.0, worst_p = 0.0;
    for (std::size_t i = 0; i < p.size(); ++i) {
      if (p[i] == 0.5) continue;  // the quantile is 0: relative error is meaningless
      const double reference = boost_quantile(p[i]);
      const double error = std::fabs(x[i] - reference) / std::fabs(reference);
      if (error > worst) {
        worst = error;
        worst_p = p[i];
      }
    }
    INFO("width " << width << ": worst relative error " << worst << " at p = " << worst_p);
    CHECK(worst < 1e-15);
  });
}

TEST_CASE("The batched quantile is exactly odd at the philox uniforms", "[random][normal_batch]") {
  const std::vector<double> p = probabilities();
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    std::vector<double> mirrored;
    for (const double v : p)
      if (1.0 - (1.0 - v) == v) mirrored.push_back(v);
    while (mirrored.size() % 8 != 0) mirrored.push_back(0.5);
    std::vector<double> complement(mirrored.size());
    for (std::size_t i = 0; i < mirrored.size(); ++i) complement[i] = 1.0 - mirrored[i];
    const std::vector<double> a = quantiles<V>(mirrored);
    const std::vector<double> b = quantiles<V>(complement);
    std::size_t odd_failures = 0;
    for (std::size_t i = 0; i < a.size(); ++i) odd_failures += b[i] == -a[i] ? 0 : 1;
    CHECK(mirrored.size() > 100'000);
    CHECK(odd_failures == 0);
  });
}

TEST_CASE("standard_normals gives standard_normal's bits for every width, start and length",
          "[random][normal_batch]") {
  const rr::philox_stream stream(0xABCDEFu, 4u);
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    for (const std::uint64_t first_draw : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{17},
                                           (std::uint64_t{1} << 33) - 100}) {
      for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{15}, std::size_t{16},
                                      std::size_t{17}, std::size_t{99}}) {
        std::vector<double> out(count);
        rr::standard_normals<V>(stream, 0x1234567890ull, first_draw, out);
        for (std::size_t k = 0; k < count; ++k)
          REQUIRE(out[k] == rr::standard_normal(stream, 0x1234567890ull, first_draw + k));
      }
    }
  });
}

TEST_CASE("standard_normal_pair_lanes gives draws 2b and 2b + 1 of one scenario per lane",
          "[random][normal_batch]") {
  const rr::philox_stream stream(11u, 0u);
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    using U = rr::lane_word_t<V>;
    constexpr std::size_t lanes = rr::lane_count_v<V>;
    for (std::uint64_t block = 0; block < 40; ++block) {
      const auto pair = rr::standard_normal_pair_lanes<V>(stream, rr::iota_lanes<U>(1000 + block), block);
      double a[lanes], b[lanes];
      if constexpr (riskgrid::simd::is_batch_v<V>) {
        pair.first.store_unaligned(a);
        pair.second.store_unaligned(b);
      } else {
        a[0] = pair.first;
        b[0] = pair.second;
      }
      for (std::size_t l = 0; l < lanes; ++l) {
        REQUIRE(a[l] == rr::standard_normal(stream, 1000 + block + l, 2 * block));
        REQUIRE(b[l] == rr::standard_normal(stream, 1000 + block + l, 2 * block + 1));
      }
    }
  });
}

namespace {

// Asymptotic Kolmogorov distribution: P(sqrt(n)·D_n > x) → 2 Σ_{k≥1} (−1)^{k−1} exp(−2k²x²)
// (Kolmogorov 1933; Marsaglia, Tsang & Wang 2003 give the exact finite-n law, whose
// difference from the limit is O(1/sqrt(n)) relative, negligible at n = 10^6).
double kolmogorov_tail(double x) {
  double sum = 0.0;
  for (int k = 1; k <= 100; ++k) sum += (k % 2 == 1 ? 2.0 : -2.0) * std::exp(-2.0 * k * k * x * x);
  return sum;
}

// sqrt(n)·D_n of a sample against Φ.
double kolmogorov_smirnov_statistic(std::vector<double> sample) {
  std::sort(sample.begin(), sample.end());
  const boost::math::normal_distribution<double> normal;
  const double n = static_cast<double>(sample.size());
  double d = 0.0;
  for (std::size_t i = 0; i < sample.size(); ++i) {
    const double f = boost::math::cdf(normal, sample[i]);
    d = std::max({d, (static_cast<double>(i) + 1.0) / n - f, f - static_cast<double>(i) / n});
  }
  return std::sqrt(n) * d;
}

std::vector<double> batched_normals(std::uint64_t seed, std::size_t scenarios, std::size_t draws) {
  const rr::philox_stream stream(seed, 0u);
  std::vector<double> all(scenarios * draws);
  for (std::size_t id = 0; id < scenarios; ++id)
    rr::standard_normals(stream, id, 0, std::span<double>(all.data() + id * draws, draws));
  return all;
}

}  // namespace

TEST_CASE("10^6 batched normals pass a Kolmogorov-Smirnov test against the standard normal",
          "[random][normal_batch][statistics]") {
  // Critical value at level 1e-4 of the asymptotic Kolmogorov distribution: x = 2.2253,
  // the root of kolmogorov_tail(x) = 1e-4 (≈ sqrt(ln(2·10^4)/2); further terms < 1e-30).
  constexpr double critical = 2.2253;
  REQUIRE(kolmogorov_tail(critical) == Approx(1e-4).epsilon(1e-3));
  const std::vector<double> z = batched_normals(0x5EED5u, 4'000, 250);
  const double statistic = kolmogorov_smirnov_statistic(z);
  INFO("sqrt(n) D_n = " << statistic << ", p-value " << kolmogorov_tail(statistic));
  CHECK(statistic < critical);

  // Power: the same draws shifted by 0.01σ (sqrt(n)·D ≈ 1000·0.01·φ(0) ≈ 4.0) or scaled
  // by 1.02 (sqrt(n)·D ≈ 1000·0.02·max xφ(x) ≈ 4.8) are rejected.
  std::vector<double> shifted = z;
  for (double& x : shifted) x += 0.01;
  CHECK(kolmogorov_smirnov_statistic(shifted) > critical);
  std::vector<double> scaled = z;
  for (double& x : scaled) x *= 1.02;
  CHECK(kolmogorov_smirnov_statistic(scaled) > critical);
}
