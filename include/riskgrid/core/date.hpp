#pragma once

#include <chrono>
#include <cstdio>
#include <optional>
#include <string>
#include <string_view>

namespace riskgrid {

/// A calendar date (days since 1970-01-01).
using date = std::chrono::sys_days;

/// Parses a strict ISO `YYYY-MM-DD` (DESIGN.md §6); nullopt for anything else,
/// including impossible dates such as 2026-02-30.
[[nodiscard]] inline std::optional<date> parse_iso_date(std::string_view s) noexcept {
  if (s.size() != 10 || s[4] != '-' || s[7] != '-') return std::nullopt;
  int v[3] = {0, 0, 0};
  const int start[3] = {0, 5, 8}, len[3] = {4, 2, 2};
  for (int k = 0; k < 3; ++k)
    for (int i = 0; i < len[k]; ++i) {
      const char c = s[static_cast<std::size_t>(start[k] + i)];
      if (c < '0' || c > '9') return std::nullopt;
      v[k] = v[k] * 10 + (c - '0');
    }
  const std::chrono::year_month_day ymd{std::chrono::year(v[0]),
                                        std::chrono::month(static_cast<unsigned>(v[1])),
                                        std::chrono::day(static_cast<unsigned>(v[2]))};
  if (!ymd.ok()) return std::nullopt;
  return date(ymd);
}

/// `YYYY-MM-DD`.
[[nodiscard]] inline std::string format_iso_date(date d) {
  const std::chrono::year_month_day ymd(d);
  char buffer[16];
  std::snprintf(buffer, sizeof buffer, "%04d-%02u-%02u", static_cast<int>(ymd.year()),
                static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
  return buffer;
}

/// Act/365F year fraction from `from` to `to` (DESIGN.md §4).
[[nodiscard]] inline double year_fraction(date from, date to) noexcept {
  return static_cast<double>((to - from).count()) / 365.0;
}

}  // namespace riskgrid
