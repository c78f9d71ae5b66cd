#pragma once

#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/portfolio/trade.hpp"

namespace riskgrid::io {

/// Loads portfolio.csv (DESIGN.md §6) into typed trades. Checks what a row can tell
/// alone: required `id` and `type` columns and values, known trade type and
/// enumerations, numbers and dates well-formed, positive strikes/barriers, non-negative
/// rebates and notionals, allowed payment frequencies, unique ids (naming the first
/// line). Binding to a market (underlyings, currencies, factors) is portfolio::book's.
[[nodiscard]] inline std::vector<portfolio::trade> load_portfolio(const csv_table& table) {
  const auto id = table.require_column("id");
  const auto type = table.require_column("type");
  const auto col = [&](const char* name) { return table.column(name); };
  const auto desk = col("desk"), underlying = col("underlying"), currency = col("currency"),
             quantity = col("quantity"), strike = col("strike"), maturity = col("maturity"),
             option = col("option"), barrier = col("barrier"), barrier_type = col("barrier_type"),
             rebate = col("rebate"), notional = col("notional"), rate = col("rate"),
             frequency = col("frequency"), pay_fixed = col("pay_fixed"), factor = col("factor"),
             delta = col("delta"), gamma = col("gamma");
  std::vector<portfolio::trade> trades;
  std::unordered_map<std::string, std::size_t> first_line;
  for (const auto& row : table.rows()) {
    const row_reader r(table, row);
    portfolio::trade t;
    t.source = table.source();
    t.line = row.line;
    t.id = std::string(r.required_text(id, "id"));
    if (const auto it = first_line.find(t.id); it != first_line.end())
      r.fail(id, "duplicate trade id '" + t.id + "' (first on line " + std::to_string(it->second) + ")");
    first_line.emplace(t.id, row.line);
    const auto type_text = r.required_text(type, "type");
    const auto parsed_type = portfolio::parse_trade_type(type_text);
    if (!parsed_type) r.fail(type, "unknown trade type '" + std::string(type_text) + "'");
    t.type = *parsed_type;
    if (const auto d = r.text(desk); !d.empty()) t.desk = std::string(d);
    t.underlying = std::string(r.text(underlying));
    t.currency = std::string(r.text(currency));
    t.quantity = r.optional_number(quantity);
    t.strike = r.optional_number(strike);
    if (t.strike && !(*t.strike > 0.0)) r.fail(strike, "must be positive");
    t.maturity = r.optional_date(maturity);
    if (const auto o = r.text(option); !o.empty()) {
      const auto f = portfolio::detail::fold_enum(o);
      if (f == "call") t.option = portfolio::option_type::call;
      else if (f == "put") t.option = portfolio::option_type::put;
      else r.fail(option, "expected call|put, got '" + std::string(o) + "'");
    }
    t.barrier = r.optional_number(barrier);
    if (t.barrier && !(*t.barrier > 0.0)) r.fail(barrier, "must be positive");
    if (const auto b = r.text(barrier_type); !b.empty()) {
      const auto f = portfolio::detail::fold_enum(b);
      if (f == "downin") t.barrier_kind = portfolio::barrier_type::down_in;
      else if (f == "downout") t.barrier_kind = portfolio::barrier_type::down_out;
      else if (f == "upin") t.barrier_kind = portfolio::barrier_type::up_in;
      else if (f == "upout") t.barrier_kind = portfolio::barrier_type::up_out;
      else r.fail(barrier_type, "expected down_in|down_out|up_in|up_out, got '" + std::string(b) + "'");
    }
    t.rebate = r.optional_number(rebate);
    if (t.rebate && *t.rebate < 0.0) r.fail(rebate, "must not be negative");
    t.notional = r.optional_number(notional);
    if (t.notional && *t.notional < 0.0) r.fail(notional, "must not be negative");
    t.rate = r.optional_number(rate);
    t.frequency = r.optional_integer(frequency);
    if (t.frequency && !(*t.frequency >= 1 && *t.frequency <= 12 && 12 % *t.frequency == 0))
      r.fail(frequency, "expected one of 1, 2, 3, 4, 6, 12, got '" + std::string(r.text(frequency)) + "'");
    t.pay_fixed = r.optional_bool(pay_fixed);
    t.factor = std::string(r.text(factor));
    t.delta = r.optional_number(delta);
    t.gamma = r.optional_number(gamma);
    trades.push_back(std::move(t));
  }
  if (trades.empty()) throw input_error(table.source(), "no trade (no data rows)");
  return trades;
}

[[nodiscard]] inline std::vector<portfolio::trade> load_portfolio(const std::string& path) {
  return load_portfolio(csv_table::read_file(path));
}

}  // namespace riskgrid::io
