#include <cmath>
#include <map>
#include <string>

#include <catch2/catch.hpp>

#include "riskgrid/core/date.hpp"
#include "riskgrid/io/covariance_csv.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/market_csv.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/io/portfolio_csv.hpp"
#include "riskgrid/portfolio/book.hpp"

namespace {
const std::string sample = RISKGRID_SOURCE_DIR "/examples/data/";
}

TEST_CASE("the bundled 582-trade book binds and its base values equal generate.py's closed forms",
          "[portfolio][book][sample]") {
  // base_values.csv holds each trade's base value in USD computed by examples/data/
  // generate.py with its own Python closed forms (math.erfc, its own curve and schedule
  // code): an oracle independent of the C++ pricers. Barriers and Americans are absent.
  const auto market = riskgrid::io::load_market(sample + "market.csv");
  const auto covariance = riskgrid::io::load_covariance(sample + "covariance.csv");
  const riskgrid::portfolio::book book(riskgrid::io::load_portfolio(sample + "portfolio.csv"), market,
                                       covariance.factors,
                                       {.base_currency = "USD", .as_of = riskgrid::parse_iso_date("2026-11-25")});
  REQUIRE(book.size() == 582);
  std::map<std::string, double> cpp;
  for (const auto& t : book.trades()) cpp[t.id] = t.base_value;

  const auto table = riskgrid::io::csv_table::read_file(sample + "base_values.csv");
  const auto id = table.require_column("id"), value = table.require_column("base_value_usd");
  std::size_t compared = 0;
  double worst = 0.0;
  for (const auto& row : table.rows()) {
    const riskgrid::io::row_reader r(table, row);
    const std::string name(r.text(id));
    const double expected = r.number(value, "base_value_usd");
    REQUIRE(cpp.count(name) == 1);
    // Forwards, swaps and bonds are differences of amounts up to 1e10 (JPY notionals):
    // rounding in either implementation is ~1e-16 of those amounts, so the bound is
    // relative with an absolute floor of 1e-4 USD.
    const double error = std::abs(cpp[name] - expected);
    worst = std::max(worst, error / std::max(std::abs(expected), 1e6));
    INFO(name << ": riskgrid " << cpp[name] << ", generate.py " << expected);
    CHECK(error <= 1e-9 * std::abs(expected) + 1e-4);
    ++compared;
  }
  CHECK(compared == 556);
  WARN("largest difference relative to max(|value|, 1e6 USD): " << worst);
}
