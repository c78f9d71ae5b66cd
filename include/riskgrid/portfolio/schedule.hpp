#pragma once

#include <algorithm>
#include <chrono>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/date.hpp"

namespace riskgrid::portfolio {

/// One fixed-leg payment: its date, its time from the as-of date (Act/365F) and its
/// amount (coupon, plus principal at maturity for a bond).
struct cash_flow {
  date payment;
  double time = 0.0;
  double amount = 0.0;
};

/// `d` moved by `months` (negative: back), the day clipped to the length of the target month.
[[nodiscard]] inline date add_months_clipped(date d, int count) noexcept {
  namespace ch = std::chrono;
  const ch::year_month_day ymd(d);
  const ch::year_month ym = ch::year_month(ymd.year(), ymd.month()) + ch::months(count);
  const auto last = ch::year_month_day_last(ym.year(), ch::month_day_last(ym.month())).day();
  return ch::sys_days(ch::year_month_day(ym.year(), ym.month(), std::min(ymd.day(), last)));
}

/// Payment dates of a fixed leg starting at `as_of` (DESIGN.md §4): maturity minus
/// k·12/frequency months for k = 0, 1, …, each counted from the maturity with its day
/// clipped to the month's length, while strictly after `as_of`; ascending.
/// Preconditions: maturity > as_of, frequency in {1, 2, 3, 4, 6, 12}.
[[nodiscard]] inline std::vector<date> payment_dates(date as_of, date maturity, int frequency) {
  RISKGRID_ASSERT(maturity > as_of && frequency > 0 && 12 % frequency == 0);
  const int step = 12 / frequency;
  std::vector<date> out;
  for (int k = 0;; ++k) {
    const date d = add_months_clipped(maturity, -k * step);
    if (!(d > as_of)) break;
    out.push_back(d);
  }
  std::reverse(out.begin(), out.end());
  return out;
}

/// Fixed-leg flows on the payment_dates() schedule: coupon k is
/// notional·rate·Act/365F(previous date, date k), the first period running from `as_of`
/// (short when as_of is not on the schedule). `principal` is added to the last amount
/// (notional for a bond, 0 for a swap's fixed leg).
[[nodiscard]] inline std::vector<cash_flow> fixed_leg(date as_of, date maturity, int frequency, double notional,
                                                      double rate, double principal) {
  const auto dates = payment_dates(as_of, maturity, frequency);
  std::vector<cash_flow> flows;
  flows.reserve(dates.size());
  date previous = as_of;
  for (const date d : dates) {
    flows.push_back({d, year_fraction(as_of, d), notional * rate * year_fraction(previous, d)});
    previous = d;
  }
  flows.back().amount += principal;
  return flows;
}

}  // namespace riskgrid::portfolio
