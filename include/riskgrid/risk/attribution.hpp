#pragma once

/// \file
/// Euler attribution of VaR and ES to positions (trades or desks) from the tail of the
/// main pass: which scenarios and weights each measure uses, and the mergeable sums of
/// the positions' losses over them.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <vector>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"

namespace riskgrid::risk {

/// Half-width, in ranks, of the kernel window of component VaR around the VaR rank k:
/// ceil(sqrt(k)). Wide enough that the window average of a position's loss has a
/// standard error about 1/k^(1/4) of a single scenario's, narrow enough that its bias
/// (the slope of E[loss_p | L] over the window) vanishes as N grows: the window covers
/// a fraction 2/sqrt(k) of the tail. (Epperlein & Smillie 2006 smooth the same way.)
[[nodiscard]] inline std::uint64_t component_var_half_width(std::uint64_t var_rank) noexcept {
  const auto root = static_cast<std::uint64_t>(std::ceil(std::sqrt(static_cast<double>(var_rank))));
  return std::max<std::uint64_t>(root, 1);
}

/// Worst losses the attribution of these levels needs over n scenarios: the VaR rank plus
/// the kernel half-width, and the ES ranks, capped at n.
[[nodiscard]] inline std::size_t attribution_tail_capacity(std::uint64_t n,
                                                           std::span<const confidence> levels) {
  std::uint64_t need = 1;
  for (const auto& c : levels) {
    const auto k = c.tail(n).var_rank();
    need = std::max(need, k + component_var_half_width(k));
  }
  return static_cast<std::size_t>(std::min(need, std::max<std::uint64_t>(n, 1)));
}

/// The scenarios that the attributed measures weight, and their weights.
///
/// Measures are numbered 2·l (component ES at level l) and 2·l + 1 (component VaR at
/// level l). A position p's component of measure q is
///     scale[q] · Σ_s weight[s][q] · loss_p(s) / divisor[q],
/// where loss_p = −P&L of the position. For ES the weights are the estimator's own
/// (1 for ranks 1..j, m − j for rank j + 1, divisor m, scale 1), so the components
/// add up to the ES up to the rounding of the sums. For VaR they are Epanechnikov
/// weights 1 − ((r − k)/(h + 1))² over the ranks r in [k − h, k + h] (h =
/// component_var_half_width(k)), i.e. a kernel estimate of E[loss_p | L = VaR]; the scale
/// VaR / (Σ w·L / Σ w) makes the components add up to the VaR itself.
class attribution_plan {
 public:
  /// `worst_first`: the sorted tail of the main pass (risk::worse order) holding at least
  /// attribution_tail_capacity(n, levels) entries (fewer only when n is smaller).
  /// Throws riskgrid::error if the tail is too short.
  attribution_plan(std::span<const tail_entry> worst_first, std::uint64_t n,
                   std::span<const confidence> levels)
      : measures_(2 * levels.size()) {
    if (n == 0) throw error("attribution: no scenarios");
    if (worst_first.size() < std::min<std::uint64_t>(attribution_tail_capacity(n, levels), n))
      throw error("attribution: the tail holds " + std::to_string(worst_first.size()) +
                  " losses, attribution needs " +
                  std::to_string(attribution_tail_capacity(n, levels)));
    std::uint64_t deepest = 0;
    std::vector<std::pair<std::uint64_t, std::uint64_t>> var_windows;  // [first, last] ranks, 1-based
    for (const auto& c : levels) {
      const auto tail = c.tail(n);
      const auto k = tail.var_rank();
      const auto h = component_var_half_width(k);
      const auto first = k > h ? k - h : 1;
      const auto last = std::min<std::uint64_t>(k + h, worst_first.size());
      var_windows.emplace_back(first, last);
      deepest = std::max({deepest, last, std::min<std::uint64_t>(k, worst_first.size())});
    }
    scenarios_.resize(deepest);
    for (std::uint64_t r = 0; r < deepest; ++r) scenarios_[r] = worst_first[r].scenario;
    weights_.assign(deepest * measures_, 0.0);
    divisor_.assign(measures_, 0.0);
    scale_.assign(measures_, 1.0);
    for (std::size_t l = 0; l < levels.size(); ++l) {
      const auto tail = levels[l].tail(n);
      const std::size_t es = 2 * l, var = 2 * l + 1;
      for (std::uint64_t r = 0; r < tail.whole; ++r) weights_[r * measures_ + es] = 1.0;
      if (tail.numerator != 0) weights_[tail.whole * measures_ + es] = tail.fraction();
      divisor_[es] = tail.m;
      const auto k = tail.var_rank();
      const auto h = static_cast<double>(component_var_half_width(k));
      double weight_sum = 0.0, weighted_loss = 0.0;
      for (auto r = var_windows[l].first; r <= var_windows[l].second; ++r) {
        const double u = (static_cast<double>(r) - static_cast<double>(k)) / (h + 1.0);
        const double w = 1.0 - u * u;
        weights_[(r - 1) * measures_ + var] = w;
        weight_sum += w;
        weighted_loss += w * worst_first[r - 1].loss;
      }
      divisor_[var] = weight_sum;
      const double smoothed = weighted_loss / weight_sum;
      const double var_loss = worst_first[k - 1].loss;
      // A smoothed VaR of 0 (a flat tail at zero loss) leaves nothing to scale to.
      scale_[var] = smoothed != 0.0 ? var_loss / smoothed : 1.0;
    }
  }

  /// Number of measures (2 per level: ES, then VaR).
  [[nodiscard]] std::size_t measures() const noexcept { return measures_; }
  /// Distinct scenarios to revalue, in tail rank order (worst first).
  [[nodiscard]] std::span<const scenario_id> scenarios() const noexcept { return scenarios_; }
  /// Weights of scenario s (position in scenarios()) for every measure.
  [[nodiscard]] std::span<const double> weights(std::size_t s) const noexcept {
    return {weights_.data() + s * measures_, measures_};
  }
  [[nodiscard]] double divisor(std::size_t measure) const noexcept { return divisor_[measure]; }
  [[nodiscard]] double scale(std::size_t measure) const noexcept { return scale_[measure]; }

 private:
  std::size_t measures_;
  std::vector<scenario_id> scenarios_;
  std::vector<double> weights_;  // scenarios × measures
  std::vector<double> divisor_, scale_;
};

/// Σ_s weight[s][q] · loss_p(s) for every position p and measure q, over some of a plan's
/// scenarios: the mergeable state of the attribution pass.
///
/// merge() adds elementwise; executors merge chunk states in chunk order, so the sums are
/// the same bits for any number of workers (chunks are a fixed cut of the plan).
class component_sums {
 public:
  component_sums() = default;
  component_sums(std::size_t positions, std::size_t measures)
      : positions_(positions), measures_(measures), sums_(positions * measures, 0.0) {}

  /// Adds weight[q]·loss for position p.
  void add(std::size_t position, std::span<const double> weights, double loss) noexcept {
    double* row = sums_.data() + position * measures_;
    for (std::size_t q = 0; q < measures_; ++q) row[q] += weights[q] * loss;
  }

  void merge(const component_sums& other) {
    if (other.sums_.size() != sums_.size()) throw error("component_sums: shapes differ");
    for (std::size_t i = 0; i < sums_.size(); ++i) sums_[i] += other.sums_[i];
  }

  void save(byte_writer& w) const {
    w.put<std::uint64_t>(positions_);
    w.put<std::uint64_t>(measures_);
    w.put_span<double>(sums_);
  }
  void load(byte_reader& r) {
    const auto positions = r.get<std::uint64_t>();
    const auto measures = r.get<std::uint64_t>();
    auto sums = r.get_vector<double>();
    if (sums.size() != positions * measures) throw error("corrupt component_sums payload");
    positions_ = static_cast<std::size_t>(positions);
    measures_ = static_cast<std::size_t>(measures);
    sums_ = std::move(sums);
  }

  [[nodiscard]] std::size_t positions() const noexcept { return positions_; }
  [[nodiscard]] std::size_t measures() const noexcept { return measures_; }
  [[nodiscard]] double sum(std::size_t position, std::size_t measure) const noexcept {
    return sums_[position * measures_ + measure];
  }

  /// The component of measure q for position p under `plan` (see attribution_plan).
  [[nodiscard]] double component(const attribution_plan& plan, std::size_t position,
                                 std::size_t measure) const noexcept {
    return plan.scale(measure) * (sum(position, measure) / plan.divisor(measure));
  }

 private:
  std::size_t positions_ = 0;
  std::size_t measures_ = 0;
  std::vector<double> sums_;
};

/// Marginal VaR or ES of a position per unit of its quantity: ∂ρ(P + h·u)/∂h at h = 0,
/// u being one unit of the position (one share, one unit of notional, one option). ρ is
/// homogeneous of degree 1, so Euler's theorem makes this E[loss_u | tail] = component /
/// quantity, in the base currency per unit of quantity. nullopt for a quantity of 0 (the
/// component is then 0 and tells nothing about one unit) or no quantity at all.
[[nodiscard]] inline std::optional<double> marginal_per_unit(double component,
                                                             std::optional<double> quantity) noexcept {
  if (!quantity || *quantity == 0.0) return std::nullopt;
  return component / *quantity;
}

/// The worst losses of the portfolio without each of several position sets, for their
/// incremental VaR and ES: ρ(P) − ρ(P − S) on the main pass's very scenarios.
///
/// One bounded tail per set, sized like var_es_aggregator's VaR/ES part
/// (required_tail_capacity), so results() are the exact estimators of DESIGN.md §4. A
/// set's tail grows only as losses arrive (a chunk's state holds at most min(chunk,
/// 2·capacity) entries per set), so many sets over small chunks stay cheap; the final
/// state holds up to 2·capacity entries per set. Keeping the worst `capacity` under the
/// strict total order risk::worse makes merge exact, associative and commutative: any
/// partition and merge order give the same bits. Not thread-safe; one state per worker,
/// then merge. Models riskgrid::chunk_state (the state of exec::incremental_job).
class incremental_aggregator {
 public:
  /// Throws riskgrid::error without levels.
  incremental_aggregator(std::uint64_t scenarios, std::vector<confidence> levels, std::size_t sets)
      : scenarios_(scenarios), levels_(std::move(levels)), tails_(sets) {
    if (levels_.empty()) throw error("incremental_aggregator: no confidence level");
    capacity_ = required_tail_capacity(scenarios_, levels_);
  }

  [[nodiscard]] std::size_t sets() const noexcept { return tails_.size(); }
  [[nodiscard]] const std::vector<confidence>& levels() const noexcept { return levels_; }

  /// Pushes the losses of P − S for set `set`, scenarios first, first + 1, ….
  void push(std::size_t set, scenario_id first, std::span<const double> losses) {
    auto& t = tails_[set];
    for (std::size_t i = 0; i < losses.size(); ++i) add(t, {losses[i], first + i});
    t.seen += losses.size();
  }

  void merge(const incremental_aggregator& other) {
    if (other.tails_.size() != tails_.size() || other.capacity_ != capacity_)
      throw error("incremental_aggregator: shapes differ");
    for (std::size_t s = 0; s < tails_.size(); ++s) {
      for (const auto& e : other.tails_[s].entries) add(tails_[s], e);
      tails_[s].seen += other.tails_[s].seen;
    }
    if (other.non_finite_ != 0) {
      if (non_finite_ == 0 || other.first_non_finite_ < first_non_finite_) first_non_finite_ = other.first_non_finite_;
      non_finite_ += other.non_finite_;
    }
  }

  void save(byte_writer& w) const {
    w.put<std::uint64_t>(capacity_);
    w.put<std::uint64_t>(tails_.size());
    w.put<std::uint64_t>(non_finite_);
    w.put<std::uint64_t>(first_non_finite_);
    for (const auto& t : tails_) {
      w.put<std::uint64_t>(t.seen);
      w.put_span<tail_entry>(sorted(t));
    }
  }
  /// Replaces the state with a saved one; throws riskgrid::error on a corrupt payload or
  /// one of another shape.
  void load(byte_reader& r) {
    const auto capacity = r.get<std::uint64_t>();
    const auto sets = r.get<std::uint64_t>();
    if (capacity != capacity_ || sets != tails_.size()) throw error("corrupt incremental_aggregator payload");
    non_finite_ = r.get<std::uint64_t>();
    first_non_finite_ = r.get<std::uint64_t>();
    for (auto& t : tails_) {
      t = {};
      t.seen = r.get<std::uint64_t>();
      auto kept = r.get_vector<tail_entry>();
      if (kept.size() > capacity_) throw error("corrupt incremental_aggregator payload: more entries than capacity");
      for (const auto& e : kept) add(t, e);
    }
  }

  /// VaR and ES of P − S for set `set`, every level in order. Throws model_error if any
  /// loss was not finite, riskgrid::error unless exactly `scenarios` losses were pushed.
  [[nodiscard]] std::vector<var_es_result> results(std::size_t set) const {
    if (non_finite_ != 0)
      throw model_error("P&L without a position set is not finite in " + std::to_string(non_finite_) +
                        " scenario(s), the first being scenario " + std::to_string(first_non_finite_));
    const auto& t = tails_[set];
    if (t.seen != scenarios_)
      throw error("incremental_aggregator: " + std::to_string(t.seen) + " scenarios pushed, " +
                  std::to_string(scenarios_) + " expected");
    const auto worst = sorted(t);
    std::vector<var_es_result> out;
    out.reserve(levels_.size());
    for (const auto& level : levels_) out.push_back(var_es(worst, scenarios_, level));
    return out;
  }

 private:
  struct tail {
    std::vector<tail_entry> entries;
    tail_entry threshold{};
    bool full = false;
    std::uint64_t seen = 0;
  };

  // tail_keeper's policy without its up-front reservation: collect up to 2·capacity, then
  // keep the worst capacity and make the least bad of them the bar to beat.
  void add(tail& t, const tail_entry& e) {
    if (!std::isfinite(e.loss)) {
      if (non_finite_ == 0 || e.scenario < first_non_finite_) first_non_finite_ = e.scenario;
      ++non_finite_;
      return;
    }
    if (t.full && !worse(e, t.threshold)) return;
    t.entries.push_back(e);
    if (t.entries.size() == 2 * capacity_) {
      const auto nth = t.entries.begin() + static_cast<std::ptrdiff_t>(capacity_ - 1);
      std::nth_element(t.entries.begin(), nth, t.entries.end(), worse);
      t.threshold = *nth;
      t.entries.resize(capacity_);
      t.full = true;
    }
  }

  [[nodiscard]] std::vector<tail_entry> sorted(const tail& t) const {
    std::vector<tail_entry> out = t.entries;
    const auto keep = std::min(out.size(), capacity_);
    std::partial_sort(out.begin(), out.begin() + static_cast<std::ptrdiff_t>(keep), out.end(), worse);
    out.resize(keep);
    return out;
  }

  std::uint64_t scenarios_;
  std::vector<confidence> levels_;
  std::size_t capacity_ = 1;
  std::vector<tail> tails_;
  std::uint64_t non_finite_ = 0;
  scenario_id first_non_finite_ = 0;
};

}  // namespace riskgrid::risk
