#pragma once

namespace riskgrid::pricing {

/// Value of `quantity` shares at `spot`, in the share's currency: q·S (DESIGN.md §4).
/// One template for the scalar reference (double) and SIMD batches.
template <class V>
[[nodiscard]] constexpr V equity_value(double quantity, V spot) noexcept {
  return quantity * spot;
}

}  // namespace riskgrid::pricing
