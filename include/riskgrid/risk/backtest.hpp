#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/risk/coverage_test.hpp"

namespace riskgrid::risk {

/// Basel traffic-light zone.
enum class traffic_light { green, yellow, red };

[[nodiscard]] constexpr std::string_view to_string(traffic_light z) noexcept {
  return z == traffic_light::green ? "green" : z == traffic_light::yellow ? "yellow" : "red";
}

/// Zone and plus factor of the Basel Committee's 1996 backtesting framework ("Supervisory
/// framework for the use of backtesting", Table 2) for the number of 99% exceptions in
/// 250 days: green 0–4 (plus factor 0), yellow 5–9 (0.40, 0.50, 0.65, 0.75, 0.85),
/// red ≥ 10 (1.00). The capital multiplier is 3 + plus factor.
struct basel_zone {
  traffic_light zone = traffic_light::green;
  double plus_factor = 0.0;
  [[nodiscard]] double multiplier() const noexcept { return 3.0 + plus_factor; }
};

[[nodiscard]] constexpr basel_zone basel_traffic_light(std::uint64_t exceptions) noexcept {
  constexpr std::array<double, 5> yellow = {0.40, 0.50, 0.65, 0.75, 0.85};
  if (exceptions <= 4) return {traffic_light::green, 0.0};
  if (exceptions <= 9) return {traffic_light::yellow, yellow[exceptions - 5]};
  return {traffic_light::red, 1.00};
}

/// FRTB bank-wide backtesting multiplier m_c (Basel Framework MAR99, backtesting zones) for the
/// number of 99% exceptions in the last 250 days: 1.50 for 0–4, 1.70, 1.76, 1.83, 1.88,
/// 1.92 for 5–9, 2.00 for 10 or more.
[[nodiscard]] constexpr double frtb_multiplier(std::uint64_t exceptions) noexcept {
  constexpr std::array<double, 5> yellow = {1.70, 1.76, 1.83, 1.88, 1.92};
  if (exceptions <= 4) return 1.50;
  if (exceptions <= 9) return yellow[exceptions - 5];
  return 2.00;
}

/// Desk-level backtesting (Basel Framework MAR32): a trading desk stays eligible for the internal
/// models approach unless it has more than 12 exceptions at 99% or more than 30 at
/// 97.5% in the last 250 days.
enum class desk_eligibility { eligible, ineligible };

[[nodiscard]] constexpr desk_eligibility desk_backtest(std::uint64_t exceptions_99,
                                                       std::uint64_t exceptions_975) noexcept {
  return exceptions_99 > 12 || exceptions_975 > 30 ? desk_eligibility::ineligible : desk_eligibility::eligible;
}

/// Days of VaR backtest input in date order (DESIGN.md §6 `backtest.csv`); nullopt is a
/// missing cell. `hpl` is empty when there is no hypothetical P&L column, else as long
/// as `pnl`.
struct backtest_series {
  std::vector<std::optional<double>> pnl;  ///< actual P&L (gain > 0)
  std::vector<std::optional<double>> hpl;  ///< hypothetical P&L, optional column
  std::vector<std::optional<double>> var_99;
  std::vector<std::optional<double>> var_975;
  [[nodiscard]] std::size_t size() const noexcept { return pnl.size(); }
};

/// 1 where −pnl > var (strict), or where either value is missing; 0 elsewhere.
/// Throws riskgrid::error if the spans differ in length. O(n).
[[nodiscard]] inline std::vector<std::uint8_t> exception_indicators(std::span<const std::optional<double>> pnl,
                                                                    std::span<const std::optional<double>> var) {
  if (pnl.size() != var.size()) throw error("exception_indicators: P&L and VaR differ in length");
  std::vector<std::uint8_t> out(pnl.size());
  for (std::size_t t = 0; t < pnl.size(); ++t)
    out[t] = !pnl[t] || !var[t] || -*pnl[t] > *var[t] ? 1 : 0;
  return out;
}

/// Which P&L a window's statistics were computed on.
enum class pnl_basis { actual, hypothetical };

[[nodiscard]] constexpr std::string_view to_string(pnl_basis b) noexcept {
  return b == pnl_basis::actual ? "actual" : "hypothetical";
}

/// One window at one confidence level.
struct backtest_level_result {
  std::uint64_t exceptions_actual = 0;
  std::optional<std::uint64_t> exceptions_hypothetical;  ///< with an hpl column
  pnl_basis basis = pnl_basis::actual;  ///< the series with the greater count (actual on ties)
  coverage_statistics statistics;       ///< on that series; statistics.exceptions is the greater count
};

/// Rows [first, first + rows) of the series.
struct backtest_window {
  std::size_t first = 0;
  std::size_t rows = 0;
  backtest_level_result level_99;
  backtest_level_result level_975;
};

/// What riskgrid-backtest reports.
struct backtest_result {
  std::size_t rows = 0;
  backtest_window full;      ///< every row
  backtest_window last_250;  ///< the last min(rows, 250) rows
  basel_zone basel;          ///< on last_250's 99% exceptions
  double frtb_multiplier = 1.5;
  desk_eligibility desk = desk_eligibility::eligible;
};

/// Backtest window length of the Basel and FRTB rules.
inline constexpr std::size_t backtest_days = 250;

/// Expected exception rates 1 − α of the two levels, as the decimals written.
inline constexpr double backtest_rate_99 = 0.01;
inline constexpr double backtest_rate_975 = 0.025;

namespace detail {

[[nodiscard]] inline backtest_level_result backtest_level(std::span<const std::uint8_t> actual,
                                                          std::span<const std::uint8_t> hypothetical,
                                                          double expected_rate) {
  backtest_level_result r;
  const auto count = [](std::span<const std::uint8_t> s) {
    return static_cast<std::uint64_t>(std::count(s.begin(), s.end(), std::uint8_t{1}));
  };
  r.exceptions_actual = count(actual);
  auto chosen = actual;
  if (!hypothetical.empty()) {
    r.exceptions_hypothetical = count(hypothetical);
    if (*r.exceptions_hypothetical > r.exceptions_actual) {
      chosen = hypothetical;
      r.basis = pnl_basis::hypothetical;
    }
  }
  r.statistics = coverage_test(chosen, expected_rate);
  return r;
}

}  // namespace detail

/// VaR backtest of DESIGN.md §6 and issue 5: exceptions at 99% and 97.5% over the full
/// series and over the last 250 rows (fewer if the series is shorter), each with the
/// Kupiec and Christoffersen tests (coverage_test); a missing P&L or VaR is an exception;
/// with a hypothetical P&L column, each window and level uses the series (actual or
/// hypothetical) with the greater count. The Basel zone, the FRTB multiplier and the
/// desk test use the last-250 counts. Throws riskgrid::error for an empty series or
/// columns of different lengths. O(n).
[[nodiscard]] inline backtest_result backtest(const backtest_series& s) {
  const auto n = s.size();
  if (n == 0) throw error("backtest: no day to test");
  if (s.var_99.size() != n || s.var_975.size() != n || (!s.hpl.empty() && s.hpl.size() != n))
    throw error("backtest: columns differ in length");
  const auto actual_99 = exception_indicators(s.pnl, s.var_99);
  const auto actual_975 = exception_indicators(s.pnl, s.var_975);
  std::vector<std::uint8_t> hypothetical_99, hypothetical_975;
  if (!s.hpl.empty()) {
    hypothetical_99 = exception_indicators(s.hpl, s.var_99);
    hypothetical_975 = exception_indicators(s.hpl, s.var_975);
  }
  const auto window = [&](std::size_t first) {
    backtest_window w;
    w.first = first;
    w.rows = n - first;
    const auto part = [&](const std::vector<std::uint8_t>& v) {
      return v.empty() ? std::span<const std::uint8_t>() : std::span<const std::uint8_t>(v).subspan(first);
    };
    w.level_99 = detail::backtest_level(part(actual_99), part(hypothetical_99), backtest_rate_99);
    w.level_975 = detail::backtest_level(part(actual_975), part(hypothetical_975), backtest_rate_975);
    return w;
  };
  backtest_result r;
  r.rows = n;
  r.full = window(0);
  r.last_250 = window(n > backtest_days ? n - backtest_days : 0);
  const auto x99 = r.last_250.level_99.statistics.exceptions;
  r.basel = basel_traffic_light(x99);
  r.frtb_multiplier = risk::frtb_multiplier(x99);
  r.desk = desk_backtest(x99, r.last_250.level_975.statistics.exceptions);
  return r;
}

}  // namespace riskgrid::risk
