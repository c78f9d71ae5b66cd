#include <catch2/catch.hpp>

#include <bit>
#include <cmath>
#include <cstdint>
#include <limits>
#include <random>
#include <vector>

#include "riskgrid/simd/math.hpp"

namespace simd = riskgrid::simd;

namespace {

constexpr double inf = std::numeric_limits<double>::infinity();
constexpr double qnan = std::numeric_limits<double>::quiet_NaN();

// Distance in units in the last place of the reference (of the smallest normal below it).
double ulp_error(double got, double want) {
  if (std::isnan(got) && std::isnan(want)) return 0.0;
  if (got == want) return 0.0;
  if (std::isinf(got) || std::isinf(want) || std::isnan(got) || std::isnan(want)) return inf;
  const double a = std::fabs(want);
  const double ulp = a < std::numeric_limits<double>::min() ? std::numeric_limits<double>::denorm_min()
                                                            : std::nextafter(a, inf) - a;
  return std::fabs(got - want) / ulp;
}

template <class B, class F>
std::vector<double> apply_batched(F f, const std::vector<double>& xs) {
  std::vector<double> out(xs.size());
  std::size_t i = 0;
  for (; i + B::size <= xs.size(); i += B::size) f(B::load_unaligned(xs.data() + i)).store_unaligned(out.data() + i);
  for (; i < xs.size(); ++i) out[i] = f(B(xs[i])).get(0);
  return out;
}

template <class F>
std::vector<double> apply_scalar(F f, const std::vector<double>& xs) {
  std::vector<double> out(xs.size());
  for (std::size_t i = 0; i < xs.size(); ++i) out[i] = f(xs[i]);
  return out;
}

// Same bits, except that a NaN's payload is free (NaN inputs propagate with the payload
// the instruction picks, which differs between AVX-512 and the scalar unit).
bool same_bits(const std::vector<double>& a, const std::vector<double>& b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::isnan(a[i]) && std::isnan(b[i])) continue;
    if (std::bit_cast<std::uint64_t>(a[i]) != std::bit_cast<std::uint64_t>(b[i])) return false;
  }
  return true;
}

// Edge inputs shared by every function.
std::vector<double> edge_inputs() {
  const double dmin = std::numeric_limits<double>::min();
  const double tiny = std::numeric_limits<double>::denorm_min();
  const double dmax = std::numeric_limits<double>::max();
  return {0.0, -0.0, tiny, -tiny, dmin, -dmin, dmin / 3.0, 1.0, -1.0, 0.5, 2.0, 1e-300,
          709.78, 709.782712893384, 709.7827128933841, 710.0, -708.39, -708.4, -745.13, -745.1332191019412,
          -745.14, -746.0, 1e10, -1e10, dmax, -dmax, inf, -inf, qnan, 0.67448975, -0.67448975,
          5.656854249492380195, -5.656854249492380195, 8.3, -37.5, -38.4, -38.6, -40.0, 40.0, 1e-20,
          -1e-20, 0x1.6a09e667f3bcdp0, 0x1.6a09e667f3bccp0, 0x1p1023, 0x1p-1074, 0x1.fffffffffffffp-1};
}

}  // namespace

TEST_CASE("simd exp is within 1 ulp of glibc over the whole range", "[simd][math]") {
  std::mt19937_64 gen(20261126);
  std::uniform_real_distribution<double> wide(-750.0, 712.0), narrow(-2.0, 2.0);
  double worst = 0.0;
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = (i % 4 == 0) ? narrow(gen) : wide(gen);
    worst = std::max(worst, ulp_error(simd::exp(x), std::exp(x)));
  }
  for (const double x : edge_inputs()) worst = std::max(worst, ulp_error(simd::exp(x), std::exp(x)));
  CHECK(worst <= 1.0);
  CHECK(simd::exp(710.0) == inf);
  CHECK(simd::exp(-746.0) == 0.0);
  CHECK(simd::exp(-inf) == 0.0);
  CHECK(std::isnan(simd::exp(qnan)));
  CHECK(simd::exp(0.0) == 1.0);
}

TEST_CASE("simd log is within 1 ulp of glibc, subnormals and specials included", "[simd][math]") {
  std::mt19937_64 gen(7);
  std::uniform_int_distribution<std::uint64_t> bits(1, 0x7fefffffffffffffULL);  // every positive finite
  std::uniform_real_distribution<double> near_one(0.5, 2.0);
  double worst = 0.0;
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = (i % 4 == 0) ? near_one(gen) : std::bit_cast<double>(bits(gen));
    worst = std::max(worst, ulp_error(simd::log(x), std::log(x)));
  }
  for (const double x : edge_inputs()) worst = std::max(worst, ulp_error(simd::log(x), std::log(x)));
  CHECK(worst <= 1.0);
  CHECK(simd::log(0.0) == -inf);
  CHECK(simd::log(inf) == inf);
  CHECK(simd::log(1.0) == 0.0);
  CHECK(std::isnan(simd::log(-1.0)));
  CHECK(std::isnan(simd::log(qnan)));
}

TEST_CASE("simd sqrt is the IEEE square root", "[simd][math]") {
  std::mt19937_64 gen(11);
  std::uniform_int_distribution<std::uint64_t> bits(0, 0x7ff0000000000000ULL);
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = std::bit_cast<double>(bits(gen));
    REQUIRE(std::bit_cast<std::uint64_t>(simd::sqrt(x)) == std::bit_cast<std::uint64_t>(std::sqrt(x)));
  }
}

TEST_CASE("simd ncdf has relative error below 1e-15 down to the subnormal range", "[simd][math]") {
  // Reference: glibc's long-double erfc (64-bit mantissa), whose own error at x = −37 is
  // ~3e-17 relative (x²·2^-64 from the argument), well below the bound tested.
  std::mt19937_64 gen(3);
  std::uniform_real_distribution<double> dist(-37.5, 9.0);
  double worst = 0.0;
  for (int i = 0; i < 1'000'000; ++i) {
    const double x = dist(gen);
    const long double ref = 0.5L * std::erfc(-static_cast<long double>(x) / std::sqrt(2.0L));
    worst = std::max(worst, static_cast<double>(std::fabs((simd::ncdf(x) - ref) / ref)));
  }
  CHECK(worst < 1e-15);
  CHECK(simd::ncdf(0.0) == 0.5);
  CHECK(simd::ncdf(-40.0) == 0.0);
  CHECK(simd::ncdf(-inf) == 0.0);
  CHECK(simd::ncdf(9.0) == 1.0);
  CHECK(simd::ncdf(inf) == 1.0);
  CHECK(std::isnan(simd::ncdf(qnan)));
  // Φ(x) + Φ(−x) = 1 in the central and middle ranges.
  for (double x = 0.0; x < 8.0; x += 0.01) CHECK(simd::ncdf(x) + simd::ncdf(-x) == Approx(1.0).epsilon(1e-15));
}

TEST_CASE("simd exp_times_ncdf equals e^a·Φ(x) and stays finite where the product is", "[simd][math]") {
  std::mt19937_64 gen(5);
  std::uniform_real_distribution<double> xs(-30.0, 8.0), as(-50.0, 50.0);
  for (int i = 0; i < 100'000; ++i) {
    const double a = as(gen), x = xs(gen);
    CHECK(simd::exp_times_ncdf(a, x) == Approx(simd::exp(a) * simd::ncdf(x)).epsilon(1e-13));
  }
  // Φ(−40)·e^790 underflows and overflows separately; merged it is e^(790 − 800)·q.
  const double merged = simd::exp_times_ncdf(790.0, -40.0);
  CHECK(std::isfinite(merged));
  CHECK(merged == Approx(std::exp(static_cast<long double>(790.0 - 800.0)) * 0.5L *
                         std::erfc(40.0L / std::sqrt(2.0L)) * std::exp(800.0L))
                      .epsilon(1e-12));
}

TEST_CASE("simd math gives the same bits for double and every SIMD width", "[simd][math]") {
  std::mt19937_64 gen(99);
  std::uniform_real_distribution<double> wide(-800.0, 800.0), mid(-40.0, 10.0);
  std::uniform_int_distribution<std::uint64_t> bits(0, 0x7fffffffffffffffULL);
  std::vector<double> xs = edge_inputs();
  for (int i = 0; i < 100'000; ++i) {
    xs.push_back(wide(gen));
    xs.push_back(mid(gen));
    xs.push_back(std::bit_cast<double>(bits(gen)));
  }
  const auto check = [&](auto f) {
    const auto ref = apply_scalar([&](double x) { return f(x); }, xs);
    CHECK(same_bits(ref, apply_batched<xsimd::batch<double, xsimd::sse2>>(f, xs)));
    CHECK(same_bits(ref, apply_batched<xsimd::batch<double, xsimd::avx2>>(f, xs)));
    CHECK(same_bits(ref, apply_batched<xsimd::batch<double, xsimd::avx512f>>(f, xs)));
  };
  check([](auto x) { return simd::exp(x); });
  check([](auto x) { return simd::log(x); });
  check([](auto x) { return simd::sqrt(x); });
  check([](auto x) { return simd::ncdf(x); });
  check([](auto x) { return simd::exp_times_ncdf(x * 0.5, x * 0.1); });
}

TEST_CASE("simd batch fast paths give the general path's bits", "[simd][math]") {
  // exp, log and ncdf take a shorter path when every lane of a batch is in the normal
  // domain (exp: normal results; log: positive normal inputs; ncdf: |x| ≤ √32, with only
  // the rationals of the regions present). Blocks of 8 consecutive inputs drawn from one
  // region hit those paths on every width; the scalar reference never does. Region
  // limits and their neighbours sit inside the blocks.
  std::mt19937_64 gen(2026);
  const auto block_of = [&](std::vector<double>& xs, double lo, double hi, int blocks) {
    std::uniform_real_distribution<double> d(lo, hi);
    for (int i = 0; i < 8 * blocks; ++i) xs.push_back(d(gen));
  };
  const auto with_neighbours = [](std::vector<double>& xs, std::initializer_list<double> points) {
    for (const double p : points) {
      xs.push_back(std::nextafter(p, -inf));
      xs.push_back(p);
      xs.push_back(std::nextafter(p, inf));
    }
    while (xs.size() % 8 != 0) xs.push_back(0.25);
  };
  const double central = 0.67448975, middle = 5.656854249492380195;
  std::vector<double> ncdf_xs;
  block_of(ncdf_xs, -central, central, 2000);       // central only
  block_of(ncdf_xs, central, middle, 2000);         // middle only, upper
  block_of(ncdf_xs, -middle, -central, 2000);       // middle only, lower
  block_of(ncdf_xs, -1.5, 1.5, 2000);               // central and middle mixed
  block_of(ncdf_xs, -7.0, 7.0, 2000);               // some lanes in the tail: general path
  with_neighbours(ncdf_xs, {central, -central, middle, -middle, 0.0});
  std::vector<double> exp_xs;
  block_of(exp_xs, -706.9, 708.9, 4000);            // normal results
  block_of(exp_xs, -2.0, 2.0, 2000);
  with_neighbours(exp_xs, {-707.0, 709.0, -708.4, 709.78});
  std::vector<double> log_xs;
  block_of(log_xs, 1e-300, 1e300, 2000);
  block_of(log_xs, 0.5, 2.0, 2000);
  with_neighbours(log_xs, {0x1p-1022, 1.0, std::numeric_limits<double>::max()});
  const auto check = [](auto f, const std::vector<double>& xs) {
    const auto ref = apply_scalar([&](double x) { return f(x); }, xs);
    CHECK(same_bits(ref, apply_batched<xsimd::batch<double, xsimd::sse2>>(f, xs)));
    CHECK(same_bits(ref, apply_batched<xsimd::batch<double, xsimd::avx2>>(f, xs)));
    CHECK(same_bits(ref, apply_batched<xsimd::batch<double, xsimd::avx512f>>(f, xs)));
  };
  check([](auto x) { return simd::ncdf(x); }, ncdf_xs);
  check([](auto x) { return simd::exp(x); }, exp_xs);
  check([](auto x) { return simd::exp(-0.5 * x); }, ncdf_xs);
  check([](auto x) { return simd::log(x); }, log_xs);
  check([](auto x) { return simd::exp_times_ncdf(x * 0.25, x); }, ncdf_xs);
}
