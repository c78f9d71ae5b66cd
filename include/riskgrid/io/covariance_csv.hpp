#pragma once

#include <cmath>
#include <string>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/scenario/covariance.hpp"

namespace riskgrid::io {

/// Loads covariance.csv (DESIGN.md §6): a label cell then factor names in the header,
/// then one row per factor, in the header's order, starting with its name. Throws
/// input_error on the offending line for a non-square matrix, a row out of order, a bad
/// number, a negative variance or an asymmetry beyond 1e-12·sqrt(Σ_ii·Σ_jj).
/// Positive semi-definiteness is the model's check (scenario::check_covariance).
[[nodiscard]] inline scenario::covariance load_covariance(const csv_table& table) {
  const auto& header = table.header();
  if (header.size() < 2)
    throw input_error(table.source(), table.header_line(), 0,
                      "expected a label cell then at least one factor name in the header");
  std::vector<std::string> names(header.begin() + 1, header.end());
  const auto n = names.size();
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j)
      if (names[i] == names[j])
        throw input_error(table.source(), table.header_line(), i + 2, "duplicate factor '" + names[i] + "'");
  if (table.rows().size() != n)
    throw input_error(table.source(), "not square: " + std::to_string(n) + " factor columns but " +
                                          std::to_string(table.rows().size()) + " rows");
  Eigen::MatrixXd a(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(n));
  for (std::size_t i = 0; i < n; ++i) {
    const auto& row = table.rows()[i];
    const row_reader r(table, row);
    if (row.fields[0] != names[i])
      r.fail(std::size_t{0}, "expected factor '" + names[i] + "' (the header's order), got '" + row.fields[0] + "'");
    for (std::size_t j = 0; j < n; ++j)
      a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) = r.number(j + 1, names[j]);
    const double v = a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
    if (v < 0.0) r.fail(i + 1, "negative variance " + to_shortest(v));
  }
  for (std::size_t i = 0; i < n; ++i)
    for (std::size_t j = 0; j < i; ++j) {
      const auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
      if (std::abs(a(ii, jj) - a(jj, ii)) > 1e-12 * (std::sqrt(a(ii, ii)) * std::sqrt(a(jj, jj))))
        row_reader(table, table.rows()[i])
            .fail(j + 1, "not symmetric: " + to_shortest(a(ii, jj)) + " here but " +
                             to_shortest(a(jj, ii)) + " at (" + names[j] + ", " +
                             names[i] + ") on line " + std::to_string(table.rows()[j].line));
    }
  return {scenario::factor_set(std::move(names)), std::move(a)};
}

[[nodiscard]] inline scenario::covariance load_covariance(const std::string& path) {
  return load_covariance(csv_table::read_file(path, header_case::sensitive));
}

}  // namespace riskgrid::io
