#pragma once

namespace riskgrid::pricing {

/// P&L of a delta–gamma position under the raw factor shock s, in the base currency:
/// delta·s + ½·gamma·s² (DESIGN.md §4). Its base value is 0.
template <class V>
[[nodiscard]] constexpr V sensitivity_pnl(double delta, double gamma, V shock) noexcept {
  return delta * shock + (0.5 * gamma) * shock * shock;
}

}  // namespace riskgrid::pricing
