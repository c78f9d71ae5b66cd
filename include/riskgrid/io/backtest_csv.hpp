#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <vector>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/risk/backtest.hpp"

namespace riskgrid::io {

/// backtest.csv as loaded: the days in date order and the 1-based physical line of each.
struct backtest_input {
  std::vector<date> dates;
  std::vector<std::size_t> lines;
  risk::backtest_series series;
};

/// Loads backtest.csv (DESIGN.md §6): columns `date, pnl, var_99, var_975` and optionally
/// `hpl` (any order, any case; other columns ignored). A P&L or VaR cell may be empty: a
/// missing value, which the backtest counts as an exception. Throws
/// input_error(file, line, column, reason) for:
/// - a missing required column (header line);
/// - no data row (whole file);
/// - a missing or malformed date, or one not strictly after the previous row's (its cell;
///   the message names the previous row's line and date);
/// - a malformed or non-finite number (its cell).
/// O(rows).
[[nodiscard]] inline backtest_input load_backtest(const csv_table& table) {
  const auto date_column = table.require_column("date");
  const auto pnl_column = table.require_column("pnl");
  const auto var_99_column = table.require_column("var_99");
  const auto var_975_column = table.require_column("var_975");
  const auto hpl_column = table.column("hpl");
  if (table.rows().empty()) throw input_error(table.source(), "no data row: expected at least one day");
  backtest_input in;
  const auto rows = table.rows().size();
  in.dates.reserve(rows);
  in.lines.reserve(rows);
  for (const auto& row : table.rows()) {
    const row_reader r(table, row);
    (void)r.required_text(date_column, "date");
    const date d = *r.optional_date(date_column);
    if (!in.dates.empty() && !(in.dates.back() < d))
      r.fail(date_column, "dates must be strictly increasing: got " + format_iso_date(d) + " after " +
                              format_iso_date(in.dates.back()) + " on line " + std::to_string(in.lines.back()));
    in.dates.push_back(d);
    in.lines.push_back(row.line);
    in.series.pnl.push_back(r.optional_number(pnl_column));
    in.series.var_99.push_back(r.optional_number(var_99_column));
    in.series.var_975.push_back(r.optional_number(var_975_column));
    if (hpl_column) in.series.hpl.push_back(r.optional_number(hpl_column));
  }
  return in;
}

/// Reads `path` and loads it.
[[nodiscard]] inline backtest_input load_backtest(const std::string& path) {
  return load_backtest(csv_table::read_file(path));
}

}  // namespace riskgrid::io
