#include <cmath>
#include <cstdint>
#include <vector>

#include <boost/random/sobol.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/random/philox.hpp"
#include "riskgrid/random/sobol.hpp"

using riskgrid::random::sobol_options;
using riskgrid::random::sobol_randomization;
using riskgrid::random::sobol_sequence;

TEST_CASE("The first Sobol points in dimensions 1 to 4 are the known ones", "[random][sobol]") {
  // [0,0,0,0] [.5,.5,.5,.5] [.75,.25,.25,.25] [.25,.75,.75,.75] [.375,.375,.625,.875], as
  // 64-bit fractions (x · 2^64).
  constexpr std::uint64_t h = std::uint64_t{1} << 61;  // 1/8
  const std::uint64_t expected[5][4] = {{0, 0, 0, 0},
                                        {4 * h, 4 * h, 4 * h, 4 * h},
                                        {6 * h, 2 * h, 2 * h, 2 * h},
                                        {2 * h, 6 * h, 6 * h, 6 * h},
                                        {3 * h, 3 * h, 5 * h, 7 * h}};
  const sobol_sequence sobol(4);
  for (std::uint64_t i = 0; i < 5; ++i)
    for (std::size_t k = 0; k < 4; ++k) {
      INFO("point " << i << " dimension " << k + 1);
      CHECK(sobol.bits(i, k) == expected[i][k]);
    }
  // Doubles are the midpoints of 2^-52 cells: the origin becomes 2^-53.
  CHECK(sobol.coordinate(0, 0) == 0x1p-53);
  CHECK(sobol.coordinate(1, 0) == 0.5 + 0x1p-53);
  CHECK(sobol.coordinate(2, 1) == 0.25 + 0x1p-53);
}

TEST_CASE("Dimension 1 is the van der Corput sequence", "[random][sobol]") {
  const sobol_sequence sobol(1);
  for (std::uint64_t i = 0; i < 4096; ++i) {
    // Gray-code order: point i is the radical inverse of gray(i) = i ^ (i >> 1).
    const std::uint64_t g = i ^ (i >> 1);
    std::uint64_t reversed = 0;
    for (unsigned b = 0; b < 64; ++b) reversed |= ((g >> b) & 1u) << (63 - b);
    REQUIRE(sobol.bits(i, 0) == reversed);
  }
}

TEST_CASE("Sobol points equal Boost's 64- and 32-bit engines for 1,000 points of 50 dimensions",
          "[random][sobol]") {
  // Boost's engine skips the origin: its n-th point (n = 0, 1, ...) is our point n + 1.
  // boost::random::sobol is sobol_engine<uint_least64_t, 64>: the same 64-bit words;
  // the 32-bit engine gives their top 32 bits.
  constexpr std::size_t dims = 50;
  const sobol_sequence sobol(dims);
  boost::random::sobol engine64(dims);
  boost::random::sobol_engine<std::uint32_t, 32> engine32(dims);
  std::size_t mismatches = 0;
  for (std::uint64_t n = 0; n < 1000; ++n)
    for (std::size_t k = 0; k < dims; ++k) {
      const std::uint64_t ours = sobol.bits(n + 1, k);
      mismatches += static_cast<std::uint64_t>(engine64()) != ours;
      mismatches += engine32() != static_cast<std::uint32_t>(ours >> 32);
    }
  CHECK(mismatches == 0);
  // Boost's seed(s) restarts at its point s, i.e. ours s + 1, computed from the index
  // alone, as ours are.
  engine64.seed(123456789u);
  for (std::size_t k = 0; k < dims; ++k) CHECK(static_cast<std::uint64_t>(engine64()) == sobol.bits(123456790u, k));
}

TEST_CASE("Each dimension of the first 2^m Sobol points hits every cell of width 2^-m once",
          "[random][sobol]") {
  // Holds for every dimension iff its direction numbers are valid (m_j odd, < 2^(j+1)),
  // so this checks the table and recurrence for all 3,667 dimensions.
  const sobol_sequence sobol(sobol_sequence::max_dimensions);
  constexpr unsigned m = 10;
  std::size_t bad = 0;
  for (std::size_t k = 0; k < sobol.dimensions(); ++k) {
    std::vector<char> seen(std::size_t{1} << m, 0);
    for (std::uint64_t i = 0; i < (std::uint64_t{1} << m); ++i) seen[sobol.bits(i, k) >> (64 - m)] = 1;
    for (const char s : seen) bad += s == 0;
    // v_kj = m_kj · 2^(63 − j) with m_kj odd.
    for (unsigned j = 0; j < 64; ++j) bad += ((sobol.direction(k, j) >> (63 - j)) & 1u) == 0;
  }
  CHECK(bad == 0);
}

TEST_CASE("Incremental Gray-code steps give the bits of the direct computation", "[random][sobol]") {
  const sobol_sequence sobol(7, {.randomization = sobol_randomization::digital_shift, .seed = 11});
  for (std::size_t k = 0; k < 7; ++k) {
    std::uint64_t x = sobol.bits(1000000, k);
    for (std::uint64_t i = 1000000; i < 1002000; ++i) {
      x = sobol.next_bits(x, i, k);
      REQUIRE(x == sobol.bits(i + 1, k));
    }
  }
  // Near 2^32 and 2^63 (64-bit precision: no wrap at 2^32).
  const sobol_sequence plain(3);
  for (const std::uint64_t i : {(std::uint64_t{1} << 32) - 2, (std::uint64_t{1} << 63) - 2}) {
    std::uint64_t x = plain.bits(i, 2);
    for (std::uint64_t j = i; j < i + 4; ++j) {
      x = plain.next_bits(x, j, 2);
      CHECK(x == plain.bits(j + 1, 2));
    }
    CHECK(plain.bits(i + 2, 0) != plain.bits(i + 2 - (std::uint64_t{1} << 32), 0));
  }
}

TEST_CASE("The digital shift XORs each dimension with Philox words of stream tag 3", "[random][sobol]") {
  const sobol_sequence plain(5);
  const sobol_sequence shifted(5, {.randomization = sobol_randomization::digital_shift, .seed = 2024});
  const sobol_sequence other(5, {.randomization = sobol_randomization::digital_shift, .seed = 2025});
  const riskgrid::random::philox_stream stream(2024, 3);
  for (std::size_t k = 0; k < 5; ++k) {
    CHECK(shifted.shift(k) == stream.bits(0, k));
    CHECK(plain.shift(k) == 0);
    CHECK(shifted.shift(k) != other.shift(k));
    for (std::uint64_t i = 0; i < 100; ++i) REQUIRE(shifted.bits(i, k) == (plain.bits(i, k) ^ stream.bits(0, k)));
  }
  // The seed is ignored without randomization.
  const sobol_sequence seeded(5, {.randomization = sobol_randomization::none, .seed = 99});
  CHECK(seeded.bits(12345, 4) == plain.bits(12345, 4));
}

TEST_CASE("Sobol dimensions outside 1 to 3667 are refused", "[random][sobol]") {
  CHECK_THROWS_WITH(sobol_sequence(0), Catch::Contains("between 1 and 3667, got 0"));
  CHECK_THROWS_WITH(sobol_sequence(3668), Catch::Contains("between 1 and 3667, got 3668"));
  CHECK_NOTHROW(sobol_sequence(3667));
}

namespace {

// Π_k (1 + (x_k − 1/2)/k) over [0,1]^5: a smooth integrand with integral exactly 1 and
// variance Π(1 + 1/(12k²)) − 1 ≈ 0.122 under uniform sampling.
double integrand(const double (&x)[5]) {
  double p = 1.0;
  for (int k = 0; k < 5; ++k) p *= 1.0 + (x[k] - 0.5) / (k + 1);
  return p;
}

}  // namespace

TEST_CASE("Sobol integrates a smooth 5-dimensional function better than Philox at N = 2^14",
          "[random][sobol]") {
  constexpr std::uint64_t n = std::uint64_t{1} << 14;
  double variance = 1.0;
  for (int k = 1; k <= 5; ++k) variance *= 1.0 + 1.0 / (12.0 * k * k);
  const double mc_se = std::sqrt((variance - 1.0) / static_cast<double>(n));

  const sobol_sequence sobol(5);
  const riskgrid::random::philox_stream stream(20240601, 0);
  double qmc = 0.0, mc = 0.0;
  for (std::uint64_t i = 0; i < n; ++i) {
    double x[5], y[5];
    sobol.point(i, x);
    stream.uniforms(i, 0, y);
    qmc += integrand(x);
    mc += integrand(y);
  }
  const double qmc_error = std::abs(qmc / n - 1.0), mc_error = std::abs(mc / n - 1.0);
  // Randomized QMC: 16 independent digital shifts give an unbiased error estimate.
  double sum = 0.0, sum2 = 0.0;
  for (std::uint64_t seed = 1; seed <= 16; ++seed) {
    const sobol_sequence shifted(5, {.randomization = sobol_randomization::digital_shift, .seed = seed});
    double s = 0.0;
    for (std::uint64_t i = 0; i < n; ++i) {
      double x[5];
      shifted.point(i, x);
      s += integrand(x);
    }
    sum += s / n;
    sum2 += (s / n) * (s / n);
  }
  const double rqmc_sd = std::sqrt((sum2 - sum * sum / 16) / 15);
  WARN("N = 2^14: Sobol error " << qmc_error << ", Philox error " << mc_error << " (MC standard error "
                                << mc_se << "), randomized-QMC sd over 16 shifts " << rqmc_sd
                                << ", mean error " << std::abs(sum / 16 - 1.0));
  CHECK(qmc_error < mc_error);
  CHECK(qmc_error < mc_se / 10);
  CHECK(rqmc_sd < mc_se / 10);
  CHECK(std::abs(sum / 16 - 1.0) < 5 * rqmc_sd / 4);
}
