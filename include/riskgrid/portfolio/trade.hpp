#pragma once

#include <array>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "riskgrid/core/date.hpp"
#include "riskgrid/pricing/option_type.hpp"

namespace riskgrid::portfolio {

/// The instrument types of DESIGN.md §6.
enum class trade_type {
  equity,
  equity_forward,
  fx_forward,
  zero_bond,
  fixed_bond,
  swap,
  european,
  fx_option,
  digital,
  barrier,
  american,
  sensitivity,
};

inline constexpr std::array<std::string_view, 12> trade_type_names = {
    "equity",   "equity_forward", "fx_forward", "zero_bond", "fixed_bond", "swap",
    "european", "fx_option",      "digital",    "barrier",   "american",   "sensitivity"};

[[nodiscard]] constexpr std::string_view to_string(trade_type t) noexcept {
  return trade_type_names[static_cast<std::size_t>(t)];
}

namespace detail {

/// Enumerations are case-insensitive and ignore `_` and `-` (DESIGN.md §6).
[[nodiscard]] inline std::string fold_enum(std::string_view s) {
  std::string out;
  for (const char c : s) {
    if (c == '_' || c == '-') continue;
    out.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  return out;
}

}  // namespace detail

[[nodiscard]] inline std::optional<trade_type> parse_trade_type(std::string_view s) {
  const auto folded = detail::fold_enum(s);
  for (std::size_t i = 0; i < trade_type_names.size(); ++i)
    if (folded == detail::fold_enum(trade_type_names[i])) return static_cast<trade_type>(i);
  return std::nullopt;
}

using pricing::barrier_type;
using pricing::option_type;

/// One row of portfolio.csv, typed but not yet bound to a market. Empty cells are
/// nullopt / empty strings; `source` and `line` say where the trade came from so that a
/// binding error (e.g. an unknown factor) can point at the row. Every member has a
/// default, so a trade can be written with designated initializers naming only its fields.
struct trade {
  std::string id{};
  std::string desk = "default";
  trade_type type = trade_type::equity;
  std::string underlying{};
  std::string currency{};
  std::optional<double> quantity{};
  std::optional<double> strike{};
  std::optional<date> maturity{};
  std::optional<option_type> option{};
  std::optional<double> barrier{};
  std::optional<barrier_type> barrier_kind{};
  std::optional<double> rebate{};
  std::optional<double> notional{};
  std::optional<double> rate{};
  std::optional<int> frequency{};
  std::optional<bool> pay_fixed{};
  std::string factor{};
  std::optional<double> delta{};
  std::optional<double> gamma{};

  std::string source{};
  std::size_t line = 0;
};

}  // namespace riskgrid::portfolio
