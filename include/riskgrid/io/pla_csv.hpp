#pragma once

#include <cstddef>
#include <string>
#include <vector>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"

namespace riskgrid::io {

/// pla.csv as loaded: hypothetical and risk-theoretical P&L per day, in date order.
struct pla_input {
  std::vector<date> dates;
  std::vector<std::size_t> lines;  ///< 1-based physical line of each day
  std::vector<double> hpl;
  std::vector<double> rtpl;
};

/// Loads pla.csv (DESIGN.md §6): columns `date, hpl, rtpl` (any order, any case; other
/// columns ignored), every cell required. Throws input_error(file, line, column, reason)
/// for a missing required column (header line), no data row (whole file), a missing or
/// malformed date or one not strictly after the previous row's, a missing, malformed or
/// non-finite number (its cell). O(rows).
[[nodiscard]] inline pla_input load_pla(const csv_table& table) {
  const auto date_column = table.require_column("date");
  const auto hpl_column = table.require_column("hpl");
  const auto rtpl_column = table.require_column("rtpl");
  if (table.rows().empty()) throw input_error(table.source(), "no data row: expected at least one day");
  pla_input in;
  for (const auto& row : table.rows()) {
    const row_reader r(table, row);
    (void)r.required_text(date_column, "date");
    const date d = *r.optional_date(date_column);
    if (!in.dates.empty() && !(in.dates.back() < d))
      r.fail(date_column, "dates must be strictly increasing: got " + format_iso_date(d) + " after " +
                              format_iso_date(in.dates.back()) + " on line " + std::to_string(in.lines.back()));
    in.dates.push_back(d);
    in.lines.push_back(row.line);
    in.hpl.push_back(r.number(hpl_column, "hpl"));
    in.rtpl.push_back(r.number(rtpl_column, "rtpl"));
  }
  return in;
}

/// Reads `path` and loads it.
[[nodiscard]] inline pla_input load_pla(const std::string& path) {
  return load_pla(csv_table::read_file(path));
}

}  // namespace riskgrid::io
