#include <riskgrid/market/zero_curve.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>

namespace rg = riskgrid;
using Catch::Matchers::Contains;

namespace {

rg::market::base_market curve_market() {
  rg::market::base_market m;
  // Out of order on purpose: the curve sorts pillars by time.
  m.add("IR.USD.2Y", 0.03);
  m.add("IR.USD.1M", 0.01);
  m.add("EQ.ACME.SPOT", 100.0);
  m.add("IR.USD.10Y", 0.04);
  m.add("IR.USD.6M", 0.02);
  m.add("IR.EUR.1Y", 0.5);
  return m;
}

}  // namespace

TEST_CASE("zero curve places pillars at n/365, 7n/365, n/12 and n years", "[market][zero_curve]") {
  rg::market::base_market m;
  m.add("IR.JPY.3D", 0.001);
  m.add("IR.JPY.2W", 0.002);
  m.add("IR.JPY.18M", 0.003);
  m.add("IR.JPY.7Y", 0.004);
  const rg::market::zero_curve c(m, "JPY");
  REQUIRE(c.size() == 4);
  CHECK(c.time(0) == 3.0 / 365.0);
  CHECK(c.time(1) == 14.0 / 365.0);
  CHECK(c.time(2) == 18.0 / 12.0);
  CHECK(c.time(3) == 7.0);
  CHECK(m.name(c.factor(2)) == "IR.JPY.18M");
}

TEST_CASE("zero curve interpolates linearly in zero rate and is flat outside its pillars", "[market][zero_curve]") {
  const auto m = curve_market();
  const rg::market::zero_curve c(m, "USD");
  REQUIRE(c.size() == 4);
  CHECK(c.currency() == "USD");
  CHECK(m.name(c.factor(0)) == "IR.USD.1M");
  CHECK(m.name(c.factor(3)) == "IR.USD.10Y");
  // Between 6M (0.02) and 2Y (0.03) at 1Y: weight of 6M = (2 − 1)/(2 − 0.5) = 2/3.
  CHECK(c.zero_rate(1.0) == Approx(2.0 / 3.0 * 0.02 + 1.0 / 3.0 * 0.03).epsilon(1e-15));
  const auto p = c.locate(1.0);
  CHECK(p.first == 1);
  CHECK(p.second == 2);
  CHECK(p.weight == Approx(2.0 / 3.0).epsilon(1e-15));
  CHECK(p.complement == 1.0 - p.weight);
  // Between 2Y and 10Y at 4Y: 0.03 + (4 − 2)/8 · 0.01.
  CHECK(c.zero_rate(4.0) == Approx(0.0325).epsilon(1e-14));
  // On a pillar, exactly the pillar's rate.
  CHECK(c.zero_rate(0.5) == 0.02);
  CHECK(c.zero_rate(2.0) == 0.03);
  // Flat zero rate before the first and after the last pillar.
  CHECK(c.zero_rate(0.0) == 0.01);
  CHECK(c.zero_rate(1.0 / 365.0) == 0.01);
  CHECK(c.zero_rate(30.0) == 0.04);
  const auto flat = c.locate(30.0);
  CHECK(flat.first == 3);
  CHECK(flat.second == 3);
  CHECK(flat.weight == 1.0);
  CHECK(flat.complement == 0.0);
  // Discount factor exp(−r·t): flat extrapolation in zero rate, not in forward rate.
  CHECK(c.discount(30.0) == Approx(std::exp(-0.04 * 30.0)).epsilon(1e-15));
  CHECK(c.discount(4.0) == Approx(std::exp(-0.0325 * 4.0)).epsilon(1e-14));
}

TEST_CASE("zero curve with a single pillar is flat", "[market][zero_curve]") {
  const auto m = curve_market();
  const rg::market::zero_curve c(m, "EUR");
  CHECK(c.zero_rate(0.1) == 0.5);
  CHECK(c.zero_rate(100.0) == 0.5);
}

TEST_CASE("zero curve rejects two pillars at the same time and a currency without pillars", "[market][zero_curve]") {
  auto m = curve_market();
  m.add("IR.USD.12M", 0.025);
  m.add("IR.USD.1Y", 0.025);
  try {
    (void)rg::market::zero_curve(m, "USD");
    FAIL("no error");
  } catch (const rg::error& e) {
    CHECK_THAT(std::string(e.what()), Contains("IR.USD.12M") && Contains("IR.USD.1Y") && Contains("same time"));
  }
  rg::market::base_market w;
  w.add("IR.GBP.7D", 0.01);
  w.add("IR.GBP.1W", 0.01);
  CHECK_THROWS_WITH(rg::market::zero_curve(w, "GBP"), Contains("IR.GBP.7D") && Contains("IR.GBP.1W"));
  CHECK_THROWS_WITH(rg::market::zero_curve(curve_market(), "CHF"),
                    Contains("no zero curve for CHF") && Contains("IR.CHF.<tenor>"));
}
