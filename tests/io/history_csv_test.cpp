#include <riskgrid/core/date.hpp>
#include <riskgrid/io/csv_table.hpp>
#include <riskgrid/io/history_csv.hpp>
#include <riskgrid/scenario/history.hpp>

#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>

namespace {

namespace fs = std::filesystem;
using Catch::Matchers::Contains;
using riskgrid::input_error;

using riskgrid::testing::temp_dir;

// The input_error that loading `text` as history.csv throws; fails if none is thrown.
input_error history_error(const temp_dir& dir, const std::string& text) {
  const auto path = dir.write("history.csv", text);
  try {
    (void)riskgrid::io::load_history(path);
  } catch (const input_error& e) {
    CHECK(e.source() == path);
    return e;
  }
  throw std::runtime_error("expected an input_error, none was thrown");
}

riskgrid::date day(const char* iso) { return *riskgrid::parse_iso_date(iso); }

}  // namespace

TEST_CASE("load_history reads the bundled history: 1,600 days of 87 factors", "[io][history_csv]") {
  const auto h = riskgrid::io::load_history(RISKGRID_SOURCE_DIR "/examples/data/history.csv");
  REQUIRE(h.rows() == 1600);
  REQUIRE(h.factors.size() == 87);
  CHECK(h.shocks.size() == 1600 * 87);
  CHECK(h.factors.name(0) == "EQ.AAPL.SPOT");
  CHECK(h.factors.name(1) == "EQ.MSFT.SPOT");
  CHECK(h.dates.front() == day("2020-10-08"));
  CHECK(h.dates.back() == day("2026-11-25"));
  CHECK(h.shock(0, 0) == -0.009062102129);
  CHECK(h.shock(1, 0) == 0.00566113755);
  CHECK(h.shock(0, 1) == -0.001515481339);
  REQUIRE_NOTHROW(riskgrid::scenario::check_history(h));
}

TEST_CASE("load_history finds 'date' in any case, keeps factor names case-sensitive, skips comments",
          "[io][history_csv]") {
  const temp_dir dir;
  const auto path = dir.write("history.csv",
                              "# daily shocks\r\n"
                              "DATE,EQ.A.SPOT,eq.a.spot\r\n"
                              "\r\n"
                              "2026-01-05,0.01,-2e-3\r\n"
                              "# holiday\r\n"
                              "2026-01-07, -0.5 ,\"+1.5E-2\"\r\n");
  const auto h = riskgrid::io::load_history(path);
  REQUIRE(h.factors.size() == 2);
  CHECK(h.factors.name(0) == "EQ.A.SPOT");
  CHECK(h.factors.name(1) == "eq.a.spot");
  REQUIRE(h.rows() == 2);
  CHECK(h.dates[1] == day("2026-01-07"));
  CHECK(h.shock(0, 1) == -2e-3);
  CHECK(h.shock(1, 0) == -0.5);
  CHECK(h.shock(1, 1) == 1.5e-2);
}

TEST_CASE("load_history rejects dates that do not increase, naming both lines", "[io][history_csv]") {
  const temp_dir dir;
  const std::string header =
      "date,A,B\n"               // 1
      "2026-01-05,0.1,0.2\n"     // 2
      "# comment\n";             // 3
  SECTION("the same date twice") {
    const auto e = history_error(dir, header + "2026-01-05,0.3,0.4\n");
    CHECK(e.line() == 4);
    CHECK(e.column() == 1);
    CHECK(e.reason() ==
          "date: dates must be strictly increasing: got 2026-01-05 after 2026-01-05 on line 2");
  }
  SECTION("an earlier date") {
    const auto e = history_error(dir, header + "2026-01-06,0,0\n\n2026-01-02,0.3,0.4\n");
    CHECK(e.line() == 6);
    CHECK(e.column() == 1);
    CHECK_THAT(e.reason(), Contains("got 2026-01-02 after 2026-01-06 on line 4"));
    CHECK(std::string(e.what()).find(":6: ") != std::string::npos);
  }
}

TEST_CASE("load_history rejects a malformed or missing date at its cell", "[io][history_csv]") {
  const temp_dir dir;
  for (const std::string bad : {"2026-02-30", "20260105", "2026-1-05", "yesterday"}) {
    INFO("date " << bad);
    const auto e = history_error(dir, "date,A\n2026-01-01,0\n" + bad + ",0.1\n");
    CHECK(e.line() == 3);
    CHECK(e.column() == 1);
    CHECK_THAT(e.reason(), Contains("expected a date YYYY-MM-DD, got '" + bad + "'"));
  }
  const auto e = history_error(dir, "date,A\n,0.1\n");
  CHECK(e.line() == 2);
  CHECK(e.column() == 1);
  CHECK_THAT(e.reason(), Contains("missing value"));
}

TEST_CASE("load_history rejects a duplicate factor column at the second one", "[io][history_csv]") {
  const temp_dir dir;
  const auto e = history_error(dir, "# c\ndate,EQ.A.SPOT,EQ.B.SPOT,EQ.A.SPOT\n2026-01-05,1,2,3\n");
  CHECK(e.line() == 2);
  CHECK(e.column() == 4);
  CHECK_THAT(e.reason(), Contains("duplicate") && Contains("'EQ.A.SPOT'"));
  // A table read with case-insensitive names: the loader's own check still holds.
  const auto table = riskgrid::io::csv_table::parse("date,A,B\n2026-01-05,1,2\n", "mem.csv",
                                                    riskgrid::io::header_case::insensitive);
  CHECK(riskgrid::io::load_history(table).factors.size() == 2);
}

TEST_CASE("load_history rejects a non-numeric, non-finite or missing shock at its cell", "[io][history_csv]") {
  const temp_dir dir;
  for (const std::string bad : {"abc", "nan", "inf", "-inf", "1e400", "12abc", "0x10", "1,5"}) {
    INFO("cell " << bad);
    const auto e = history_error(dir, "date,A,B,C\n2026-01-05,0,0,0\n\n2026-01-06,0.1,\"" + bad + "\",0.3\n");
    CHECK(e.line() == 4);
    CHECK(e.column() == 3);
    CHECK(e.reason() == "B: expected a finite decimal number, got '" + bad + "'");
  }
  const auto e = history_error(dir, "date,A,B,C\n2026-01-05,0.1,0.2,\n");
  CHECK(e.line() == 2);
  CHECK(e.column() == 4);
  CHECK(e.reason() == "C: missing value");
}

TEST_CASE("load_history rejects an empty file, a file without rows and a header without factors",
          "[io][history_csv]") {
  const temp_dir dir;
  SECTION("empty file") {
    const auto e = history_error(dir, "");
    CHECK(e.line() == 0);
    CHECK(e.reason() == "empty file (no header row)");
  }
  SECTION("only comments and blank lines") {
    const auto e = history_error(dir, "# nothing\n\n");
    CHECK(e.line() == 0);
    CHECK(e.reason() == "empty file (no header row)");
  }
  SECTION("a header and no row") {
    const auto e = history_error(dir, "date,A,B\n# no data\n");
    CHECK(e.line() == 0);
    CHECK(e.column() == 0);
    CHECK(e.reason() == "no data row: expected at least one day of shocks");
  }
  SECTION("no factor column") {
    const auto e = history_error(dir, "\ndate\n2026-01-05\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 0);
    CHECK_THAT(e.reason(), Contains("no factor column"));
  }
}

TEST_CASE("load_history rejects a header that does not start with date, or a second date column",
          "[io][history_csv]") {
  const temp_dir dir;
  const auto first = history_error(dir, "day,A\n2026-01-05,0.1\n");
  CHECK(first.line() == 1);
  CHECK(first.column() == 1);
  CHECK(first.reason() == "expected 'date' as the first column, got 'day'");
  const auto factor_first = history_error(dir, "A,date\n0.1,2026-01-05\n");
  CHECK(factor_first.column() == 1);
  const auto second = history_error(dir, "date,A,Date\n2026-01-05,0.1,0.2\n");
  CHECK(second.line() == 1);
  CHECK(second.column() == 3);
  CHECK_THAT(second.reason(), Contains("second date column 'Date'"));
}

TEST_CASE("load_history rejects a row with the wrong number of fields at its line", "[io][history_csv]") {
  const temp_dir dir;
  const auto e = history_error(dir, "date,A,B\n2026-01-05,0.1,0.2\n2026-01-06,0.1\n");
  CHECK(e.line() == 3);
  CHECK_THAT(e.reason(), Contains("expected 3 fields, got 2"));
}
