#include <cmath>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/io/backtest_csv.hpp"
#include "riskgrid/risk/backtest.hpp"
#include "riskgrid/risk/coverage_test.hpp"

namespace rr = riskgrid::risk;
using opt = std::optional<double>;

namespace {

// Output of tests/risk/reference/backtest_pla_reference.py (scipy 1.10.1): Kupiec as a
// G-test of fit, Christoffersen independence as a G-test of independence on the
// transition table, conditional coverage χ²(2). The sequences are rebuilt below by the
// same integer rules as the script.
struct coverage_reference {
  const char* name;
  std::uint64_t n;
  double p;
  std::uint64_t exceptions;
  double kupiec_lr, kupiec_p, ind_lr, ind_p, cc_lr, cc_p;
};
constexpr coverage_reference coverage_references[] = {
    {"clustered_250_99", 250, 0.01, 7, 5.496990447792694, 0.019049230890526417, 13.48756352375206, 0.00024014982189789804, 18.984553971544756, 7.54321496593878e-05},
    {"spaced_500_975", 500, 0.025, 13, 0.0202515379113124, 0.886836808100985, 0.6413862132257392, 0.42320927464889246, 0.6616377511370516, 0.7183352653249467},
    {"quadratic_300_975", 300, 0.025, 42, 79.95177202710109, 3.8366092295080503e-19, 13.433275551492184, 0.00024720011151888244, 93.38504757859327, 5.2685920495118796e-21},
    {"block_250_99", 250, 0.01, 12, 19.01618566139161, 1.2961433017630962e-05, 76.37731742714813, 2.343273849404916e-18, 95.39350308853975, 1.9300297332074363e-21},
    {"none_250_99", 250, 0.01, 0, 5.025167926750753, 0.02498150305344925, 0.0, 1.0, 5.025167926750753, 0.08105851616218014},
};

std::vector<std::uint8_t> sequence(const std::string& name, std::uint64_t n) {
  std::vector<std::uint8_t> s(n, 0);
  for (std::uint64_t i = 0; i < n; ++i) {
    if (name == "clustered_250_99")
      s[i] = i == 10 || i == 11 || i == 50 || i == 120 || i == 121 || i == 122 || i == 200;
    else if (name == "spaced_500_975")
      s[i] = i % 41 == 0;
    else if (name == "quadratic_300_975")
      s[i] = (i * i + 3 * i) % 29 < 2;
    else if (name == "block_250_99")
      s[i] = i >= 100 && i < 112;
  }
  return s;
}

// Relative closeness; exact zeros must be exact.
bool close(double got, double want, double rel) {
  if (want == 0.0) return got == 0.0;
  return std::abs(got - want) <= rel * std::abs(want);
}

}  // namespace

TEST_CASE("Kupiec and Christoffersen statistics equal scipy's G-tests", "[risk][backtest]") {
  for (const auto& ref : coverage_references) {
    const auto seq = sequence(ref.name, ref.n);
    const auto s = rr::coverage_test(seq, ref.p);
    INFO(ref.name << ": LR_POF " << s.kupiec_lr << " LR_ind " << s.christoffersen_ind_lr << " LR_cc "
                  << s.christoffersen_cc_lr);
    CHECK(s.n == ref.n);
    CHECK(s.exceptions == ref.exceptions);
    CHECK(s.transitions[0] + s.transitions[1] + s.transitions[2] + s.transitions[3] == ref.n - 1);
    // LRs are sums of a few logs: 1e-12. p-values inherit the LR's error times LR/2
    // (d ln p ≈ −dLR/2): 1e-9.
    CHECK(close(s.kupiec_lr, ref.kupiec_lr, 1e-12));
    CHECK(close(s.christoffersen_ind_lr, ref.ind_lr, 1e-12));
    CHECK(close(s.christoffersen_cc_lr, ref.cc_lr, 1e-12));
    CHECK(close(s.kupiec_p, ref.kupiec_p, 1e-9));
    CHECK(close(s.christoffersen_ind_p, ref.ind_p, 1e-9));
    CHECK(close(s.christoffersen_cc_p, ref.cc_p, 1e-9));
  }
}

TEST_CASE("Coverage statistics of degenerate sequences follow 0 ln 0 = 0", "[risk][backtest]") {
  // Every day an exception: LR_POF = −2·n·ln p, one state only, LR_ind = 0.
  const std::vector<std::uint8_t> all(20, 1);
  const auto s = rr::coverage_test(all, 0.025);
  CHECK(s.kupiec_lr == Approx(-2.0 * 20.0 * std::log(0.025)).epsilon(1e-14));
  CHECK(s.christoffersen_ind_lr == 0.0);
  CHECK(s.christoffersen_ind_p == 1.0);
  CHECK(s.transitions[3] == 19);
  // Observed rate equal to p: a perfect fit, LR_POF = 0, p-value 1.
  std::vector<std::uint8_t> exact(100, 0);
  exact[37] = 1;
  const auto fit = rr::coverage_test(exact, 0.01);
  CHECK(fit.kupiec_lr < 1e-12);
  CHECK(fit.kupiec_p == Approx(1.0).margin(1e-6));
  // One day: no pair.
  const std::vector<std::uint8_t> one{1};
  const auto single = rr::coverage_test(one, 0.01);
  CHECK(single.christoffersen_ind_lr == 0.0);
  CHECK(single.kupiec_lr == Approx(-2.0 * std::log(0.01)).epsilon(1e-14));
  CHECK(rr::coverage_test({}, 0.01).kupiec_p == 1.0);
  CHECK_THROWS_AS(rr::coverage_test(one, 0.0), riskgrid::error);
  CHECK_THROWS_AS(rr::coverage_test(one, 1.0), riskgrid::error);
}

TEST_CASE("The Basel 1996 traffic light, row by row", "[risk][backtest]") {
  struct row {
    std::uint64_t exceptions;
    rr::traffic_light zone;
    double plus_factor;
  };
  using enum rr::traffic_light;
  const row table[] = {{0, green, 0.0},    {1, green, 0.0},     {2, green, 0.0},     {3, green, 0.0},
                       {4, green, 0.0},    {5, yellow, 0.40},   {6, yellow, 0.50},   {7, yellow, 0.65},
                       {8, yellow, 0.75},  {9, yellow, 0.85},   {10, red, 1.00},     {11, red, 1.00},
                       {12, red, 1.00},    {250, red, 1.00}};
  for (const auto& r : table) {
    INFO(r.exceptions << " exceptions");
    const auto z = rr::basel_traffic_light(r.exceptions);
    CHECK(z.zone == r.zone);
    CHECK(z.plus_factor == r.plus_factor);
    CHECK(z.multiplier() == 3.0 + r.plus_factor);
  }
  CHECK(rr::to_string(rr::traffic_light::yellow) == "yellow");
}

TEST_CASE("The FRTB multiplier m_c, row by row", "[risk][backtest]") {
  const double expected[] = {1.50, 1.50, 1.50, 1.50, 1.50, 1.70, 1.76, 1.83, 1.88, 1.92, 2.00, 2.00, 2.00};
  for (std::uint64_t x = 0; x <= 12; ++x) {
    INFO(x << " exceptions");
    CHECK(rr::frtb_multiplier(x) == expected[x]);
  }
  CHECK(rr::frtb_multiplier(1000) == 2.00);
}

TEST_CASE("Desk eligibility: out above 12 exceptions at 99% or above 30 at 97.5%", "[risk][backtest]") {
  using enum rr::desk_eligibility;
  CHECK(rr::desk_backtest(12, 30) == eligible);
  CHECK(rr::desk_backtest(13, 30) == ineligible);
  CHECK(rr::desk_backtest(12, 31) == ineligible);
  CHECK(rr::desk_backtest(0, 0) == eligible);
  CHECK(rr::desk_backtest(13, 31) == ineligible);
}

TEST_CASE("Exceptions are strict, a missing value is one, and hpl gives the greater count", "[risk][backtest]") {
  // 8 days. 99%: day 1 at the VaR (−pnl == var: not an exception), day 2 beyond it,
  // day 4 a missing P&L, day 6 a missing VaR; 97.5% adds days 1 and 5. hpl: day 0
  // missing, days 3 and 7 beyond both VaRs, day 1 only beyond the 97.5% VaR.
  rr::backtest_series s;
  s.pnl = {opt(5), opt(-10), opt(-10.5), opt(1), std::nullopt, opt(-8), opt(-20), opt(2)};
  s.var_99 = {opt(10), opt(10), opt(10), opt(10), opt(10), opt(10), std::nullopt, opt(10)};
  s.var_975 = {opt(7), opt(7), opt(9), opt(7), opt(7), opt(7), opt(7), opt(7)};
  s.hpl = {std::nullopt, opt(-10), opt(3), opt(-12), opt(0), opt(-6), opt(0), opt(-11)};

  const auto actual_99 = rr::exception_indicators(s.pnl, s.var_99);
  CHECK(actual_99 == std::vector<std::uint8_t>{0, 0, 1, 0, 1, 0, 1, 0});
  const auto actual_975 = rr::exception_indicators(s.pnl, s.var_975);
  CHECK(actual_975 == std::vector<std::uint8_t>{0, 1, 1, 0, 1, 1, 1, 0});
  const auto hyp_99 = rr::exception_indicators(s.hpl, s.var_99);
  CHECK(hyp_99 == std::vector<std::uint8_t>{1, 0, 0, 1, 0, 0, 1, 1});
  const auto hyp_975 = rr::exception_indicators(s.hpl, s.var_975);
  CHECK(hyp_975 == std::vector<std::uint8_t>{1, 1, 0, 1, 0, 0, 0, 1});

  const auto r = rr::backtest(s);
  CHECK(r.rows == 8);
  CHECK(r.last_250.first == 0);
  CHECK(r.last_250.rows == 8);
  // 99%: actual 3, hypothetical 4 → hypothetical, with its own sequence in the tests.
  CHECK(r.full.level_99.exceptions_actual == 3);
  CHECK(r.full.level_99.exceptions_hypothetical == 4u);
  CHECK(r.full.level_99.basis == rr::pnl_basis::hypothetical);
  CHECK(r.full.level_99.statistics.exceptions == 4);
  CHECK(r.full.level_99.statistics.transitions == rr::coverage_test(hyp_99, 0.01).transitions);
  // 97.5%: actual 5 > hypothetical 4 → actual.
  CHECK(r.full.level_975.exceptions_actual == 5);
  CHECK(r.full.level_975.exceptions_hypothetical == 4u);
  CHECK(r.full.level_975.basis == rr::pnl_basis::actual);
  CHECK(r.full.level_975.statistics.kupiec_lr == rr::coverage_test(actual_975, 0.025).kupiec_lr);
  CHECK(r.basel.zone == rr::traffic_light::green);
  CHECK(r.frtb_multiplier == 1.50);

  // Without hpl, the actual series alone.
  s.hpl.clear();
  const auto a = rr::backtest(s);
  CHECK(a.full.level_99.statistics.exceptions == 3);
  CHECK(!a.full.level_99.exceptions_hypothetical);
  CHECK(a.full.level_99.basis == rr::pnl_basis::actual);
}

TEST_CASE("The last-250 window, the Basel zone and the desk test use the last 250 rows", "[risk][backtest]") {
  // 300 days; 99% exceptions on days 0..19 (outside the last 250) and on 6 days inside;
  // 97.5% exceptions on 31 days inside.
  rr::backtest_series s;
  for (int t = 0; t < 300; ++t) {
    const bool early = t < 20, inside99 = t >= 50 && t % 40 == 0 && t < 290;  // 80,120,...,280: 6 days
    const bool inside975 = t >= 50 && t % 8 == 1;                                // 31 days
    s.pnl.push_back(early || inside99 ? opt(-100) : inside975 ? opt(-8) : opt(1));
    s.var_99.push_back(opt(10));
    s.var_975.push_back(opt(7));
  }
  const auto r = rr::backtest(s);
  CHECK(r.full.rows == 300);
  CHECK(r.full.level_99.statistics.exceptions == 26);
  CHECK(r.last_250.first == 50);
  CHECK(r.last_250.rows == 250);
  CHECK(r.last_250.level_99.statistics.exceptions == 6);
  CHECK(r.last_250.level_975.statistics.exceptions == 37);
  CHECK(r.basel.zone == rr::traffic_light::yellow);
  CHECK(r.basel.plus_factor == 0.50);
  CHECK(r.frtb_multiplier == 1.76);
  CHECK(r.desk == rr::desk_eligibility::ineligible);  // 37 > 30 at 97.5%
  CHECK_THROWS_AS(rr::backtest(rr::backtest_series{}), riskgrid::error);
}

TEST_CASE("backtest.csv loads with missing cells, and bad rows name file and line", "[risk][backtest][io]") {
  const std::string good =
      "Date,PnL,VaR_99,VaR_975,HPL,comment\n"
      "# a comment line counts\n"
      "2026-01-02,-5,10,7,-4,x\n"
      "\n"
      "2026-01-05,,10,7,1,\n"
      "2026-01-06,3,,7,,\n";
  const auto in = riskgrid::io::load_backtest(riskgrid::io::csv_table::parse(good, "bt.csv"));
  REQUIRE(in.dates.size() == 3);
  CHECK(in.lines == std::vector<std::size_t>{3, 5, 6});
  CHECK(in.series.pnl[0] == opt(-5));
  CHECK(!in.series.pnl[1]);
  CHECK(!in.series.var_99[2]);
  CHECK(!in.series.hpl[2]);
  CHECK(in.series.hpl[1] == opt(1));
  const auto r = rr::backtest(in.series);
  CHECK(r.full.level_99.exceptions_actual == 2);        // missing P&L, missing VaR
  CHECK(r.full.level_99.exceptions_hypothetical == 1u);  // missing VaR and hpl: one day
  CHECK(r.full.level_975.exceptions_actual == 1);        // missing P&L

  const auto error_of = [](const std::string& text) {
    try {
      (void)riskgrid::io::load_backtest(riskgrid::io::csv_table::parse(text, "bt.csv"));
    } catch (const riskgrid::input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  const std::string header = "date,pnl,var_99,var_975\n";
  CHECK(error_of(header + "2026-01-02,1,2,3\n2026-01-03,12abc,2,3\n") ==
        "bt.csv:3: pnl: expected a finite decimal number, got '12abc'");
  CHECK(error_of(header + "2026-01-02,1,2,3\n# c\n2026-01-02,1,2,3\n") ==
        "bt.csv:4: date: dates must be strictly increasing: got 2026-01-02 after 2026-01-02 on line 2");
  CHECK(error_of(header + "2026-02-30,1,2,3\n") == "bt.csv:2: date: expected a date YYYY-MM-DD, got '2026-02-30'");
  CHECK(error_of(header + ",1,2,3\n") == "bt.csv:2: date: missing value");
  CHECK(error_of(header + "2026-01-02,1,2\n") == "bt.csv:2: expected 4 fields, got 3");
  CHECK(error_of("date,pnl,var_99\n2026-01-02,1,2\n") == "bt.csv:1: missing required column 'var_975'");
  CHECK(error_of(header) == "bt.csv: no data row: expected at least one day");
  CHECK(error_of(header + "2026-01-02,nan,2,3\n") == "bt.csv:2: pnl: expected a finite decimal number, got 'nan'");
}
