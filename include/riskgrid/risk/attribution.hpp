#pragma once

/// \file
/// Euler attribution of VaR and ES to positions (trades or desks) from the tail of the
/// main pass: which scenarios and weights each measure uses, and the mergeable sums of
/// the positions' losses over them.

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <span>
#include <vector>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/risk/tail_keeper.hpp"

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

}  // namespace riskgrid::risk
