#pragma once

#include <cstddef>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/historical_model.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// Historical h-day scenarios (as historical_model: scenario i sums rows i … i + h − 1 in
/// row order, rows − h + 1 scenarios) laid out on the rows of a wider factor set, with
/// only a subset of the factors shocked and every other row zero.
///
/// Why: FRTB revalues one book under many factor subsets (liquidity-horizon cascade,
/// reduced set, one risk class, one non-modellable factor) and two histories (current and
/// stressed) whose columns differ. Binding the book once to a common `layout` and
/// restricting the model, rather than the book, keeps the revaluation generic. A shocked
/// factor's shocks are the same bits as historical_model's.
///
/// Models scenario_generator. The history's columns are shared between restricted copies
/// (restricted() is O(layout), no copy of the data). Immutable; share between threads.
class subset_historical_model {
 public:
  /// Every factor of `layout` that `h` has a column for is shocked; the others (and
  /// columns of `h` not in `layout`) are not. Throws as historical_model (horizon < 1,
  /// a broken history, a horizon longer than the history).
  subset_historical_model(const history& h, historical_options options, factor_set layout)
      : layout_(std::move(layout)), dates_(std::make_shared<const std::vector<date>>(h.dates)), options_(options) {
    const historical_model check(h, options);  // the same validation and scenario count
    rows_ = check.rows();
    scenario_count_ = check.scenario_count();
    auto columns = std::make_shared<std::vector<double>>(detail::factor_major(h));
    columns_ = std::move(columns);
    source_.resize(layout_.size());
    for (std::size_t f = 0; f < layout_.size(); ++f) source_[f] = h.factors.find(layout_.name(f));
  }

  /// The same scenarios with only the layout factors f with keep[f] (and a history
  /// column) shocked. Throws riskgrid::error unless keep.size() == factors().size().
  [[nodiscard]] subset_historical_model restricted(const std::vector<bool>& keep) const {
    if (keep.size() != layout_.size())
      throw error("subset_historical_model: " + std::to_string(keep.size()) + " flags for " +
                  std::to_string(layout_.size()) + " factors");
    subset_historical_model out = *this;
    for (std::size_t f = 0; f < layout_.size(); ++f)
      if (!keep[f]) out.source_[f].reset();
    return out;
  }

  /// The layout: the rows of the shock blocks generate() fills.
  [[nodiscard]] const factor_set& factors() const noexcept { return layout_; }
  [[nodiscard]] int horizon_days() const noexcept { return options_.horizon_days; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }
  /// rows − h + 1.
  [[nodiscard]] std::size_t scenario_count() const noexcept { return scenario_count_; }
  /// Date of history row r. Throws riskgrid::error if r ≥ rows().
  [[nodiscard]] riskgrid::date row_date(std::size_t r) const {
    if (r >= rows_)
      throw error("subset_historical_model: row " + std::to_string(r) + " requested, the history has " +
                  std::to_string(rows_));
    return (*dates_)[r];
  }
  /// Whether layout factor f is shocked (in the subset and in the history).
  [[nodiscard]] bool shocked(std::size_t f) const { return source_.at(f).has_value(); }
  /// The shocked flags of every layout factor.
  [[nodiscard]] std::vector<bool> shocked_flags() const {
    std::vector<bool> out(source_.size());
    for (std::size_t f = 0; f < source_.size(); ++f) out[f] = source_[f].has_value();
    return out;
  }
  /// Number of shocked layout factors; 0 means every P&L is exactly that of no shock.
  [[nodiscard]] std::size_t shocked_count() const noexcept {
    std::size_t n = 0;
    for (const auto& s : source_) n += s.has_value() ? 1 : 0;
    return n;
  }

  /// Fills every row of `block` for `range`: the h-day sums of the shocked factors (row
  /// order, as historical_model), zeros elsewhere. Preconditions: range.count ≤
  /// block.capacity(), range.end() ≤ scenario_count(), block.factor_count() ≥
  /// factors().size() (checked by RISKGRID_ASSERT only).
  void generate(scenario_range range, shock_block& block) const noexcept {
    RISKGRID_ASSERT(range.end() <= scenario_count_);
    block.reset(range);
    const auto horizon = static_cast<std::size_t>(options_.horizon_days);
    const auto first = static_cast<std::size_t>(range.first);
    for (std::size_t f = 0; f < layout_.size(); ++f) {
      auto out = block.factor(f);
      if (!source_[f]) {
        for (auto& x : out) x = 0.0;
        continue;
      }
      const double* column = columns_->data() + *source_[f] * rows_ + first;
      for (std::size_t s = 0; s < out.size(); ++s) out[s] = column[s];
      for (std::size_t k = 1; k < horizon; ++k)
        for (std::size_t s = 0; s < out.size(); ++s) out[s] += column[s + k];
    }
  }

 private:
  factor_set layout_;
  std::shared_ptr<const std::vector<date>> dates_;
  std::shared_ptr<const std::vector<double>> columns_;  // history factors × rows, factor-major
  std::vector<std::optional<std::size_t>> source_;      // per layout factor: its history column
  historical_options options_;
  std::size_t rows_ = 0;
  std::size_t scenario_count_ = 0;
};

}  // namespace riskgrid::scenario
