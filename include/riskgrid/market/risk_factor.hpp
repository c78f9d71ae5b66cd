#pragma once

#include <cstddef>
#include <string>
#include <string_view>

#include "riskgrid/core/error.hpp"

namespace riskgrid::market {

enum class factor_kind { equity_spot, equity_vol, equity_dividend, fx_spot, fx_vol, zero_rate };

/// How a shock s moves the factor's value x (DESIGN.md §4).
enum class shock_rule {
  relative,  ///< x' = x·exp(s): spots and vols (log-returns)
  absolute,  ///< x' = x + s: zero rates and dividend yields
};

/// A parsed market factor name: `EQ.<NAME>.SPOT|VOL|DIV`, `FX.<CCY1><CCY2>.SPOT|VOL`,
/// `IR.<CCY>.<tenor>` with tenor `nD|nW|nM|nY` (DESIGN.md §6).
struct risk_factor {
  factor_kind kind = factor_kind::equity_spot;
  std::string subject;  ///< equity name, currency pair `CCY1CCY2`, or currency
  double tenor_years = 0.0;  ///< zero rates: n/365, 7n/365, n/12 or n years

  [[nodiscard]] shock_rule rule() const noexcept {
    return kind == factor_kind::zero_rate || kind == factor_kind::equity_dividend
               ? shock_rule::absolute
               : shock_rule::relative;
  }
  /// Spots and vols must be strictly positive.
  [[nodiscard]] bool must_be_positive() const noexcept { return rule() == shock_rule::relative; }
};

/// True for three upper-case ASCII letters.
[[nodiscard]] constexpr bool is_currency_code(std::string_view s) noexcept {
  if (s.size() != 3) return false;
  for (const char c : s)
    if (c < 'A' || c > 'Z') return false;
  return true;
}

/// Parses a factor name; throws riskgrid::error with the reason when it is not one of
/// the forms above.
[[nodiscard]] inline risk_factor parse_risk_factor(std::string_view name) {
  const auto bad = [&](const std::string& why) {
    return error("bad factor name '" + std::string(name) + "': " + why);
  };
  const auto first = name.find('.');
  const auto last = name.rfind('.');
  if (first == std::string_view::npos || first == last)
    throw bad("expected EQ.<NAME>.SPOT|VOL|DIV, FX.<CCY1><CCY2>.SPOT|VOL or IR.<CCY>.<tenor>");
  const auto prefix = name.substr(0, first);
  const auto middle = name.substr(first + 1, last - first - 1);
  const auto suffix = name.substr(last + 1);
  risk_factor f;
  f.subject = std::string(middle);
  if (prefix == "EQ") {
    if (middle.empty()) throw bad("empty equity name");
    if (suffix == "SPOT") f.kind = factor_kind::equity_spot;
    else if (suffix == "VOL") f.kind = factor_kind::equity_vol;
    else if (suffix == "DIV") f.kind = factor_kind::equity_dividend;
    else throw bad("an equity factor ends in SPOT, VOL or DIV");
    return f;
  }
  if (prefix == "FX") {
    if (middle.size() != 6 || !is_currency_code(middle.substr(0, 3)) ||
        !is_currency_code(middle.substr(3, 3)) || middle.substr(0, 3) == middle.substr(3, 3))
      throw bad("an FX pair is two different three-letter upper-case currencies");
    if (suffix == "SPOT") f.kind = factor_kind::fx_spot;
    else if (suffix == "VOL") f.kind = factor_kind::fx_vol;
    else throw bad("an FX factor ends in SPOT or VOL");
    return f;
  }
  if (prefix == "IR") {
    if (!is_currency_code(middle)) throw bad("a currency is three upper-case letters");
    if (suffix.size() < 2) throw bad("a tenor is nD, nW, nM or nY");
    std::size_t n = 0;
    for (std::size_t i = 0; i + 1 < suffix.size(); ++i) {
      const char c = suffix[i];
      if (c < '0' || c > '9' || n > 100000) throw bad("a tenor is nD, nW, nM or nY");
      n = n * 10 + static_cast<std::size_t>(c - '0');
    }
    if (n == 0) throw bad("a tenor must be positive");
    const auto units = static_cast<double>(n);
    switch (suffix.back()) {
      case 'D': f.tenor_years = units / 365.0; break;
      case 'W': f.tenor_years = 7.0 * units / 365.0; break;
      case 'M': f.tenor_years = units / 12.0; break;
      case 'Y': f.tenor_years = units; break;
      default: throw bad("a tenor is nD, nW, nM or nY");
    }
    f.kind = factor_kind::zero_rate;
    return f;
  }
  throw bad("expected the prefix EQ, FX or IR");
}

}  // namespace riskgrid::market
