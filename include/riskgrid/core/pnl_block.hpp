#pragma once

#include <span>

#include "riskgrid/core/scenario_range.hpp"

namespace riskgrid {

/// The portfolio P&L (gain > 0, base currency) of consecutive scenarios
/// [first, first + pnl.size()): what a revaluation hands to the aggregators.
struct pnl_block {
  scenario_id first = 0;
  std::span<const double> pnl;
};

}  // namespace riskgrid
