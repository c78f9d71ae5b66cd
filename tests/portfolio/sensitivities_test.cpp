#include <riskgrid/io/csv_table.hpp>
#include <riskgrid/io/pla_csv.hpp>
#include <riskgrid/io/pla_csv_writer.hpp>
#include <riskgrid/portfolio/sensitivities.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstddef>
#include <map>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "support/test_support.hpp"

namespace rg = riskgrid;
namespace rp = riskgrid::portfolio;
using rp::trade_type;

namespace {

rg::date d(const char* iso) { return *rg::parse_iso_date(iso); }

const rg::date as_of = d("2026-11-25");

rg::market::base_market test_market() {
  rg::market::base_market m;
  m.add("EQ.ACME.SPOT", 100.0);
  m.add("EQ.ACME.VOL", 0.25);
  m.add("EQ.ACME.DIV", 0.02);
  m.add("EQ.SAP.SPOT", 150.0);
  m.add("EQ.TOYO.SPOT", 2500.0);
  m.add("FX.EURUSD.SPOT", 1.25);
  m.add("FX.USDJPY.SPOT", 150.0);
  m.add("FX.EURUSD.VOL", 0.08);
  m.add("IR.USD.3M", 0.03);
  m.add("IR.USD.1Y", 0.035);
  m.add("IR.USD.5Y", 0.04);
  m.add("IR.USD.10Y", 0.042);
  m.add("IR.EUR.1Y", 0.02);
  m.add("IR.EUR.5Y", 0.025);
  m.add("IR.JPY.1Y", 0.001);
  return m;
}

const rp::book_options options{"USD", as_of};

rp::trade make(trade_type type, std::string id, std::string underlying, std::string currency) {
  rp::trade t;
  t.type = type;
  t.id = std::move(id);
  t.underlying = std::move(underlying);
  t.currency = std::move(currency);
  t.source = "p.csv";
  return t;
}

rp::trade option(trade_type type, std::string id, std::string underlying, std::string ccy, rp::option_type kind,
                 double q, double strike, const char* maturity) {
  auto t = make(type, std::move(id), std::move(underlying), std::move(ccy));
  t.option = kind;
  t.quantity = q;
  t.strike = strike;
  t.maturity = d(maturity);
  return t;
}

// (trade id, factor name) → entry.
std::map<std::pair<std::string, std::string>, rp::factor_sensitivity> by_name(const rp::sensitivity_set& s) {
  std::map<std::pair<std::string, std::string>, rp::factor_sensitivity> out;
  for (const auto& e : s.entries) out[{s.trades[e.trade].id, s.factors.name(e.factor)}] = e;
  return out;
}

// Relative closeness with a floor for values near 0.
bool near(double x, double expected, double rel) {
  return std::abs(x - expected) <= rel * std::max(std::abs(expected), 1e-300);
}

double norm_cdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }
double norm_pdf(double x) { return std::exp(-0.5 * x * x) / std::sqrt(2.0 * 3.14159265358979323846); }

// Scenarios given as (factor name → shock) maps, in one block over `factors`.
rg::scenario::shock_block block_of(const rg::scenario::factor_set& factors,
                                   const std::vector<std::map<std::string, double>>& scenarios) {
  rg::scenario::shock_block block(factors.size(), scenarios.size());
  block.reset({0, scenarios.size()});
  for (std::size_t i = 0; i < scenarios.size(); ++i)
    for (const auto& [name, s] : scenarios[i]) block.factor(*factors.find(name))[i] = s;
  return block;
}

// HPL and RTPL of `trades` over `block`: the book, and the book of its sensitivity trades.
std::pair<std::vector<double>, std::vector<double>> hpl_rtpl(const std::vector<rp::trade>& trades,
                                                             const rg::market::base_market& market,
                                                             const std::vector<std::map<std::string, double>>& shocks) {
  const auto s = rp::sensitivities(trades, market, options);
  const rp::book full(trades, market, s.factors, options);
  const rp::book theoretical(rp::to_sensitivity_trades(s), market, s.factors, options);
  const auto block = block_of(s.factors, shocks);
  std::vector<double> hpl(shocks.size()), rtpl(shocks.size());
  full.revalue(block, hpl);
  theoretical.revalue(block, rtpl);
  return {hpl, rtpl};
}

}  // namespace

TEST_CASE("sensitivities of equities are q·S·X in the spot and the FX rate, per unit of log-return",
          "[portfolio][sensitivities]") {
  const auto market = test_market();
  const std::vector<rp::trade> trades = {rg::testing::equity("US", "ACME", "USD", 300),
                                         rg::testing::equity("EU", "SAP", "EUR", -100),
                                         rg::testing::equity("JP", "TOYO", "JPY", 600)};
  const auto s = rp::sensitivities(trades, market, options);
  const auto e = by_name(s);
  REQUIRE(s.entries.size() == 5);  // nothing in vols, rates or the unused FX rates
  const double us = 300 * 100.0, eu = -100 * 150.0 * 1.25, jp = 600 * 2500.0 / 150.0;
  // Central differences of q·S·e^s: delta (1 + h²/6), gamma (1 + h²/12), h = 1e-4.
  CHECK(near(e.at({"US", "EQ.ACME.SPOT"}).delta, us, 1e-8));
  CHECK(near(e.at({"US", "EQ.ACME.SPOT"}).gamma, us, 1e-6));
  CHECK(near(e.at({"EU", "EQ.SAP.SPOT"}).delta, eu, 1e-8));
  CHECK(near(e.at({"EU", "EQ.SAP.SPOT"}).gamma, eu, 1e-6));
  CHECK(near(e.at({"EU", "FX.EURUSD.SPOT"}).delta, eu, 1e-8));
  CHECK(near(e.at({"EU", "FX.EURUSD.SPOT"}).gamma, eu, 1e-6));
  // JPY converts through 1 / USDJPY: value q·S/X·e^(−s), so delta −q·S/X, gamma +q·S/X.
  CHECK(near(e.at({"JP", "EQ.TOYO.SPOT"}).delta, jp, 1e-8));
  CHECK(near(e.at({"JP", "FX.USDJPY.SPOT"}).delta, -jp, 1e-8));
  CHECK(near(e.at({"JP", "FX.USDJPY.SPOT"}).gamma, jp, 1e-6));
  CHECK(s.bumps[*s.factors.find("EQ.ACME.SPOT")] == 1e-4);
  CHECK(s.bumps[*s.factors.find("IR.USD.1Y")] == 1e-4);
}

TEST_CASE("sensitivities of a European match the Black-Scholes Greeks in log spot, log vol, pillars and dividend",
          "[portfolio][sensitivities]") {
  const auto market = test_market();
  for (const auto kind : {rp::option_type::call, rp::option_type::put}) {
    // T = 730/365 = 2 years: the zero rate is 0.75·r(1Y) + 0.25·r(5Y).
    const std::vector<rp::trade> trades = {
        option(trade_type::european, "O", "ACME", "USD", kind, 10.0, 105.0, "2028-11-24")};
    const auto s = rp::sensitivities(trades, market, options);
    const auto e = by_name(s);
    REQUIRE(s.entries.size() == 5);
    const double q = 10.0, S = 100.0, K = 105.0, vol = 0.25, div = 0.02, T = 2.0, w = 0.75;
    const double r = w * 0.035 + (1.0 - w) * 0.04, sqrt_t = std::sqrt(T);
    const double d1 = (std::log(S / K) + (r - div + 0.5 * vol * vol) * T) / (vol * sqrt_t), d2 = d1 - vol * sqrt_t;
    const double dq = std::exp(-div * T), dr = std::exp(-r * T), sign = kind == rp::option_type::call ? 1.0 : -1.0;
    const double n1 = norm_cdf(sign * d1), n2 = norm_cdf(sign * d2);
    const double delta = sign * dq * n1, gamma = dq * norm_pdf(d1) / (S * vol * sqrt_t);
    const double vega = S * dq * norm_pdf(d1) * sqrt_t, volga = vega * d1 * d2 / vol;
    const double rho = sign * K * T * dr * n2;
    const double rho2 = -T * rho + K * T * sqrt_t * dr * norm_pdf(d2) / vol;   // ∂²V/∂r²
    const double phi = -sign * T * S * dq * n1;                                  // ∂V/∂q
    const double phi2 = T * T * sign * S * dq * n1 + T * sqrt_t * S * dq * norm_pdf(d1) / vol;  // ∂²V/∂q²
    // Log shocks: ∂V/∂s = x·V_x and ∂²V/∂s² = x²·V_xx + x·V_x.
    CHECK(near(e.at({"O", "EQ.ACME.SPOT"}).delta, q * S * delta, 1e-7));
    CHECK(near(e.at({"O", "EQ.ACME.SPOT"}).gamma, q * (S * S * gamma + S * delta), 1e-5));
    CHECK(near(e.at({"O", "EQ.ACME.VOL"}).delta, q * vol * vega, 1e-7));
    CHECK(near(e.at({"O", "EQ.ACME.VOL"}).gamma, q * (vol * vol * volga + vol * vega), 1e-5));
    CHECK(near(e.at({"O", "IR.USD.1Y"}).delta, q * w * rho, 1e-7));
    CHECK(near(e.at({"O", "IR.USD.1Y"}).gamma, q * w * w * rho2, 1e-5));
    CHECK(near(e.at({"O", "IR.USD.5Y"}).delta, q * (1.0 - w) * rho, 1e-7));
    CHECK(near(e.at({"O", "IR.USD.5Y"}).gamma, q * (1.0 - w) * (1.0 - w) * rho2, 1e-4));
    CHECK(near(e.at({"O", "EQ.ACME.DIV"}).delta, q * phi, 1e-7));
    CHECK(near(e.at({"O", "EQ.ACME.DIV"}).gamma, q * phi2, 1e-5));
  }
}

TEST_CASE("sensitivities of a zero bond are -T·PV·w per unit of rate and T²·PV·w² in each pillar",
          "[portfolio][sensitivities]") {
  const auto market = test_market();
  auto bond = make(trade_type::zero_bond, "Z", "", "EUR");
  bond.notional = 1e6;
  bond.maturity = d("2029-11-24");  // T = 1095/365 = 3: halfway between the 1Y and 5Y pillars
  const auto s = rp::sensitivities({bond}, market, options);
  const auto e = by_name(s);
  REQUIRE(s.entries.size() == 3);
  const double T = 3.0, r = 0.5 * 0.02 + 0.5 * 0.025, pv = 1e6 * std::exp(-r * T) * 1.25;
  CHECK(near(e.at({"Z", "IR.EUR.1Y"}).delta, -T * pv * 0.5, 1e-8));
  CHECK(near(e.at({"Z", "IR.EUR.5Y"}).delta, -T * pv * 0.5, 1e-8));
  // Per basis point, as a desk reads it: −T·PV·w·1e-4.
  CHECK(near(e.at({"Z", "IR.EUR.1Y"}).delta * 1e-4, -T * pv * 0.5 * 1e-4, 1e-8));
  CHECK(near(e.at({"Z", "IR.EUR.1Y"}).gamma, T * T * pv * 0.25, 1e-5));
  CHECK(near(e.at({"Z", "FX.EURUSD.SPOT"}).delta, pv, 1e-8));
}

TEST_CASE("sensitivity trades come back as themselves and their RTPL equals their HPL to 1e-12",
          "[portfolio][sensitivities]") {
  const auto market = test_market();
  auto a = rg::testing::sensitivity("A", "X.CREDIT", -2.5e6, 4.0e7);
  auto b = rg::testing::sensitivity("B", "EQ.ACME.SPOT", 1.2e6);
  auto c = rg::testing::sensitivity("C", "IR.USD.5Y", -3.0e7, 9.0e8);
  b.desk = "rates";
  const std::vector<rp::trade> trades = {a, b, c};
  const auto s = rp::sensitivities(trades, market, options);
  REQUIRE(s.factors.size() == market.size() + 1);  // X.CREDIT is only a model factor
  CHECK(s.factors.name(market.size()) == "X.CREDIT");
  const auto e = by_name(s);
  REQUIRE(s.entries.size() == 3);
  CHECK(near(e.at({"A", "X.CREDIT"}).delta, -2.5e6, 1e-12));
  CHECK(near(e.at({"A", "X.CREDIT"}).gamma, 4.0e7, 1e-9));
  CHECK(std::abs(e.at({"B", "EQ.ACME.SPOT"}).gamma) < 1e-4);
  const auto as_trades = rp::to_sensitivity_trades(s);
  REQUIRE(as_trades.size() == 3);
  CHECK(as_trades[1].id == "B:EQ.ACME.SPOT");
  CHECK(as_trades[1].desk == "rates");
  CHECK(as_trades[1].factor == "EQ.ACME.SPOT");
  CHECK(as_trades[1].type == trade_type::sensitivity);

  std::mt19937_64 engine(7);
  std::normal_distribution<double> normal(0.0, 0.01);
  std::vector<std::map<std::string, double>> shocks;
  for (int i = 0; i < 100; ++i)
    shocks.push_back({{"X.CREDIT", normal(engine)}, {"EQ.ACME.SPOT", 3.0 * normal(engine)},
                      {"IR.USD.5Y", 0.1 * normal(engine)}, {"EQ.ACME.VOL", normal(engine)}});
  const auto [hpl, rtpl] = hpl_rtpl(trades, market, shocks);
  for (std::size_t i = 0; i < hpl.size(); ++i) CHECK(std::abs(rtpl[i] - hpl[i]) <= 1e-12 * 1e5);
}

TEST_CASE("an equity's HPL - RTPL is q·S·(e^s - 1 - s - s²/2): the sensitivities are in log-return units",
          "[portfolio][sensitivities]") {
  const auto market = test_market();
  const std::vector<rp::trade> trades = {rg::testing::equity("US", "ACME", "USD", 300)};
  std::vector<std::map<std::string, double>> shocks;
  for (const double x : {-0.2, -0.05, -0.01, 0.003, 0.02, 0.1, 0.3}) shocks.push_back({{"EQ.ACME.SPOT", x}});
  const auto [hpl, rtpl] = hpl_rtpl(trades, market, shocks);
  const double qs = 300 * 100.0;
  for (std::size_t i = 0; i < shocks.size(); ++i) {
    const double x = shocks[i].at("EQ.ACME.SPOT");
    const double gap = qs * (std::expm1(x) - x - 0.5 * x * x);
    // The bumped delta and gamma are off by h²/6 and h²/12 relative (h = 1e-4).
    CHECK(std::abs((hpl[i] - rtpl[i]) - gap) <= 1e-8 * qs * std::abs(x) + 1e-9 * qs);
  }
}

TEST_CASE("an option book's HPL - RTPL shrinks like the shock cubed along each factor, squared across factors",
          "[portfolio][sensitivities]") {
  const auto market = test_market();
  auto barrier = option(trade_type::barrier, "B", "ACME", "USD", rp::option_type::call, 20.0, 100.0, "2027-11-25");
  barrier.barrier = 70.0;
  barrier.barrier_kind = rp::barrier_type::down_out;
  auto digital = option(trade_type::digital, "D", "ACME", "USD", rp::option_type::put, 30.0, 95.0, "2027-05-25");
  digital.notional = 10.0;
  const std::vector<rp::trade> trades = {
      option(trade_type::european, "C", "ACME", "USD", rp::option_type::call, 100.0, 105.0, "2028-11-24"),
      option(trade_type::european, "P", "ACME", "USD", rp::option_type::put, -60.0, 90.0, "2027-05-25"),
      option(trade_type::american, "A", "ACME", "USD", rp::option_type::put, 40.0, 100.0, "2027-11-25"),
      option(trade_type::fx_option, "F", "EURUSD", "USD", rp::option_type::call, 1e5, 1.3, "2027-11-25"), barrier,
      digital};
  // One scenario per (direction, scale): a move along one factor at once, and one along
  // the spot and the vol together (where the omitted cross-gamma is second order).
  const std::vector<std::map<std::string, double>> directions = {
      {{"EQ.ACME.SPOT", 0.04}}, {{"EQ.ACME.SPOT", -0.04}}, {{"EQ.ACME.VOL", 0.1}},
      {{"IR.USD.1Y", 0.01}},    {{"EQ.ACME.DIV", -0.01}},  {{"FX.EURUSD.SPOT", 0.03}},
      {{"EQ.ACME.SPOT", 0.04}, {"EQ.ACME.VOL", 0.1}}};
  std::vector<std::map<std::string, double>> shocks;
  for (const double scale : {1.0, 0.5})
    for (auto dir : directions) {
      for (auto& [name, x] : dir) x *= scale;
      shocks.push_back(dir);
    }
  const auto [hpl, rtpl] = hpl_rtpl(trades, market, shocks);
  const std::size_t n = directions.size();
  for (std::size_t k = 0; k < n; ++k) {
    const double big = hpl[k] - rtpl[k], half = hpl[n + k] - rtpl[n + k];
    INFO("direction " << k << ": HPL " << hpl[k] << ", gap " << big << ", half-size gap " << half);
    CHECK(std::abs(big) < 0.05 * std::abs(hpl[k]));  // second order captures most of the move
    const double ratio = big / half;
    if (k + 1 < n) {
      CHECK(ratio > 6.0);
      CHECK(ratio < 10.0);
    } else {
      CHECK(ratio > 3.0);
      CHECK(ratio < 5.0);
    }
  }
}

TEST_CASE("sensitivities reject bump sizes not above 0 or above 0.1", "[portfolio][sensitivities]") {
  const auto market = test_market();
  const std::vector<rp::trade> trades = {rg::testing::equity("US", "ACME", "USD", 1)};
  CHECK_THROWS_AS(rp::sensitivities(trades, market, options, {.relative = 0.0}), rg::error);
  CHECK_THROWS_AS(rp::sensitivities(trades, market, options, {.absolute = 0.5}), rg::error);
  CHECK_THROWS_AS(rp::sensitivities(trades, market, options, {.absolute = std::nan("")}), rg::error);
  const auto wide = rp::sensitivities(trades, market, options, {.relative = 1e-2});
  CHECK(near(wide.entries.at(0).delta, 100.0 * std::sinh(1e-2) / 1e-2, 1e-12));
}

TEST_CASE("format_pla_csv writes what load_pla reads back bit for bit", "[io][pla_csv_writer]") {
  const std::vector<rg::date> dates = {d("2026-01-02"), d("2026-01-05"), d("2026-01-06")};
  const std::vector<double> hpl = {-1234.5678901234567, 0.1 + 0.2, 1e-300};
  const std::vector<double> rtpl = {-0.0, 3.0e22, -7.25};
  const auto text = rg::io::format_pla_csv(dates, hpl, rtpl);
  CHECK(text.substr(0, 14) == "date,hpl,rtpl\n");
  const auto back = rg::io::load_pla(rg::io::csv_table::parse(text, "pla.csv"));
  REQUIRE(back.dates == dates);
  for (std::size_t i = 0; i < dates.size(); ++i) {
    CHECK(back.hpl[i] == hpl[i]);
    CHECK(back.rtpl[i] == rtpl[i]);
  }
  const std::vector<rg::date> unsorted = {dates[0], dates[0], dates[2]};
  CHECK_THROWS_AS(rg::io::format_pla_csv(unsorted, hpl, rtpl), rg::error);
  CHECK_THROWS_AS(rg::io::format_pla_csv(dates, hpl, std::vector<double>(2)), rg::error);
  const std::vector<double> bad = {1.0, std::nan(""), 2.0};
  CHECK_THROWS_AS(rg::io::format_pla_csv(dates, bad, rtpl), rg::error);
}
