#include <riskgrid/market/zero_curve.hpp>
#include <riskgrid/portfolio/book.hpp>
#include <riskgrid/portfolio/schedule.hpp>

#include <catch2/catch.hpp>
#include <xsimd/xsimd.hpp>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstring>
#include <functional>
#include <limits>
#include <random>
#include <string>
#include <vector>

namespace rg = riskgrid;
namespace rp = riskgrid::portfolio;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;
using rp::trade_type;

namespace {

rg::date d(const char* iso) { return *rg::parse_iso_date(iso); }

const rg::date as_of = d("2026-11-25");

rg::market::base_market linear_market() {
  rg::market::base_market m;
  m.add("EQ.ACME.SPOT", 100.0);
  m.add("EQ.ACME.VOL", 0.25);
  m.add("EQ.ACME.DIV", 0.02);
  m.add("EQ.SAP.SPOT", 150.0);
  m.add("FX.EURUSD.SPOT", 1.25);
  m.add("FX.USDJPY.SPOT", 150.0);
  m.add("FX.EURUSD.VOL", 0.08);
  m.add("EQ.SAP.VOL", 0.3);
  m.add("IR.USD.3M", 0.03);
  m.add("IR.USD.1Y", 0.035);
  m.add("IR.USD.5Y", 0.04);
  m.add("IR.USD.10Y", 0.042);
  m.add("IR.EUR.6M", 0.02);
  m.add("IR.EUR.5Y", 0.025);
  m.add("IR.JPY.1Y", 0.001);
  return m;
}

// Every market factor is shocked, plus one factor only sensitivities see.
rg::scenario::factor_set all_factors(const rg::market::base_market& m) {
  std::vector<std::string> names;
  for (std::size_t i = 0; i < m.size(); ++i) names.push_back(m.name(i));
  names.push_back("X.CREDIT");
  return rg::scenario::factor_set(names);
}

rp::trade make(trade_type type, std::string id, std::string underlying, std::string currency) {
  rp::trade t;
  t.type = type;
  t.id = std::move(id);
  t.underlying = std::move(underlying);
  t.currency = std::move(currency);
  t.source = "p.csv";
  t.line = 7;
  return t;
}

rp::trade equity(std::string id, std::string name, std::string ccy, double q) {
  auto t = make(trade_type::equity, std::move(id), std::move(name), std::move(ccy));
  t.quantity = q;
  return t;
}
rp::trade equity_forward(std::string id, double q, double strike, const char* maturity) {
  auto t = make(trade_type::equity_forward, std::move(id), "ACME", "USD");
  t.quantity = q;
  t.strike = strike;
  t.maturity = d(maturity);
  return t;
}
rp::trade fx_forward(std::string id, std::string pair, std::string ccy, double q, double strike, const char* maturity) {
  auto t = make(trade_type::fx_forward, std::move(id), std::move(pair), std::move(ccy));
  t.quantity = q;
  t.strike = strike;
  t.maturity = d(maturity);
  return t;
}
rp::trade zero_bond(std::string id, std::string ccy, double notional, const char* maturity) {
  auto t = make(trade_type::zero_bond, std::move(id), "", std::move(ccy));
  t.notional = notional;
  t.maturity = d(maturity);
  return t;
}
rp::trade fixed_bond(std::string id, std::string ccy, double notional, double rate, int frequency,
                     const char* maturity) {
  auto t = make(trade_type::fixed_bond, std::move(id), "", std::move(ccy));
  t.notional = notional;
  t.rate = rate;
  t.frequency = frequency;
  t.maturity = d(maturity);
  return t;
}
rp::trade swap(std::string id, std::string ccy, double notional, double rate, int frequency, const char* maturity,
               bool pay_fixed) {
  auto t = fixed_bond(std::move(id), std::move(ccy), notional, rate, frequency, maturity);
  t.type = trade_type::swap;
  t.pay_fixed = pay_fixed;
  return t;
}
rp::trade sensitivity(std::string id, std::string factor, double delta, double gamma) {
  auto t = make(trade_type::sensitivity, std::move(id), "", "");
  t.factor = std::move(factor);
  t.delta = delta;
  t.gamma = gamma;
  return t;
}

rp::trade option(trade_type type, std::string id, std::string underlying, std::string ccy, rp::option_type o,
                 double q, double strike, const char* maturity) {
  auto t = make(type, std::move(id), std::move(underlying), std::move(ccy));
  t.option = o;
  t.quantity = q;
  t.strike = strike;
  t.maturity = d(maturity);
  return t;
}
rp::trade barrier(std::string id, rp::barrier_type kind, double level, double rebate) {
  auto t = option(trade_type::barrier, std::move(id), "ACME", "USD", rp::option_type::call, 10, 100, "2027-11-25");
  t.barrier_kind = kind;
  t.barrier = level;
  t.rebate = rebate;
  return t;
}

rp::book_options at_as_of() { return {.base_currency = "USD", .as_of = as_of}; }

// One of each linear type, in several currencies, in mixed order, on two desks.
std::vector<rp::trade> linear_book() {
  std::vector<rp::trade> v{
      swap("SW1", "USD", 5e6, 0.038, 4, "2031-11-25", true),
      equity("E1", "ACME", "USD", 1000),
      fixed_bond("B1", "JPY", 1e8, 0.01, 2, "2029-08-31"),
      equity_forward("F1", 200, 95, "2028-11-24"),
      zero_bond("Z1", "EUR", 1e6, "2030-03-31"),
      fx_forward("X1", "EURUSD", "USD", 1e6, 1.2, "2027-05-25"),
      sensitivity("S1", "X.CREDIT", 1e5, 2e6),
      fixed_bond("B2", "USD", 1e6, 0.045, 1, "2036-02-29"),
      swap("SW2", "EUR", 2e6, 0.02, 2, "2027-08-31", false),
      equity("E2", "SAP", "EUR", -300),
  };
  v[2].desk = "rates";
  v[4].desk = "rates";
  v[7].desk = "rates";
  v[8].desk = "rates";
  v[2].quantity = 3.0;
  return v;
}

// Every type: the linear book plus options of each kind.
std::vector<rp::trade> full_book() {
  auto v = linear_book();
  using o = rp::option_type;
  v.push_back(option(trade_type::european, "O1", "ACME", "USD", o::call, 100, 105, "2027-11-25"));
  v.push_back(option(trade_type::european, "O2", "SAP", "EUR", o::put, -50, 140, "2026-11-26"));
  v.push_back(option(trade_type::fx_option, "O3", "EURUSD", "USD", o::put, 1e6, 1.3, "2027-05-25"));
  auto dig = option(trade_type::digital, "O4", "ACME", "USD", o::call, 1000, 110, "2027-02-25");
  dig.notional = 5.0;
  v.push_back(dig);
  v.push_back(barrier("O5", rp::barrier_type::down_out, 90, 2.0));
  v.push_back(barrier("O6", rp::barrier_type::up_in, 101, 0.0));
  v.push_back(option(trade_type::american, "O7", "ACME", "USD", o::put, 20, 100, "2028-11-24"));
  v.push_back(option(trade_type::american, "O8", "ACME", "USD", o::call, 20, 90, "2028-11-24"));
  return v;
}

// A block with random shocks on every factor and stale, finite garbage in the padding.
rg::scenario::shock_block random_block(std::size_t factors, std::size_t count, std::uint64_t seed) {
  rg::scenario::shock_block block(factors, count);
  block.reset({0, count});
  std::mt19937_64 gen(seed);
  std::normal_distribution<double> z(0.0, 1.0);
  for (std::size_t f = 0; f < factors; ++f) {
    auto row = block.padded_factor(f);
    for (std::size_t i = 0; i < row.size(); ++i)
      row[i] = i < count ? 0.02 * z(gen) : 3.0 + static_cast<double>(i);  // padding: stale but finite
  }
  return block;
}

std::vector<std::uint64_t> bits(const std::vector<double>& v) {
  std::vector<std::uint64_t> out(v.size());
  std::memcpy(out.data(), v.data(), v.size() * sizeof(double));
  return out;
}

template <class V>
std::vector<double> revalue_as(const rp::book& b, const rg::scenario::shock_block& block) {
  std::vector<double> pnl(block.size() + 3, 12345.0);
  b.revalue_with<V>(block, std::span<double>(pnl.data(), block.size()));
  for (std::size_t i = block.size(); i < pnl.size(); ++i) REQUIRE(pnl[i] == 12345.0);  // nothing past the span
  pnl.resize(block.size());
  return pnl;
}

rg::input_error bind_error(const rp::trade& t, rg::market::base_market m = linear_market(),
                           rp::book_options options = at_as_of()) {
  try {
    const rp::book b({equity("OK", "ACME", "USD", 1.0), t}, m, all_factors(m), options);
  } catch (const rg::input_error& e) {
    CHECK(e.source() == "p.csv");
    CHECK(e.line() == 7);
    CHECK_THAT(std::string(e.what()), StartsWith("p.csv:7: trade " + t.id + ": "));
    return e;
  }
  FAIL("trade " << t.id << " was accepted");
  return rg::input_error("", "");
}

}  // namespace

TEST_CASE("book values linear instruments at the base market by their closed forms", "[portfolio][book]") {
  const auto m = linear_market();
  const rp::book b(linear_book(), m, all_factors(m), at_as_of());
  REQUIRE(b.size() == 10);
  const auto value = [&](const char* id) {
    for (const auto& t : b.trades())
      if (t.id == id) return t.base_value;
    FAIL("no trade " << id);
    return 0.0;
  };
  // Equity forward, T = 730/365 = 2: r(2) = 0.75·3.5% + 0.25·4% (1Y and 5Y pillars), div 2%.
  const double r2 = 0.75 * 0.035 + 0.25 * 0.04;
  CHECK(value("F1") == Approx(200.0 * (100.0 * std::exp(-0.02 * 2.0) - 95.0 * std::exp(-r2 * 2.0))).epsilon(1e-13));
  // FX forward EURUSD, T = 181/365: r_USD between 3M and 1Y, r_EUR flat 2% before 6M.
  const double tx = 181.0 / 365.0;
  const double w = (1.0 - tx) / (1.0 - 0.25);
  const double r_usd = w * 0.03 + (1.0 - w) * 0.035;
  CHECK(value("X1") == Approx(1e6 * (1.25 * std::exp(-0.02 * tx) - 1.2 * std::exp(-r_usd * tx))).epsilon(1e-13));
  // Zero bond in EUR, T = 1222/365, converted at EURUSD 1.25.
  const double tz = 1222.0 / 365.0;
  const double r_eur = (5.0 - tz) / 4.5 * 0.02 + (1.0 - (5.0 - tz) / 4.5) * 0.025;
  CHECK(value("Z1") == Approx(1.25 * 1e6 * std::exp(-r_eur * tz)).epsilon(1e-13));
  // Fixed bond in JPY on a flat 0.1% curve, quantity 3, converted by 1/150.
  double jpy = 0.0;
  for (const auto& f : rp::fixed_leg(as_of, d("2029-08-31"), 2, 1e8, 0.01, 1e8))
    jpy += f.amount * std::exp(-0.001 * f.time);
  CHECK(value("B1") == Approx(3.0 * jpy / 150.0).epsilon(1e-13));
  const rg::market::zero_curve usd(m, "USD");
  double b2 = 0.0;
  for (const auto& f : rp::fixed_leg(as_of, d("2036-02-29"), 1, 1e6, 0.045, 1e6))
    b2 += f.amount * std::exp(-usd.zero_rate(f.time) * f.time);
  CHECK(value("B2") == Approx(b2).epsilon(1e-13));
  // Payer swap: N·(1 − DF(T)) − Σ c_k·DF(t_k).
  double fixed = 0.0;
  const auto leg = rp::fixed_leg(as_of, d("2031-11-25"), 4, 5e6, 0.038, 0.0);
  for (const auto& f : leg) fixed += f.amount * std::exp(-usd.zero_rate(f.time) * f.time);
  const double floating = 5e6 * (1.0 - std::exp(-usd.zero_rate(leg.back().time) * leg.back().time));
  CHECK(value("SW1") == Approx(floating - fixed).epsilon(1e-11));
  CHECK(value("E2") == -300.0 * 150.0 * 1.25);
  CHECK(value("S1") == 0.0);
  CHECK(b.desks() == std::vector<std::string>{"default", "rates"});
  CHECK(b.desk_of(0) == 0);
  CHECK(b.desk_of(2) == 1);
  CHECK(b.desk_of(9) == 0);
}

TEST_CASE("book prices a bond with the par coupon at par and a swap at the par rate at 0", "[portfolio][book]") {
  const auto m = linear_market();
  const rg::market::zero_curve usd(m, "USD");
  for (const int frequency : {1, 2, 4, 12}) {
    for (const char* maturity : {"2027-03-31", "2031-08-31", "2040-01-15"}) {
      // Par rate c: Σ c·τ_k·DF_k + DF(T) = 1 on the bond schedule (short first period included).
      const auto unit = rp::fixed_leg(as_of, d(maturity), frequency, 1.0, 1.0, 0.0);
      double annuity = 0.0;
      for (const auto& f : unit) annuity += f.amount * usd.discount(f.time);
      const double par = (1.0 - usd.discount(unit.back().time)) / annuity;
      const rp::book b({fixed_bond("B", "USD", 1e6, par, frequency, maturity),
                        swap("S", "USD", 1e6, par, frequency, maturity, true),
                        swap("R", "USD", 1e6, par, frequency, maturity, false)},
                       m, all_factors(m), at_as_of());
      INFO("frequency " << frequency << ", maturity " << maturity);
      CHECK(b.trades()[0].base_value == Approx(1e6).epsilon(1e-13));
      CHECK(std::abs(b.trades()[1].base_value) < 1e-12 * 1e6);
      CHECK(std::abs(b.trades()[2].base_value) < 1e-12 * 1e6);
    }
  }
}

TEST_CASE("book applies shocks: log-returns to spots, additive to pillars and dividends", "[portfolio][book]") {
  const auto m = linear_market();
  const auto factors = all_factors(m);
  const rp::book b({equity_forward("F1", 200, 95, "2028-11-24"), zero_bond("Z1", "EUR", 1e6, "2030-03-31"),
                    sensitivity("S1", "X.CREDIT", 1e5, 2e6)},
                   m, factors, at_as_of());
  rg::scenario::shock_block block(factors.size(), 3);
  block.reset({0, 3});
  const auto set = [&](const char* name, std::size_t i, double s) { block.factor(*factors.find(name))[i] = s; };
  set("EQ.ACME.SPOT", 1, 0.1);
  set("EQ.ACME.DIV", 1, 0.01);
  set("IR.USD.1Y", 1, 0.002);
  set("IR.USD.5Y", 1, -0.004);
  set("IR.EUR.6M", 2, 0.01);
  set("IR.EUR.5Y", 2, 0.02);
  set("FX.EURUSD.SPOT", 2, -0.05);
  set("X.CREDIT", 2, 0.001);
  std::vector<double> pnl(3);
  b.revalue(block, pnl);
  CHECK(pnl[0] == 0.0);
  const double r0 = 0.75 * 0.035 + 0.25 * 0.04, r1 = 0.75 * (0.035 + 0.002) + 0.25 * (0.04 - 0.004);
  const double f0 = 200.0 * (100.0 * std::exp(-0.02 * 2.0) - 95.0 * std::exp(-r0 * 2.0));
  const double f1 = 200.0 * (100.0 * std::exp(0.1) * std::exp(-0.03 * 2.0) - 95.0 * std::exp(-r1 * 2.0));
  CHECK(pnl[1] == Approx(f1 - f0).epsilon(1e-11));
  const double tz = 1222.0 / 365.0, wz = (5.0 - tz) / 4.5;
  const double z0 = 1.25 * 1e6 * std::exp(-(wz * 0.02 + (1.0 - wz) * 0.025) * tz);
  const double z1 = 1.25 * std::exp(-0.05) * 1e6 * std::exp(-(wz * 0.03 + (1.0 - wz) * 0.045) * tz);
  CHECK(pnl[2] == Approx(z1 - z0 + 1e5 * 0.001 + 0.5 * 2e6 * 1e-6).epsilon(1e-11));
}

TEST_CASE("book gives exactly 0 P&L under zero shocks for every value type", "[portfolio][book]") {
  const auto m = linear_market();
  const auto factors = all_factors(m);
  const rp::book b(full_book(), m, factors, at_as_of());
  rg::scenario::shock_block block(factors.size(), 21);
  block.reset({0, 21});
  for (const auto& pnl : {revalue_as<double>(b, block), revalue_as<rp::book::batch_type>(b, block)})
    for (const double x : pnl) CHECK(x == 0.0);
}

TEST_CASE("book P&L is the same bits for double and every SIMD width, and for any block cut", "[portfolio][book]") {
  const auto m = linear_market();
  const auto factors = all_factors(m);
  const rp::book b(full_book(), m, factors, at_as_of());
  const std::size_t n = 37;  // not a multiple of any width: the last batch is partial
  const auto block = random_block(factors.size(), n, 20261125);
  const auto scalar = revalue_as<double>(b, block);
  for (const double x : scalar) {
    CHECK(std::isfinite(x));
    CHECK(x != 0.0);
  }
  CHECK(bits(revalue_as<rp::book::batch_type>(b, block)) == bits(scalar));
#if XSIMD_WITH_AVX512F
  CHECK(bits(revalue_as<xsimd::batch<double, xsimd::avx512f>>(b, block)) == bits(scalar));
#endif
#if XSIMD_WITH_AVX2
  CHECK(bits(revalue_as<xsimd::batch<double, xsimd::avx2>>(b, block)) == bits(scalar));
#endif
#if XSIMD_WITH_SSE2
  CHECK(bits(revalue_as<xsimd::batch<double, xsimd::sse2>>(b, block)) == bits(scalar));
#endif
  // The same scenarios cut into blocks of 13 + 24 give the same bits.
  std::vector<double> cut;
  for (const auto& [first, count] : {std::pair<std::size_t, std::size_t>{0, 13}, {13, 24}}) {
    rg::scenario::shock_block part(factors.size(), count);
    part.reset({first, count});
    for (std::size_t f = 0; f < factors.size(); ++f)
      std::copy_n(block.factor(f).begin() + static_cast<std::ptrdiff_t>(first), count, part.factor(f).begin());
    std::vector<double> pnl(count);
    b.revalue(part, pnl);
    cut.insert(cut.end(), pnl.begin(), pnl.end());
  }
  CHECK(bits(cut) == bits(revalue_as<rp::book::batch_type>(b, block)));
}

TEST_CASE("book revalue_trade gives each trade's contribution, summed by type then input order", "[portfolio][book]") {
  const auto m = linear_market();
  const auto factors = all_factors(m);
  const auto trades = full_book();
  const rp::book b(trades, m, factors, at_as_of());
  const std::size_t n = 29;
  const auto block = random_block(factors.size(), n, 7);
  std::vector<std::size_t> order(trades.size());
  for (std::size_t i = 0; i < order.size(); ++i) order[i] = i;
  std::stable_sort(order.begin(), order.end(), [&](std::size_t x, std::size_t y) { return trades[x].type < trades[y].type; });
  std::vector<double> total(n, 0.0), one(n + 5, -1.0);
  for (const std::size_t t : order) {
    b.revalue_trade(t, block, std::span<double>(one.data(), n));
    CHECK(one[n] == -1.0);
    for (std::size_t i = 0; i < n; ++i) total[i] += one[i];
  }
  std::vector<double> pnl(n);
  b.revalue(block, pnl);
  CHECK(bits(total) == bits(pnl));
}

TEST_CASE("book rejects invalid linear trades with the trade id", "[portfolio][book]") {
  auto t = zero_bond("BAD", "USD", 1e6, "2026-11-25");
  CHECK_THAT(bind_error(t).reason(), Contains("maturity 2026-11-25 is not after the as-of date 2026-11-25"));
  t.maturity = d("2026-01-01");
  CHECK_THAT(bind_error(t).reason(), Contains("not after the as-of date"));
  t.maturity = d("9999-12-31");  // a typo that would otherwise build 10^5 monthly flows
  CHECK_THAT(bind_error(t).reason(), Contains("is more than 100 years after the as-of date"));
  t.maturity.reset();
  CHECK_THAT(bind_error(t).reason(), Contains("missing maturity"));
  CHECK_THAT(bind_error(zero_bond("BAD", "USD", 1e6, "2030-01-01"), linear_market(), {}).reason(),
             Contains("needs the as-of date"));
  CHECK_THAT(bind_error(zero_bond("BAD", "USD", -1e6, "2030-01-01")).reason(),
             Contains("notional must not be negative"));
  auto no_notional = zero_bond("BAD", "USD", 1e6, "2030-01-01");
  no_notional.notional.reset();
  CHECK_THAT(bind_error(no_notional).reason(), Contains("missing notional"));
  CHECK_THAT(bind_error(zero_bond("BAD", "GBP", 1e6, "2030-01-01")).reason(), Contains("no zero curve for GBP"));
  CHECK_THAT(bind_error(zero_bond("BAD", "usd", 1e6, "2030-01-01")).reason(), Contains("currency"));
  auto huge = zero_bond("BAD", "USD", 1e300, "2030-01-01");
  huge.quantity = 1e300;
  CHECK_THAT(bind_error(huge).reason(), Contains("value is not finite"));
  CHECK_THAT(bind_error(fixed_bond("BAD", "USD", 1e6, 0.05, 5, "2030-01-01")).reason(),
             Contains("frequency must be one of 1, 2, 3, 4, 6, 12, got 5"));
  auto no_rate = fixed_bond("BAD", "USD", 1e6, 0.05, 2, "2030-01-01");
  no_rate.rate.reset();
  CHECK_THAT(bind_error(no_rate).reason(), Contains("missing rate"));
  auto no_side = swap("BAD", "USD", 1e6, 0.05, 2, "2030-01-01", true);
  no_side.pay_fixed.reset();
  CHECK_THAT(bind_error(no_side).reason(), Contains("missing pay_fixed"));
  CHECK_THAT(bind_error(equity_forward("BAD", 1, -5, "2030-01-01")).reason(), Contains("strike must be positive"));
  auto unknown = equity_forward("BAD", 1, 5, "2030-01-01");
  unknown.underlying = "TSLA";
  CHECK_THAT(bind_error(unknown).reason(), Contains("unknown underlying") && Contains("EQ.TSLA.SPOT"));
  auto no_quantity = equity_forward("BAD", 1, 5, "2030-01-01");
  no_quantity.quantity.reset();
  CHECK_THAT(bind_error(no_quantity).reason(), Contains("missing quantity"));
  CHECK_THAT(bind_error(fx_forward("BAD", "EURUSD", "EUR", 1, 1.1, "2030-01-01")).reason(),
             Contains("must be USD"));
  CHECK_THAT(bind_error(fx_forward("BAD", "GBPUSD", "USD", 1, 1.1, "2030-01-01")).reason(),
             Contains("FX.GBPUSD.SPOT"));
  CHECK_THAT(bind_error(fx_forward("BAD", "EUR", "USD", 1, 1.1, "2030-01-01")).reason(), Contains("pair"));
  auto dup = linear_market();
  dup.add("IR.USD.12M", 0.035);
  CHECK_THAT(bind_error(zero_bond("BAD", "USD", 1e6, "2030-01-01"), dup).reason(),
             Contains("IR.USD.1Y") && Contains("IR.USD.12M"));
}

TEST_CASE("book lists the pillars and spots its trades use that the model leaves unshocked", "[portfolio][book]") {
  const auto m = linear_market();
  const rg::scenario::factor_set shocked({"EQ.ACME.SPOT", "IR.USD.1Y"});
  const rp::book b({equity_forward("F1", 200, 95, "2028-11-24")}, m, shocked, at_as_of());
  // r(2y) uses the 1Y and 5Y pillars; the dividend yield and no FX (USD trade).
  CHECK(b.unshocked_factors() == std::vector<std::string>{"EQ.ACME.DIV", "IR.USD.5Y"});
}

namespace {

double ncdf(double x) { return 0.5 * std::erfc(-x / std::sqrt(2.0)); }

// Black–Scholes–Merton with continuous yields, written independently of the pricers.
double bsm(rp::option_type type, double s, double k, double t, double r, double q, double vol) {
  const double d1 = (std::log(s / k) + (r - q + 0.5 * vol * vol) * t) / (vol * std::sqrt(t));
  const double d2 = d1 - vol * std::sqrt(t);
  if (type == rp::option_type::call) return s * std::exp(-q * t) * ncdf(d1) - k * std::exp(-r * t) * ncdf(d2);
  return k * std::exp(-r * t) * ncdf(-d2) - s * std::exp(-q * t) * ncdf(-d1);
}

}  // namespace

TEST_CASE("book wires options to their spot, vol, dividend, curves and FX", "[portfolio][book]") {
  const auto m = linear_market();
  const rp::book b(full_book(), m, all_factors(m), at_as_of());
  const auto value = [&](const char* id) {
    for (const auto& t : b.trades())
      if (t.id == id) return t.base_value;
    FAIL("no trade " << id);
    return 0.0;
  };
  const rg::market::zero_curve usd(m, "USD"), eur(m, "EUR");
  using o = rp::option_type;
  // ACME in USD: 1y on the 1Y pillar, dividend 2%, vol 25%.
  CHECK(value("O1") == Approx(100.0 * bsm(o::call, 100.0, 105.0, 1.0, 0.035, 0.02, 0.25)).epsilon(1e-12));
  // SAP in EUR, no dividend factor (q = 0), expiring tomorrow, converted at 1.25.
  const double t1 = 1.0 / 365.0;
  CHECK(value("O2") == Approx(-50.0 * 1.25 * bsm(o::put, 150.0, 140.0, t1, eur.zero_rate(t1), 0.0, 0.3))
                           .epsilon(1e-12)
                           .margin(1e-12));
  // Garman–Kohlhagen: domestic USD curve, foreign EUR curve, FX.EURUSD vol.
  const double tx = 181.0 / 365.0;
  CHECK(value("O3") ==
        Approx(1e6 * bsm(o::put, 1.25, 1.3, tx, usd.zero_rate(tx), eur.zero_rate(tx), 0.08)).epsilon(1e-12));
  // Cash-or-nothing call paying 5: 5·e^{−rT}·N(d2).
  const double td = 92.0 / 365.0, rd = usd.zero_rate(td);
  const double d2 = (std::log(100.0 / 110.0) + (rd - 0.02 - 0.5 * 0.0625) * td) / (0.25 * std::sqrt(td));
  CHECK(value("O4") == Approx(1000.0 * 5.0 * std::exp(-rd * td) * ncdf(d2)).epsilon(1e-12));
  // A down-and-out and an up-and-in are each worth less than the vanilla and more than 0.
  const double vanilla = 10.0 * bsm(o::call, 100.0, 100.0, 1.0, 0.035, 0.02, 0.25);
  CHECK(value("O5") > 0.0);
  CHECK(value("O5") < vanilla + 10.0 * 2.0);
  CHECK(value("O6") > 0.0);
  CHECK(value("O6") < vanilla);
  // An American put is worth at least the European one and its intrinsic value.
  const double t2 = 2.0, r2 = usd.zero_rate(t2);
  CHECK(value("O7") >= 20.0 * bsm(o::put, 100.0, 100.0, t2, r2, 0.02, 0.25) - 1e-9);
  CHECK(value("O8") >= 20.0 * 10.0);
}

TEST_CASE("book rejects invalid options with the trade id", "[portfolio][book]") {
  using o = rp::option_type;
  auto no_option = option(trade_type::european, "BAD", "ACME", "USD", o::call, 1, 100, "2027-11-25");
  no_option.option.reset();
  CHECK_THAT(bind_error(no_option).reason(), Contains("missing option"));
  CHECK_THAT(bind_error(option(trade_type::european, "BAD", "ACME", "USD", o::call, 1, 0, "2027-11-25")).reason(),
             Contains("strike must be positive, got 0"));
  CHECK_THAT(bind_error(option(trade_type::american, "BAD", "ACME", "USD", o::call, 1, 100, "2026-11-20")).reason(),
             Contains("not after the as-of date"));
  auto no_vol = linear_market();
  no_vol.add("EQ.TSLA.SPOT", 300.0);
  CHECK_THAT(bind_error(option(trade_type::european, "BAD", "TSLA", "USD", o::call, 1, 100, "2027-11-25"), no_vol)
                 .reason(),
             Contains("unknown volatility") && Contains("EQ.TSLA.VOL"));
  CHECK_THAT(bind_error(option(trade_type::fx_option, "BAD", "EURUSD", "EUR", o::call, 1, 1.2, "2027-11-25")).reason(),
             Contains("must be USD"));
  CHECK_THAT(bind_error(option(trade_type::fx_option, "BAD", "USDJPY", "JPY", o::call, 1, 150, "2027-11-25")).reason(),
             Contains("FX.USDJPY.VOL"));
  auto digital = option(trade_type::digital, "BAD", "ACME", "USD", o::call, 1, 100, "2027-11-25");
  digital.notional = -1.0;
  CHECK_THAT(bind_error(digital).reason(), Contains("notional must not be negative"));
  CHECK_THAT(bind_error(barrier("BAD", rp::barrier_type::down_in, 100, 0)).reason(),
             Contains("barrier 100 is already crossed at the base market (spot 100)"));
  CHECK_THAT(bind_error(barrier("BAD", rp::barrier_type::up_out, 95, 0)).reason(), Contains("already crossed"));
  CHECK_THAT(bind_error(barrier("BAD", rp::barrier_type::down_out, 80, -1)).reason(),
             Contains("rebate must not be negative"));
  auto no_kind = barrier("BAD", rp::barrier_type::down_out, 80, 0);
  no_kind.barrier_kind.reset();
  CHECK_THAT(bind_error(no_kind).reason(), Contains("missing barrier_type"));
  auto no_level = barrier("BAD", rp::barrier_type::down_out, 80, 0);
  no_level.barrier.reset();
  CHECK_THAT(bind_error(no_level).reason(), Contains("missing barrier"));
}
