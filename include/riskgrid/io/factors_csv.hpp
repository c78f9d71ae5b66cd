#pragma once

#include <charconv>
#include <cstddef>
#include <optional>
#include <string>
#include <system_error>
#include <unordered_map>
#include <utility>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/risk/frtb.hpp"

namespace riskgrid::io {

/// Options of load_factors.
struct factors_options {
  /// The bank's domestic currency: its rates take the 10-day default horizon (MAR33.12).
  std::string domestic_currency;
};

/// Loads factors.csv (DESIGN.md §6, FRTB): columns `factor, risk_class, liquidity_horizon,
/// modellable, reduced_set` (header names case-insensitive, any order, unknown columns
/// ignored) and an optional `idiosyncratic`:
/// - `factor`: the factor name, case-sensitive, unique;
/// - `risk_class`: `ir|credit|equity|fx|commodity` (case-insensitive, `_`/`-` ignored);
/// - `liquidity_horizon`: 10, 20, 40, 60 or 120 days; empty = the MAR33.12 category
///   default of risk::frtb::default_liquidity_horizon (an error where it has none);
/// - `modellable`, `reduced_set`: `true|false|yes|no|1|0`; the reduced set holds
///   modellable factors only;
/// - `idiosyncratic` (optional; empty = the default): whether the factor's SES is
///   aggregated at zero correlation (MAR33.17). Default: true for equity (in riskgrid's
///   naming every `EQ.<NAME>.*` factor is one issuer's), false otherwise; only equity and
///   credit factors may be idiosyncratic.
/// Throws input_error(file, line, column, reason) for a missing column (header line), a
/// missing or bad value (its cell), a duplicate factor (its cell, naming the first line),
/// a non-modellable factor in the reduced set, and a file without factors.
[[nodiscard]] inline risk::frtb::factor_table load_factors(const csv_table& table, const factors_options& options = {}) {
  namespace frtb = risk::frtb;
  const auto c_factor = table.require_column("factor");
  const auto c_class = table.require_column("risk_class");
  const auto c_horizon = table.require_column("liquidity_horizon");
  const auto c_modellable = table.require_column("modellable");
  const auto c_reduced = table.require_column("reduced_set");
  const auto c_idio = table.column("idiosyncratic");
  if (table.rows().empty()) throw input_error(table.source(), "no factor: expected one row per risk factor");

  std::vector<frtb::factor_class> out;
  out.reserve(table.rows().size());
  std::unordered_map<std::string, std::size_t> first_line;
  for (const auto& row : table.rows()) {
    const row_reader r(table, row);
    frtb::factor_class f;
    f.line = row.line;
    f.name = std::string(r.required_text(c_factor, "factor"));
    if (const auto [it, fresh] = first_line.emplace(f.name, row.line); !fresh)
      r.fail(c_factor, "duplicate factor '" + f.name + "' (first on line " + std::to_string(it->second) + ")");
    const auto cls_text = r.required_text(c_class, "risk_class");
    const auto cls = frtb::parse_risk_class(cls_text);
    if (!cls) r.fail(c_class, "expected ir, credit, equity, fx or commodity, got '" + std::string(cls_text) + "'");
    f.cls = *cls;
    if (r.text(c_horizon).empty()) {
      const auto d = frtb::default_liquidity_horizon(f.name, f.cls, options.domestic_currency);
      if (!d)
        r.fail(c_horizon, "missing value, and MAR33.12 gives no default for " + std::string(frtb::to_string(f.cls)) +
                              " factor '" + f.name + "': expected 10, 20, 40, 60 or 120");
      f.liquidity_horizon = *d;
    } else {
      const auto text = r.text(c_horizon);
      int days = 0;
      const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), days);
      if (ec != std::errc() || end != text.data() + text.size() || !frtb::is_liquidity_horizon(days))
        r.fail(c_horizon, "expected 10, 20, 40, 60 or 120 (days), got '" + std::string(text) + "'");
      f.liquidity_horizon = days;
    }
    (void)r.required_text(c_modellable, "modellable");
    f.modellable = *r.optional_bool(c_modellable);
    (void)r.required_text(c_reduced, "reduced_set");
    f.reduced_set = *r.optional_bool(c_reduced);
    if (f.reduced_set && !f.modellable)
      r.fail(c_reduced, "a non-modellable factor cannot be in the reduced set (MAR33.5: the reduced set is of "
                        "modellable factors)");
    const bool may_be_idiosyncratic = f.cls == frtb::risk_class::equity || f.cls == frtb::risk_class::credit;
    f.idiosyncratic = f.cls == frtb::risk_class::equity;
    if (const auto idio = r.optional_bool(c_idio)) {
      if (*idio && !may_be_idiosyncratic)
        r.fail(c_idio, "only equity and credit factors can be idiosyncratic (MAR33.17), this one is " +
                           std::string(frtb::to_string(f.cls)));
      f.idiosyncratic = *idio;
    }
    out.push_back(std::move(f));
  }
  return risk::frtb::factor_table(std::move(out));
}

/// Reads `path` and loads it. Header names are case-insensitive; factor names (cells) are
/// case-sensitive.
[[nodiscard]] inline risk::frtb::factor_table load_factors(const std::string& path, const factors_options& options = {}) {
  return load_factors(csv_table::read_file(path), options);
}

}  // namespace riskgrid::io
