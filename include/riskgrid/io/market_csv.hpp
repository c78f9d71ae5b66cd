#pragma once

#include <string>
#include <unordered_map>

#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/market/base_market.hpp"

namespace riskgrid::io {

/// Loads market.csv (`factor,value`, DESIGN.md §6). Throws input_error for a missing
/// column or value, a bad factor name or number, a spot/vol that is not positive, a
/// duplicate factor (naming the first line) or a file without data rows.
[[nodiscard]] inline market::base_market load_market(const csv_table& table) {
  const auto factor = table.require_column("factor");
  const auto value = table.require_column("value");
  market::base_market m;
  std::unordered_map<std::string, std::size_t> first_line;
  for (const auto& row : table.rows()) {
    const row_reader r(table, row);
    const std::string name(r.required_text(factor, "factor"));
    const double v = r.number(value, "value");
    if (const auto it = first_line.find(name); it != first_line.end())
      r.fail(factor, "duplicate factor '" + name + "' (first on line " + std::to_string(it->second) + ")");
    // A bad name is the factor cell's defect; once the name is good, what add() rejects
    // (a non-positive spot or vol) is the value cell's.
    try {
      (void)market::parse_risk_factor(name);
    } catch (const error& e) {
      r.fail(factor, e.what());
    }
    try {
      m.add(name, v);
    } catch (const input_error&) {
      throw;
    } catch (const error& e) {
      r.fail(value, e.what());
    }
    first_line.emplace(name, row.line);
  }
  if (m.size() == 0) throw input_error(table.source(), "no market factor (no data rows)");
  return m;
}

[[nodiscard]] inline market::base_market load_market(const std::string& path) {
  return load_market(csv_table::read_file(path));
}

}  // namespace riskgrid::io
