#pragma once

#include <cstddef>
#include <span>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/scenario_range.hpp"

namespace riskgrid::scenario {

/// Shocks of a block of consecutive scenarios, structure of arrays: for each factor,
/// the shocks of all scenarios of the block are contiguous, so a pricer loads a SIMD
/// batch of scenarios without gathering.
///
/// The row stride is the capacity rounded up to a multiple of 8 doubles (one AVX-512
/// register) and padding lanes are zero, so kernels may run whole batches past size().
/// Allocates only at construction; reset() is O(1).
class shock_block {
 public:
  static constexpr std::size_t lane_multiple = 8;

  shock_block(std::size_t factors, std::size_t capacity)
      : factors_(factors),
        capacity_(capacity),
        stride_((capacity + lane_multiple - 1) / lane_multiple * lane_multiple),
        data_((factors + 1) * stride_, 0.0) {}

  /// Starts a block of `range.count` ≤ capacity() scenarios; shocks are left as they
  /// were (generators overwrite every row for [0, size())).
  void reset(scenario_range range) noexcept {
    RISKGRID_ASSERT(range.count <= capacity_);
    range_ = range;
  }

  [[nodiscard]] std::span<double> factor(std::size_t f) noexcept {
    return {data_.data() + f * stride_, range_.count};
  }
  [[nodiscard]] std::span<const double> factor(std::size_t f) const noexcept {
    return {data_.data() + f * stride_, range_.count};
  }
  /// The whole padded row (stride() doubles), for kernels working in full batches.
  [[nodiscard]] std::span<double> padded_factor(std::size_t f) noexcept {
    return {data_.data() + f * stride_, stride_};
  }
  [[nodiscard]] std::span<const double> padded_factor(std::size_t f) const noexcept {
    return {data_.data() + f * stride_, stride_};
  }

  /// A row of zeros (stride() long) for factors that the model does not shock, so
  /// kernels need no branch for them.
  [[nodiscard]] std::span<const double> zeros() const noexcept {
    return {data_.data() + factors_ * stride_, range_.count};
  }

  [[nodiscard]] scenario_range range() const noexcept { return range_; }
  [[nodiscard]] std::size_t size() const noexcept { return range_.count; }
  [[nodiscard]] std::size_t factor_count() const noexcept { return factors_; }
  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  [[nodiscard]] std::size_t stride() const noexcept { return stride_; }

 private:
  std::size_t factors_;
  std::size_t capacity_;
  std::size_t stride_;
  std::vector<double> data_;
  scenario_range range_{};
};

}  // namespace riskgrid::scenario
