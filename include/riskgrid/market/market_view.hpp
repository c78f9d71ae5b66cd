#pragma once

#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "riskgrid/market/base_market.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::market {

/// The base market seen through a model's shocks: for each market factor, the row of a
/// shock_block that moves it (or a row of zeros when the model does not shock it).
///
/// Built once per run (O(market size)); per block it hands out spans into the block, so
/// no market is copied per scenario. Shocked value of factor x under shock s:
/// x·exp(s) or x + s by its shock_rule.
class market_view {
 public:
  market_view(const base_market& market, const scenario::factor_set& shocked)
      : market_(&market), rows_(market.size()) {
    for (std::size_t i = 0; i < market.size(); ++i) rows_[i] = shocked.find(market.name(i));
  }

  [[nodiscard]] const base_market& base() const noexcept { return *market_; }

  /// Row of the shock block that moves market factor `i`, nullopt if unshocked.
  [[nodiscard]] std::optional<std::size_t> shock_row(std::size_t i) const { return rows_.at(i); }
  /// shock_row without the bounds check, for the revaluation loop. Precondition: i < size.
  [[nodiscard]] std::optional<std::size_t> shock_row_of(std::size_t i) const noexcept { return rows_[i]; }

  /// Shocks of market factor `i` for the scenarios of `block` (zeros if unshocked).
  [[nodiscard]] std::span<const double> shocks(const scenario::shock_block& block,
                                               std::size_t i) const noexcept {
    return rows_[i] ? block.factor(*rows_[i]) : block.zeros();
  }

  /// The whole padded row (block.stride() doubles) of market factor `i`, for kernels that
  /// run full SIMD batches past block.size(); lanes past size() are not meaningful.
  [[nodiscard]] const double* padded_shocks(const scenario::shock_block& block, std::size_t i) const noexcept {
    return rows_[i] ? block.padded_factor(*rows_[i]).data() : block.zeros().data();
  }

  /// Names of market factors the model leaves unshocked (DESIGN.md §4 says to tell).
  [[nodiscard]] std::vector<std::string> unshocked() const {
    std::vector<std::string> out;
    for (std::size_t i = 0; i < rows_.size(); ++i)
      if (!rows_[i]) out.push_back(market_->name(i));
    return out;
  }

 private:
  const base_market* market_;
  std::vector<std::optional<std::size_t>> rows_;
};

}  // namespace riskgrid::market
