#pragma once

#include <cstddef>
#include <string>
#include <utility>
#include <vector>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/history.hpp"

namespace riskgrid::io {

/// Loads history.csv (DESIGN.md §6): the header is `date` (any case) then one factor
/// name per column (case-sensitive); each row is an ISO date then one daily shock per
/// factor. Throws input_error(file, line, column, reason) for:
/// - a first header cell other than `date` (line of the header, column 1), a second
///   `date` column or a duplicate factor (its column), no factor column (column 0);
/// - no data row (whole file, line 0);
/// - a missing or malformed date (its cell), a date not strictly after the previous
///   row's (its cell; the message names the previous row's line and date);
/// - a missing, malformed or non-finite shock (its cell).
/// The result satisfies scenario::check_history. O(rows·factors).
[[nodiscard]] inline scenario::history load_history(const csv_table& table) {
  const auto& header = table.header();
  const auto header_line = table.header_line();
  if (detail::lower(header.front()) != "date")
    throw input_error(table.source(), header_line, 1,
                      "expected 'date' as the first column, got '" + header.front() + "'");
  if (header.size() < 2)
    throw input_error(table.source(), header_line, 0, "no factor column: expected 'date' then factor names");
  std::vector<std::string> names(header.begin() + 1, header.end());
  for (std::size_t i = 0; i < names.size(); ++i) {
    if (detail::lower(names[i]) == "date")
      throw input_error(table.source(), header_line, i + 2, "a second date column '" + names[i] + "'");
    // csv_table already refuses repeated header names; this keeps the loader's contract
    // whatever header_case the table was read with.
    for (std::size_t j = 0; j < i; ++j)
      if (names[i] == names[j])
        throw input_error(table.source(), header_line, i + 2,
                          "duplicate factor '" + names[i] + "' (first in column " + std::to_string(j + 2) + ")");
  }
  if (table.rows().empty()) throw input_error(table.source(), "no data row: expected at least one day of shocks");

  const auto n = names.size();
  scenario::history h;
  h.dates.reserve(table.rows().size());
  h.shocks.reserve(table.rows().size() * n);
  const csv_row* previous = nullptr;
  for (const auto& row : table.rows()) {
    const row_reader r(table, row);
    (void)r.required_text(std::size_t{0}, "date");
    const date d = *r.optional_date(std::size_t{0});
    if (previous != nullptr && !(h.dates.back() < d))
      r.fail(std::size_t{0}, "dates must be strictly increasing: got " + format_iso_date(d) + " after " +
                                 format_iso_date(h.dates.back()) + " on line " + std::to_string(previous->line));
    h.dates.push_back(d);
    for (std::size_t f = 0; f < n; ++f) h.shocks.push_back(r.number(f + 1, names[f]));
    previous = &row;
  }
  h.factors = scenario::factor_set(std::move(names));
  return h;
}

/// Reads `path` with case-sensitive header names (factor names) and loads it.
[[nodiscard]] inline scenario::history load_history(const std::string& path) {
  return load_history(csv_table::read_file(path, header_case::sensitive));
}

}  // namespace riskgrid::io
