#pragma once

#include <cmath>
#include <cstddef>
#include <span>
#include <string>

#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"

namespace riskgrid::io {

/// The text of a pla.csv (DESIGN.md §6) that load_pla() reads back to the same values:
/// the header `date,hpl,rtpl`, then one row per day with ISO dates and numbers in
/// shortest round-trip form, LF line ends. Throws riskgrid::error when the three spans
/// differ in length, the dates are not strictly increasing, or a number is not finite
/// (load_pla would reject the file). O(days).
[[nodiscard]] inline std::string format_pla_csv(std::span<const date> dates, std::span<const double> hpl,
                                                std::span<const double> rtpl) {
  if (hpl.size() != dates.size() || rtpl.size() != dates.size())
    throw error("format_pla_csv: " + std::to_string(dates.size()) + " dates, " + std::to_string(hpl.size()) +
                " hpl and " + std::to_string(rtpl.size()) + " rtpl values");
  std::string out = "date,hpl,rtpl\n";
  for (std::size_t i = 0; i < dates.size(); ++i) {
    if (i > 0 && !(dates[i - 1] < dates[i]))
      throw error("format_pla_csv: dates must be strictly increasing: " + format_iso_date(dates[i]) + " after " +
                  format_iso_date(dates[i - 1]));
    if (!std::isfinite(hpl[i]) || !std::isfinite(rtpl[i]))
      throw error("format_pla_csv: P&L of " + format_iso_date(dates[i]) + " is not finite");
    out += format_iso_date(dates[i]);
    out += ',';
    out += to_shortest(hpl[i]);
    out += ',';
    out += to_shortest(rtpl[i]);
    out += '\n';
  }
  return out;
}

}  // namespace riskgrid::io
