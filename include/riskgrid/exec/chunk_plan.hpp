#pragma once

#include <cstdint>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"

namespace riskgrid::exec {

/// Cuts [0, scenarios) into chunks of `chunk_size` (the last one may be shorter).
/// The cut depends only on these two numbers, never on the number of workers: that is
/// what lets chunk results be merged into the same bits on any executor.
class chunk_plan {
 public:
  /// Throws riskgrid::error unless scenarios ≥ 1 and chunk_size ≥ 1.
  chunk_plan(std::uint64_t scenarios, std::uint64_t chunk_size)
      : scenarios_(scenarios), chunk_size_(chunk_size) {
    if (scenarios == 0) throw error("chunk_plan: no scenarios");
    if (chunk_size == 0) throw error("chunk_plan: chunk size must be at least 1");
  }

  [[nodiscard]] std::uint64_t scenarios() const noexcept { return scenarios_; }
  [[nodiscard]] std::uint64_t chunk_size() const noexcept { return chunk_size_; }
  [[nodiscard]] std::uint64_t chunk_count() const noexcept {
    return (scenarios_ + chunk_size_ - 1) / chunk_size_;
  }
  /// Scenarios of chunk c < chunk_count().
  [[nodiscard]] scenario_range chunk(std::uint64_t c) const noexcept {
    const auto first = c * chunk_size_;
    const auto end = first + chunk_size_ < scenarios_ ? first + chunk_size_ : scenarios_;
    return {first, static_cast<std::size_t>(end - first)};
  }

 private:
  std::uint64_t scenarios_;
  std::uint64_t chunk_size_;
};

}  // namespace riskgrid::exec
