#include <riskgrid/pricing/bond.hpp>
#include <riskgrid/pricing/forward.hpp>
#include <riskgrid/pricing/swap.hpp>

#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include <array>
#include <cmath>
#include <span>
#include <vector>

namespace rg = riskgrid;
namespace rp = riskgrid::pricing;

TEST_CASE("equity and FX forwards match their closed forms", "[pricing][linear]") {
  // q·(S·e^{−div·T} − K·e^{−r·T})
  CHECK(rp::equity_forward(10.0, 100.0, 95.0, 2.0, 0.03, 0.01) ==
        Approx(10.0 * (100.0 * std::exp(-0.02) - 95.0 * std::exp(-0.06))).epsilon(1e-14));
  // A short forward struck at the forward price is worth 0.
  const double fwd = 100.0 * std::exp((0.03 - 0.01) * 2.0);
  CHECK(std::abs(rp::equity_forward(-10.0, 100.0, fwd, 2.0, 0.03, 0.01)) < 1e-12);
  // 1e6 EUR bought at 1.10 USD in 0.5y, X = 1.25, r_USD = 4%, r_EUR = 2%:
  // 1e6·(1.25·e^{−0.01} − 1.10·e^{−0.02}).
  CHECK(rp::fx_forward(1e6, 1.25, 1.10, 0.5, 0.04, 0.02) ==
        Approx(1e6 * (1.25 * std::exp(-0.01) - 1.10 * std::exp(-0.02))).epsilon(1e-14));
}

TEST_CASE("bonds and swaps match their closed forms", "[pricing][linear]") {
  CHECK(rp::zero_bond(1e6, 3.0, 0.05) == Approx(1e6 * std::exp(-0.15)).epsilon(1e-15));
  CHECK(rp::discount_factor(0.0, 7.0) == 1.0);
  // Annual 3y bond, 4% coupon on 100, flat 5% continuously compounded.
  const std::array<double, 3> amounts{4.0, 4.0, 104.0};
  const std::array<double, 3> times{1.0, 2.0, 3.0};
  const auto flat = [&](std::size_t k) { return rp::discount_factor(0.05, times[k]); };
  const double expected = 4.0 * std::exp(-0.05) + 4.0 * std::exp(-0.10) + 104.0 * std::exp(-0.15);
  CHECK(rp::fixed_bond<double>(amounts, flat) == Approx(expected).epsilon(1e-15));
  // Swap: fixed leg Σ c_k·DF_k, floating leg N·(1 − DF(T)).
  const std::array<double, 3> coupons{4.0, 4.0, 4.0};
  const double fixed = 4.0 * (std::exp(-0.05) + std::exp(-0.10) + std::exp(-0.15));
  const double floating = 100.0 * (1.0 - std::exp(-0.15));
  const double receiver = rp::swap<double>(rp::swap_side::receive_fixed, 100.0, coupons, flat, flat(2));
  const double payer = rp::swap<double>(rp::swap_side::pay_fixed, 100.0, coupons, flat, flat(2));
  CHECK(receiver == Approx(fixed - floating).epsilon(1e-13));
  CHECK(payer == -receiver);
  // Receiver swap = bond − par, the single-curve identity.
  CHECK(receiver == Approx(rp::fixed_bond<double>(amounts, flat) - 100.0).epsilon(1e-13));
}

TEST_CASE("linear pricers give the same values for a SIMD batch as for double", "[pricing][linear]") {
  using batch = xsimd::batch<double>;
  constexpr std::size_t n = batch::size;
  alignas(64) std::array<double, n> spot{}, rate{}, div{}, out{};
  for (std::size_t i = 0; i < n; ++i) {
    spot[i] = 50.0 + 17.0 * static_cast<double>(i);
    rate[i] = -0.01 + 0.013 * static_cast<double>(i);
    div[i] = 0.002 * static_cast<double>(i);
  }
  const auto s = batch::load_aligned(spot.data()), r = batch::load_aligned(rate.data()),
             q = batch::load_aligned(div.data());
  rp::equity_forward(3.0, s, 80.0, 1.5, r, q).store_aligned(out.data());
  for (std::size_t i = 0; i < n; ++i)
    CHECK(out[i] == Approx(rp::equity_forward(3.0, spot[i], 80.0, 1.5, rate[i], div[i])).epsilon(1e-13));
  rp::fx_forward(3.0, s, 80.0, 1.5, r, q).store_aligned(out.data());
  for (std::size_t i = 0; i < n; ++i)
    CHECK(out[i] == Approx(rp::fx_forward(3.0, spot[i], 80.0, 1.5, rate[i], div[i])).epsilon(1e-13));
  rp::zero_bond(1e6, 9.5, r).store_aligned(out.data());
  for (std::size_t i = 0; i < n; ++i) CHECK(out[i] == Approx(rp::zero_bond(1e6, 9.5, rate[i])).epsilon(1e-13));
}
