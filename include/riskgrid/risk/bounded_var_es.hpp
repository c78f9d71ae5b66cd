#pragma once

#include <algorithm>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/rank_selection_pass.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/tail_sums.hpp"
#include "riskgrid/risk/var_es.hpp"

namespace riskgrid::risk {

/// Options of risk::bounded_var_es.
struct bounded_var_es_options {
  /// Most (loss, scenario) entries a pass may collect over all its probes (16 bytes
  /// each), ≥ 1. Smaller budgets cost more passes, never other results.
  std::uint64_t entry_budget = std::uint64_t{1} << 16;
};

/// VaR, its interval, ES and se_ES at a set of confidence levels, the same bits as
/// var_es_aggregator::results(), with memory independent of the number of scenarios:
/// exact selection of the order statistics over several passes, each pass regenerating
/// and revaluing every scenario (a pure function of the seed and the scenario index,
/// DESIGN.md §2).
///
/// Every order statistic the estimators need (per level the VaR rank k and the VaR
/// interval's ranks, var_interval) is a rank in the order of risk::worse, which is the
/// integer order of a 128-bit key (loss bits, then inverted scenario index). Pass 1
/// counts all keys by their top 16 bits; from the counts each rank is located in one bin
/// with the exact number of entries above it. Each later pass takes, per located bin,
/// either the histogram of the next 16 bits of the keys inside it, or, once the bin holds
/// at most its share of `entry_budget` entries, the entries themselves, and sorts them:
/// the rank is then found exactly. The collecting pass also sums exactly (tail_sums) the
/// losses ranked above the VaR's bin, which with the collected ones above the VaR gives
/// ES and se_ES. Ties need no special case: the index half of the key refines them like
/// any other bits. Passes: 2 when the bins of pass 1 fit the budget, 3 typically at
/// 10^8 scenarios, at most 9 (8 histograms of 16 bits over 128, then collect).
///
/// Usage: `while (!s.done()) s.finish_pass(run(pipeline with prototype s.next_pass()))`,
/// any executor for any pass (every pass's state merges exactly), then results(). The
/// first pass also keeps the P&L moments (pnl()). Memory: 512 KB per histogram probe
/// (at most 3 per level) plus 16 B × entry_budget, independent of the scenario count.
class bounded_var_es {
 public:
  /// Throws riskgrid::error on no levels, no scenarios or a zero budget.
  bounded_var_es(std::uint64_t scenarios, std::vector<confidence> levels, bounded_var_es_options options = {})
      : scenarios_(scenarios), levels_(std::move(levels)), budget_(options.entry_budget) {
    if (levels_.empty()) throw error("bounded_var_es: no confidence level");
    if (scenarios_ == 0) throw error("bounded_var_es: no scenarios");
    if (budget_ == 0) throw error("bounded_var_es: the entry budget must be at least 1");
    for (const auto& level : levels_) {
      const auto ranks = var_interval(scenarios_, level);
      level_targets lt;
      lt.var = target_of(level.tail(scenarios_).var_rank(), probe_sums::above);
      if (ranks.lower >= 1) lt.ci_high = target_of(ranks.lower, probe_sums::none);
      if (ranks.upper <= scenarios_) lt.ci_low = target_of(ranks.upper, probe_sums::none);
      level_targets_.push_back(lt);
    }
    share_ = std::max<std::uint64_t>(1, budget_ / targets_.size());
    const auto first = scenarios_ <= share_ ? probe_action::collect : probe_action::histogram;
    for (auto& t : targets_) t.action = first;
  }

  /// True once every order statistic is known.
  [[nodiscard]] bool done() const noexcept {
    return std::all_of(targets_.begin(), targets_.end(), [](const target& t) { return t.found.has_value(); });
  }
  /// Passes finished so far.
  [[nodiscard]] int passes() const noexcept { return passes_; }

  /// The empty state of the next pass (a prototype for exec::pipeline).
  [[nodiscard]] rank_selection_pass next_pass() const {
    std::vector<rank_probe> probes;
    for (const auto& t : targets_) {
      if (t.found) continue;
      const auto slot = probe_of(t, probes);
      if (slot == probes.size()) {
        probes.push_back({static_cast<std::uint64_t>(t.prefix >> 64), static_cast<std::uint64_t>(t.prefix), t.depth,
                          t.action, t.sums});
      } else if (t.sums == probe_sums::above) {
        probes[slot].sums = probe_sums::above;
      }
    }
    return {std::move(probes), passes_ == 0 ? pass_moments::keep : pass_moments::skip};
  }

  /// Takes the merged state of the pass made from next_pass(). Throws model_error if a
  /// loss was not finite (first pass), riskgrid::error if the state does not cover
  /// exactly the scenarios or disagrees with the previous pass (scenarios that are not a
  /// pure function of their index).
  void finish_pass(const rank_selection_pass& state) {
    if (state.non_finite_count() != 0)
      throw model_error("P&L is not finite in " + std::to_string(state.non_finite_count()) +
                        " scenario(s), the first being scenario " + std::to_string(state.first_non_finite()));
    if (state.count() != scenarios_)
      throw error("bounded_var_es: " + std::to_string(state.count()) + " scenarios pushed, " +
                  std::to_string(scenarios_) + " expected");
    if (passes_ == 0) pnl_ = state.pnl();
    const auto& probes = state.probes();
    for (auto& t : targets_) {
      if (t.found) continue;
      const auto q = probe_of(t, probes);
      if (q == probes.size()) throw error("bounded_var_es: the state is not of the pass next_pass() described");
      if (t.action == probe_action::histogram) {
        refine(t, state.counts(q));
      } else {
        select(t, state.entries(q), state.above(q));
      }
    }
    ++passes_;
  }

  /// VaR and ES for every level, in the order given. Precondition: done().
  [[nodiscard]] std::vector<var_es_result> results() const {
    if (!done()) throw error("bounded_var_es: results() before the last pass");
    std::vector<var_es_result> out;
    for (std::size_t l = 0; l < levels_.size(); ++l) {
      const auto& lt = level_targets_[l];
      tail_order_statistics stats;
      stats.at_var = *targets_[lt.var].found;
      stats.beyond_var = targets_[lt.var].beyond;
      if (lt.ci_high) stats.ci_high_loss = targets_[*lt.ci_high].found->loss;
      if (lt.ci_low) stats.ci_low_loss = targets_[*lt.ci_low].found->loss;
      out.push_back(var_es(stats, scenarios_, levels_[l]));
    }
    return out;
  }

  /// Mean, standard deviation, min and max of the P&L, from the first pass.
  [[nodiscard]] const pnl_summary& pnl() const noexcept { return pnl_; }
  [[nodiscard]] const std::vector<confidence>& levels() const noexcept { return levels_; }

  /// Runs every pass: `run_pass(prototype)` must return the merged state of a pass over
  /// all scenarios built from that prototype (e.g. an executor running an exec::pipeline).
  template <class RunPass>
  std::vector<var_es_result> run(RunPass&& run_pass) {
    while (!done()) finish_pass(run_pass(next_pass()));
    return results();
  }

 private:
  struct target {
    std::uint64_t rank = 0;  // 1 = worst
    probe_sums sums = probe_sums::none;
    detail::u128 prefix = 0;
    std::uint32_t depth = 0;
    std::uint64_t above = 0;  // entries with a key above the prefix's range
    std::uint64_t in_range = 0;  // entries in the range, known after a histogram
    probe_action action = probe_action::histogram;
    std::optional<tail_entry> found;
    tail_sums beyond;  // losses of ranks 1 … rank − 1 (when sums == above)
  };
  struct level_targets {
    std::size_t var = 0;
    std::optional<std::size_t> ci_high, ci_low;
  };

  // One target per distinct rank; the VaR's sums are kept when any level needs them.
  std::size_t target_of(std::uint64_t rank, probe_sums sums) {
    for (std::size_t i = 0; i < targets_.size(); ++i)
      if (targets_[i].rank == rank) {
        if (sums == probe_sums::above) targets_[i].sums = sums;
        return i;
      }
    targets_.push_back({});
    targets_.back().rank = rank;
    targets_.back().sums = sums;
    return targets_.size() - 1;
  }

  static std::size_t probe_of(const target& t, const std::vector<rank_probe>& probes) {
    for (std::size_t q = 0; q < probes.size(); ++q)
      if (probes[q].depth == t.depth && probes[q].action == t.action &&
          probes[q].prefix_high == static_cast<std::uint64_t>(t.prefix >> 64) &&
          probes[q].prefix_low == static_cast<std::uint64_t>(t.prefix))
        return q;
    return probes.size();
  }

  // Narrows t to the bin of its rank; collect next once the bin fits t's share.
  void refine(target& t, const std::vector<std::uint64_t>& counts) {
    std::uint64_t total = 0;
    for (const auto c : counts) total += c;
    if (t.depth != 0 && total != t.in_range) throw not_reproducible(total, t.in_range);
    std::uint64_t above = t.above;
    for (std::size_t b = counts.size(); b-- > 0;) {
      if (above + counts[b] >= t.rank) {
        t.prefix = (t.prefix << rank_selection_pass::bits_per_pass) | b;
        t.depth += rank_selection_pass::bits_per_pass;
        t.above = above;
        t.in_range = counts[b];
        if (counts[b] <= share_ || t.depth + rank_selection_pass::bits_per_pass > 128) t.action = probe_action::collect;
        return;
      }
      above += counts[b];
    }
    throw error("bounded_var_es: rank " + std::to_string(t.rank) + " lies beyond the " + std::to_string(above) +
                " scenarios counted");
  }

  [[nodiscard]] error not_reproducible(std::uint64_t seen, std::uint64_t counted) const {
    return error("bounded_var_es: pass " + std::to_string(passes_ + 1) + " found " + std::to_string(seen) +
                 " scenarios in a range where the previous pass counted " + std::to_string(counted) +
                 ": the scenarios are not a pure function of their index");
  }

  // Finds t's entry among the collected ones of its range; sums the losses above it.
  void select(target& t, std::vector<tail_entry> entries, const tail_sums& above) {
    if (t.depth != 0 && entries.size() != t.in_range) throw not_reproducible(entries.size(), t.in_range);
    const auto position = t.rank - t.above - 1;
    if (t.rank <= t.above || position >= entries.size())
      throw error("bounded_var_es: rank " + std::to_string(t.rank) + " not in the collected range");
    const auto nth = entries.begin() + static_cast<std::ptrdiff_t>(position);
    std::nth_element(entries.begin(), nth, entries.end(), worse);
    t.found = *nth;
    if (t.sums == probe_sums::above) {
      t.beyond = above;
      // nth_element leaves the entries worse than the nth before it, in some order: the
      // sums are exact, so the order does not matter.
      for (auto it = entries.begin(); it != nth; ++it) t.beyond.add(it->loss);
      if (t.beyond.count() != t.rank - 1)
        throw error("bounded_var_es: " + std::to_string(t.beyond.count()) + " losses above rank " +
                    std::to_string(t.rank) + ", the counts say " + std::to_string(t.rank - 1));
    }
  }

  std::uint64_t scenarios_;
  std::vector<confidence> levels_;
  std::uint64_t budget_;
  std::uint64_t share_ = 1;
  std::vector<target> targets_;
  std::vector<level_targets> level_targets_;
  pnl_summary pnl_;
  int passes_ = 0;
};

}  // namespace riskgrid::risk
