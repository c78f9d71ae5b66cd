#pragma once

#include <charconv>
#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <system_error>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"

namespace riskgrid::io {

/// Parses a number of the grammar `[+-]digits[.digits][(e|E)[+-]digits]` (DESIGN.md §6)
/// into a finite double, correctly rounded (std::from_chars). nullopt for anything else:
/// `nan`, `inf`, hex, `12abc`, ` 1`, `.5`, `1.`, or a value out of double's range.
[[nodiscard]] inline std::optional<double> parse_number(std::string_view s) noexcept {
  std::size_t i = 0;
  const auto digits = [&] {
    const auto start = i;
    while (i < s.size() && s[i] >= '0' && s[i] <= '9') ++i;
    return i > start;
  };
  // from_chars takes a leading '-' but not a '+'.
  const std::size_t number_start = !s.empty() && s[0] == '+' ? 1 : 0;
  if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
  if (!digits()) return std::nullopt;
  if (i < s.size() && s[i] == '.') {
    ++i;
    if (!digits()) return std::nullopt;
  }
  if (i < s.size() && (s[i] == 'e' || s[i] == 'E')) {
    ++i;
    if (i < s.size() && (s[i] == '+' || s[i] == '-')) ++i;
    if (!digits()) return std::nullopt;
  }
  if (i != s.size()) return std::nullopt;
  double value = 0.0;
  const auto [end, ec] = std::from_chars(s.data() + number_start, s.data() + s.size(), value);
  if (ec != std::errc() || end != s.data() + s.size() || !std::isfinite(value)) return std::nullopt;
  return value;
}

/// Typed access to the cells of one row, throwing input_error(file, line, column, …)
/// with messages shaped "<column>: expected X, got 'Y'".
class row_reader {
 public:
  row_reader(const csv_table& table, const csv_row& row) noexcept : table_(&table), row_(&row) {}

  [[nodiscard]] std::size_t line() const noexcept { return row_->line; }

  /// The trimmed text of column `c` (empty if c is nullopt: an absent optional column).
  [[nodiscard]] std::string_view text(std::optional<std::size_t> c) const noexcept {
    return c ? std::string_view(row_->fields[*c]) : std::string_view();
  }

  [[noreturn]] void fail(std::optional<std::size_t> c, const std::string& reason) const {
    if (c) throw input_error(table_->source(), row_->line, *c + 1, table_->header()[*c] + ": " + reason);
    throw input_error(table_->source(), row_->line, 0, reason);
  }

  /// The cell must not be empty.
  [[nodiscard]] std::string_view required_text(std::optional<std::size_t> c, std::string_view name) const {
    const auto t = text(c);
    if (t.empty()) {
      if (c) fail(c, "missing value");
      fail(c, "missing value for " + std::string(name));
    }
    return t;
  }

  /// A finite number, or nullopt if the cell is empty.
  [[nodiscard]] std::optional<double> optional_number(std::optional<std::size_t> c) const {
    const auto t = text(c);
    if (t.empty()) return std::nullopt;
    const auto v = parse_number(t);
    if (!v) fail(c, "expected a finite decimal number, got '" + std::string(t) + "'");
    return v;
  }

  [[nodiscard]] double number(std::optional<std::size_t> c, std::string_view name) const {
    (void)required_text(c, name);
    return *optional_number(c);
  }

  /// An ISO date, or nullopt if the cell is empty.
  [[nodiscard]] std::optional<date> optional_date(std::optional<std::size_t> c) const {
    const auto t = text(c);
    if (t.empty()) return std::nullopt;
    const auto d = parse_iso_date(t);
    if (!d) fail(c, "expected a date YYYY-MM-DD, got '" + std::string(t) + "'");
    return d;
  }

  /// An integer, or nullopt if the cell is empty.
  [[nodiscard]] std::optional<int> optional_integer(std::optional<std::size_t> c) const {
    const auto t = text(c);
    if (t.empty()) return std::nullopt;
    int v = 0;
    const auto [end, ec] = std::from_chars(t.data(), t.data() + t.size(), v);
    if (ec != std::errc() || end != t.data() + t.size())
      fail(c, "expected an integer, got '" + std::string(t) + "'");
    return v;
  }

  /// `true|false|yes|no|1|0`, case-insensitive; nullopt if empty.
  [[nodiscard]] std::optional<bool> optional_bool(std::optional<std::size_t> c) const {
    const auto t = detail::lower(text(c));
    if (t.empty()) return std::nullopt;
    if (t == "true" || t == "yes" || t == "1") return true;
    if (t == "false" || t == "no" || t == "0") return false;
    fail(c, "expected true|false|yes|no|1|0, got '" + std::string(text(c)) + "'");
  }

 private:
  const csv_table* table_;
  const csv_row* row_;
};

}  // namespace riskgrid::io
