#pragma once

#include <cstddef>
#include <cstdint>

namespace riskgrid {

/// Index of a scenario in [0, N): the only coordinate a scenario's shocks depend on
/// (besides the model and the seed), whatever executor runs it.
using scenario_id = std::uint64_t;

/// A half-open range [first, first + count) of scenario indices.
struct scenario_range {
  scenario_id first = 0;
  std::size_t count = 0;

  [[nodiscard]] constexpr scenario_id end() const noexcept { return first + count; }
  friend constexpr bool operator==(const scenario_range&, const scenario_range&) = default;
};

}  // namespace riskgrid
