#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/io/pla_csv.hpp"
#include "riskgrid/risk/pla.hpp"

namespace rr = riskgrid::risk;

namespace {

// The inputs of tests/risk/reference/backtest_pla_reference.py, by the same integer rules.
std::vector<double> ties_x() {
  std::vector<double> x;
  for (long i = 0; i < 40; ++i) x.push_back(static_cast<double>((i * i * 7 + 3 * i) % 23 - 11));
  return x;
}
std::vector<double> ties_y() {
  const auto x = ties_x();
  std::vector<double> y;
  for (long i = 0; i < 40; ++i) y.push_back(x[static_cast<std::size_t>(i)] + static_cast<double>((i * 13) % 7 - 3));
  return y;
}
std::vector<double> desk_hpl() {
  std::vector<double> h;
  for (long i = 0; i < 250; ++i) h.push_back(static_cast<double>((i * 7919 + 13) % 1000 - 500) / 8.0);
  return h;
}
std::vector<double> desk_rtpl() {
  const auto h = desk_hpl();
  std::vector<double> r;
  for (long i = 0; i < 250; ++i)
    r.push_back(h[static_cast<std::size_t>(i)] * 3.0 / 4.0 + static_cast<double>((i * 31) % 97 - 48) / 4.0);
  return r;
}

}  // namespace

TEST_CASE("Spearman and KS equal scipy's spearmanr and ks_2samp", "[risk][pla]") {
  // Printed by backtest_pla_reference.py (scipy 1.10.1).
  const auto x = ties_x(), y = ties_y();
  CHECK(rr::spearman_correlation(x, y) == Approx(0.9613455322501814).epsilon(1e-14));
  CHECK(rr::ks_statistic(x, y) == Approx(0.15).epsilon(1e-15));
  const auto short_x = std::vector<double>(x.begin(), x.begin() + 30);
  CHECK(rr::ks_statistic(short_x, y) == Approx(0.16666666666666666).epsilon(1e-15));
  const auto h = desk_hpl(), r = desk_rtpl();
  const auto pla = rr::pla_test(h, r);
  CHECK(pla.n == 250);
  CHECK(pla.spearman == Approx(0.9689915038640619).epsilon(1e-14));
  CHECK(pla.ks == Approx(0.116).epsilon(1e-15));
  CHECK(pla.zone == rr::pla_zone::amber);  // Spearman > 0.80 but KS ≥ 0.09
}

TEST_CASE("Spearman averages the ranks of ties", "[risk][pla]") {
  // Ranks x {1, 2.5, 2.5, 4}, y {1, 3, 2, 4}: Σdxdy = 4.5, Σdx² = 4.5, Σdy² = 5,
  // ρ = 4.5/√22.5 (ordinal ranks for the tie would give 0.8 or 1).
  const std::vector<double> x{1, 2, 2, 3}, y{1, 3, 2, 4};
  CHECK(rr::average_ranks(x) == std::vector<double>{1, 2.5, 2.5, 4});
  CHECK(rr::spearman_correlation(x, y) == Approx(4.5 / std::sqrt(22.5)).epsilon(1e-15));
  // Order of the days does not matter; a monotone transform does not either.
  const std::vector<double> x2{3, 2, 1, 2}, y2{4, 2, 1, 3};
  CHECK(rr::spearman_correlation(x2, y2) == rr::spearman_correlation(x, y));
  const std::vector<double> cubes{1, 8, 8, 27};
  CHECK(rr::spearman_correlation(cubes, y) == rr::spearman_correlation(x, y));
  const std::vector<double> flat{5, 5, 5, 5};
  CHECK_THROWS_AS(rr::spearman_correlation(flat, y), riskgrid::model_error);
  CHECK_THROWS_AS(rr::spearman_correlation(std::vector<double>{1}, std::vector<double>{2}), riskgrid::error);
}

TEST_CASE("KS on hand examples, ties taken together", "[risk][pla]") {
  // F_a − F_b at 4: 1 − 2/6 = 2/3, the largest gap.
  const std::vector<double> a{1, 2, 3, 4}, b{3, 4, 5, 6, 7, 8};
  CHECK(rr::ks_statistic(a, b) == 2.0 / 3.0);
  CHECK(rr::ks_statistic(b, a) == 2.0 / 3.0);
  // All of a's zeros and one of b's at 0: F_a(0) = 1, F_b(0) = 1/3. Stepping through
  // the tie one value at a time would report 1.
  const std::vector<double> zeros{0, 0, 0}, mixed{0, 1, 1};
  CHECK(rr::ks_statistic(zeros, mixed) == 2.0 / 3.0);
  CHECK(rr::ks_statistic(a, a) == 0.0);
  CHECK_THROWS_AS(rr::ks_statistic(std::vector<double>{}, a), riskgrid::error);
}

TEST_CASE("PLA zones at the MAR32.42 boundaries", "[risk][pla]") {
  using enum rr::pla_zone;
  CHECK(rr::pla_zone_of(0.81, 0.08) == green);
  CHECK(rr::pla_zone_of(0.80, 0.08) == amber);  // Spearman must exceed 0.80
  CHECK(rr::pla_zone_of(0.81, 0.09) == amber);  // KS must be below 0.09
  CHECK(rr::pla_zone_of(0.70, 0.10) == amber);
  CHECK(rr::pla_zone_of(std::nextafter(0.70, 0.0), 0.05) == red);
  CHECK(rr::pla_zone_of(0.95, 0.12) == amber);
  CHECK(rr::pla_zone_of(0.95, std::nextafter(0.12, 1.0)) == red);
  CHECK(rr::to_string(amber) == "amber");

  // KS of two 250-day samples shifted by k days is exactly k/250: 22 → green,
  // 30 → 0.12 exactly → amber, 31 → red; the pairing keeps Spearman at 1.
  for (const auto& [shift, zone] : {std::pair{22, green}, std::pair{30, amber}, std::pair{31, red}}) {
    std::vector<double> h, r;
    for (int i = 0; i < 250; ++i) {
      h.push_back(i);
      r.push_back(i + shift);
    }
    const auto result = rr::pla_test(h, r);
    INFO("shift " << shift);
    CHECK(result.ks == static_cast<double>(shift) / 250.0);
    CHECK(result.spearman == 1.0);
    CHECK(result.zone == zone);
  }
}

TEST_CASE("pla.csv loads, and bad rows name file and line", "[risk][pla][io]") {
  const auto in = riskgrid::io::load_pla(riskgrid::io::csv_table::parse(
      "RTPL,date,HPL\n# c\n1.5,2026-01-02,2\n-3,2026-01-05,-2.5\n", "pla.csv"));
  CHECK(in.hpl == std::vector<double>{2, -2.5});
  CHECK(in.rtpl == std::vector<double>{1.5, -3});
  CHECK(in.lines == std::vector<std::size_t>{3, 4});
  const auto error_of = [](const std::string& text) {
    try {
      (void)riskgrid::io::load_pla(riskgrid::io::csv_table::parse(text, "pla.csv"));
    } catch (const riskgrid::input_error& e) {
      return std::string(e.what());
    }
    return std::string("no error");
  };
  CHECK(error_of("date,hpl,rtpl\n2026-01-02,1,\n") == "pla.csv:2: rtpl: missing value");
  CHECK(error_of("date,hpl,rtpl\n2026-01-02,1,2\n2026-01-01,1,2\n") ==
        "pla.csv:3: date: dates must be strictly increasing: got 2026-01-01 after 2026-01-02 on line 2");
  CHECK(error_of("date,hpl,rtpl\n2026-01-02,inf,2\n") == "pla.csv:2: hpl: expected a finite decimal number, got 'inf'");
  CHECK(error_of("date,hpl\n2026-01-02,1\n") == "pla.csv:1: missing required column 'rtpl'");
  CHECK(error_of("date,hpl,rtpl\n") == "pla.csv: no data row: expected at least one day");
}
