#pragma once

#include <algorithm>
#include <array>
#include <cstdint>
#include <vector>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/pnl_block.hpp"
#include "riskgrid/risk/attribution.hpp"
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"

namespace riskgrid::risk {

/// Aggregates portfolio P&L into VaR and ES (with a VaR interval and the ES standard
/// error) at a set of confidence levels, and the P&L moments, in one pass.
///
/// Sized for n scenarios and the lowest level: the VaR interval's deepest rank, which is
/// also enough for the attribution window (attribution_tail_capacity), so the sorted tail
/// can drive an attribution pass. Memory about 2·(n·(1 − α_min) + 2·sqrt(n·(1 − α_min)))
/// entries of 16 bytes, independent of how the n scenarios are cut into chunks but
/// proportional to n; risk::bounded_var_es gives the same results in memory independent
/// of n, over several passes. Models riskgrid::aggregator: merge is exact, so any
/// partition gives the same bits.
class var_es_aggregator {
 public:
  var_es_aggregator(std::uint64_t scenarios, std::vector<confidence> levels)
      : scenarios_(scenarios),
        levels_(std::move(levels)),
        tail_(std::max(required_tail_capacity(scenarios, levels_),
                       attribution_tail_capacity(scenarios, levels_))) {
    if (levels_.empty()) throw error("var_es_aggregator: no confidence level");
  }

  void push(const pnl_block& block) noexcept {
    std::array<double, 256> losses;
    for (std::size_t done = 0; done < block.pnl.size(); done += losses.size()) {
      const auto n = std::min(losses.size(), block.pnl.size() - done);
      for (std::size_t i = 0; i < n; ++i) losses[i] = -block.pnl[done + i];
      tail_.push(block.first + done, std::span<const double>(losses.data(), n));
    }
    moments_.push(block);
    seen_ += block.pnl.size();
  }

  void merge(const var_es_aggregator& other) {
    tail_.merge(other.tail_);
    moments_.merge(other.moments_);
    seen_ += other.seen_;
  }

  void save(byte_writer& w) const {
    w.put<std::uint64_t>(seen_);
    tail_.save(w);
    moments_.save(w);
  }
  void load(byte_reader& r) {
    seen_ = r.get<std::uint64_t>();
    tail_.load(r);
    moments_.load(r);
  }

  /// Scenarios pushed so far (over all merged states).
  [[nodiscard]] std::uint64_t count() const noexcept { return seen_; }
  [[nodiscard]] const tail_keeper& tail() const noexcept { return tail_; }
  [[nodiscard]] const std::vector<confidence>& levels() const noexcept { return levels_; }
  /// Mean, standard deviation, min and max of the P&L (order-free, exact sums).
  [[nodiscard]] pnl_summary pnl() const noexcept { return moments_.summary(); }

  /// VaR and ES for every level, in the order given. Throws model_error if any P&L was
  /// not finite, riskgrid::error if not exactly `scenarios` P&Ls were pushed.
  [[nodiscard]] std::vector<var_es_result> results() const {
    if (tail_.non_finite_count() != 0)
      throw model_error("P&L is not finite in " + std::to_string(tail_.non_finite_count()) +
                        " scenario(s), the first being scenario " +
                        std::to_string(tail_.first_non_finite()));
    if (seen_ != scenarios_)
      throw error("var_es_aggregator: " + std::to_string(seen_) + " scenarios pushed, " +
                  std::to_string(scenarios_) + " expected");
    const auto worst = tail_.worst_first();  // sorted in place: no copy of the tail
    std::vector<var_es_result> out;
    out.reserve(levels_.size());
    for (const auto& level : levels_) out.push_back(var_es(worst, scenarios_, level));
    return out;
  }

 private:
  std::uint64_t scenarios_;
  std::vector<confidence> levels_;
  tail_keeper tail_;
  pnl_moments moments_;
  std::uint64_t seen_ = 0;
};

}  // namespace riskgrid::risk
