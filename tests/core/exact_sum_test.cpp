#include <algorithm>
#include <cmath>
#include <limits>
#include <random>
#include <vector>

#include <boost/multiprecision/cpp_bin_float.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/core/exact_sum.hpp"

using riskgrid::exact_sum;

namespace {

// 2,200 binary digits hold any sum of a few million doubles exactly.
using wide = boost::multiprecision::number<
    boost::multiprecision::cpp_bin_float<2200, boost::multiprecision::digit_base_2>>;

double exact_reference(const std::vector<double>& xs) {
  wide s = 0;
  for (const double x : xs) s += x;
  return s.convert_to<double>();
}

std::vector<double> wild_values(std::uint64_t seed, std::size_t n) {
  std::mt19937_64 rng(seed);
  std::uniform_real_distribution<double> mantissa(-1.0, 1.0);
  std::uniform_int_distribution<int> exponent(-1070, 1000);
  std::vector<double> xs(n);
  for (auto& x : xs) x = std::ldexp(mantissa(rng), exponent(rng) / (rng() % 4 == 0 ? 1 : 16));
  return xs;
}

}  // namespace

TEST_CASE("Exact sums do not lose small terms beside large ones", "[core][exact_sum]") {
  exact_sum s;
  for (const double x : {1e100, 1.0, -1e100, 1e-300, 3.5}) s.add(x);
  CHECK(s.value() == 4.5);
  exact_sum t;
  for (const double x : {0.1, 0.2, 0.3}) t.add(x);
  CHECK(t.value() == exact_reference({0.1, 0.2, 0.3}));
  CHECK(t.value() != (0.1 + 0.2) + 0.3);
}

TEST_CASE("Exact sums are correctly rounded against a 2200-bit reference", "[core][exact_sum]") {
  for (std::uint64_t seed = 1; seed <= 20; ++seed) {
    const auto xs = wild_values(seed, 2000);
    exact_sum s;
    for (const double x : xs) s.add(x);
    CHECK(s.value() == exact_reference(xs));
  }
  // Subnormals and a negative total.
  const std::vector<double> tiny{std::numeric_limits<double>::denorm_min(), -3e-310, 2.5e-308, -1e-300};
  exact_sum s;
  for (const double x : tiny) s.add(x);
  CHECK(s.value() == exact_reference(tiny));
  CHECK(s.value() < 0.0);
}

TEST_CASE("Exact sums give the same bits for any order and any merge tree", "[core][exact_sum]") {
  auto xs = wild_values(99, 5000);
  exact_sum whole;
  for (const double x : xs) whole.add(x);
  std::mt19937_64 rng(5);
  for (int trial = 0; trial < 5; ++trial) {
    std::shuffle(xs.begin(), xs.end(), rng);
    std::vector<exact_sum> parts(1 + rng() % 17);
    for (const double x : xs) parts[rng() % parts.size()].add(x);
    while (parts.size() > 1) {
      const auto i = rng() % (parts.size() - 1);
      parts[i].merge(parts[i + 1]);
      parts.erase(parts.begin() + static_cast<std::ptrdiff_t>(i) + 1);
    }
    CHECK(parts.front() == whole);
    CHECK(parts.front().value() == whole.value());
  }
}

TEST_CASE("An exact sum round-trips through its payload", "[core][exact_sum]") {
  exact_sum s;
  for (const double x : wild_values(3, 100)) s.add(x);
  riskgrid::byte_writer w;
  s.save(w);
  riskgrid::byte_reader r(w.bytes());
  exact_sum t;
  t.load(r);
  CHECK(t == s);
  CHECK(t.value() == s.value());
}
