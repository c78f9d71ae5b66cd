#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/core/pnl_block.hpp"

namespace riskgrid::risk {

/// `bins` equal-width bins over [lo, hi]: edge i is lo + (hi − lo)·i/bins, evaluated in
/// that order (edge 0 is lo and edge bins is hi exactly). Throws riskgrid::error unless
/// lo < hi are finite, bins ≥ 1 and the edges come out strictly increasing (a range too
/// narrow for its bin count in double precision).
[[nodiscard]] inline std::vector<double> uniform_edges(double lo, double hi, std::size_t bins) {
  if (!(std::isfinite(lo) && std::isfinite(hi) && lo < hi) || !std::isfinite(hi - lo))
    throw error("uniform_edges: expected finite lo < hi, got [" + to_shortest(lo) + ", " + to_shortest(hi) + "]");
  if (bins == 0) throw error("uniform_edges: at least one bin");
  std::vector<double> edges(bins + 1);
  const double width = hi - lo;
  for (std::size_t i = 0; i <= bins; ++i)
    edges[i] = lo + width * static_cast<double>(i) / static_cast<double>(bins);
  edges.back() = hi;
  for (std::size_t i = 1; i <= bins; ++i)
    if (!(edges[i - 1] < edges[i])) throw error("uniform_edges: the range is too narrow for " + std::to_string(bins) + " bins");
  return edges;
}

/// `bins` (1 … 10^6) equal-width bins covering [min, max] of data whose exact extremes are
/// known (e.g. from a first pass): uniform_edges(min, max, bins), except that a range
/// narrower than 1e-6·s, s = max(|min|, |max|, 1), is widened by 1e-3·s on each side, so
/// a constant P&L still gets bins of a printable width. Throws riskgrid::error unless
/// min ≤ max are finite and the bin count is in range.
[[nodiscard]] inline std::vector<double> covering_edges(double min, double max, std::size_t bins) {
  if (!(std::isfinite(min) && std::isfinite(max) && min <= max))
    throw error("covering_edges: expected finite min <= max, got [" + to_shortest(min) + ", " + to_shortest(max) + "]");
  if (bins == 0 || bins > 1000000) throw error("covering_edges: expected 1 to 1000000 bins, got " + std::to_string(bins));
  const double scale = std::max({std::abs(min), std::abs(max), 1.0});
  // max − min may overflow for data near ±DBL_MAX; then the range is wide enough as is.
  if (max - min < 1e-6 * scale) return uniform_edges(min - 1e-3 * scale, max + 1e-3 * scale, bins);
  return uniform_edges(min, max, bins);
}

/// A histogram of the P&L over bin edges fixed before the run, for plots.
///
/// Bins are [e_b, e_{b+1}) except the last, [e_{B−1}, e_B] (numpy's convention);
/// P&L below e_0 is counted as underflow, above e_B as overflow, NaN and ±inf as
/// non-finite. All state is integer counts, so push and merge are exact and the result
/// does not depend on how the scenarios were chunked or in which order states were
/// merged. Models riskgrid::aggregator.
///
/// Choosing the edges: they must be known before the first scenario (a chunk's state is
/// a pure function of the chunk). A program picks them from an estimate of the P&L
/// spread that does not depend on the run's partition: μ ± k·σ with k = 6 from the exact
/// mean and standard deviation of the linear (delta) P&L under the model's covariance, or
/// from a pilot pass over the first chunk (a fixed scenario range, so still a pure
/// function of the inputs); tails beyond the range land in under/overflow, which the plot
/// reports as counts.
///
/// push: O(log B) per P&L (binary search over the stored edges, so the bin is decided by
/// comparisons with exactly the edges a reader sees), no allocation. merge: O(B).
class histogram_aggregator {
 public:
  /// Throws riskgrid::error unless there are at least 2 edges, all finite and strictly
  /// increasing.
  explicit histogram_aggregator(std::vector<double> edges) : edges_(std::move(edges)) {
    check_edges(edges_);
    counts_.assign(edges_.size() - 1, 0);
  }

  void push(const pnl_block& block) noexcept {
    for (const double x : block.pnl) {
      if (!std::isfinite(x)) {
        ++non_finite_;
      } else if (x < edges_.front()) {
        ++underflow_;
      } else if (x > edges_.back()) {
        ++overflow_;
      } else {
        // The first edge greater than x closes x's bin; x == e_B belongs to the last bin.
        const auto above = std::upper_bound(edges_.begin(), edges_.end(), x);
        const auto bin = static_cast<std::size_t>(above - edges_.begin()) - 1;
        ++counts_[std::min(bin, counts_.size() - 1)];
      }
    }
  }

  /// Adds another state's counts. Throws riskgrid::error if its edges differ.
  void merge(const histogram_aggregator& other) {
    if (other.edges_ != edges_) throw error("histogram_aggregator: merging histograms with different edges");
    for (std::size_t b = 0; b < counts_.size(); ++b) counts_[b] += other.counts_[b];
    underflow_ += other.underflow_;
    overflow_ += other.overflow_;
    non_finite_ += other.non_finite_;
  }

  void save(byte_writer& w) const {
    w.put_span(std::span<const double>(edges_));
    w.put_span(std::span<const std::uint64_t>(counts_));
    w.put<std::uint64_t>(underflow_);
    w.put<std::uint64_t>(overflow_);
    w.put<std::uint64_t>(non_finite_);
  }

  /// Replaces the state by a saved one; throws riskgrid::error for a corrupt payload.
  void load(byte_reader& r) {
    auto edges = r.get_vector<double>();
    auto counts = r.get_vector<std::uint64_t>();
    if (edges.size() < 2 || counts.size() != edges.size() - 1)
      throw error("corrupt state payload: histogram counts do not match its edges");
    try {
      check_edges(edges);
    } catch (const error&) {
      throw error("corrupt state payload: histogram edges are not finite and increasing");
    }
    const auto underflow = r.get<std::uint64_t>(), overflow = r.get<std::uint64_t>(),
               non_finite = r.get<std::uint64_t>();
    edges_ = std::move(edges);
    counts_ = std::move(counts);
    underflow_ = underflow;
    overflow_ = overflow;
    non_finite_ = non_finite;
  }

  [[nodiscard]] const std::vector<double>& edges() const noexcept { return edges_; }
  /// counts()[b]: P&Ls in bin b, b < edges().size() − 1.
  [[nodiscard]] const std::vector<std::uint64_t>& counts() const noexcept { return counts_; }
  [[nodiscard]] std::uint64_t underflow() const noexcept { return underflow_; }
  [[nodiscard]] std::uint64_t overflow() const noexcept { return overflow_; }
  [[nodiscard]] std::uint64_t non_finite() const noexcept { return non_finite_; }
  /// Every P&L pushed, counted wherever it went.
  [[nodiscard]] std::uint64_t count() const noexcept {
    std::uint64_t total = underflow_ + overflow_ + non_finite_;
    for (const auto c : counts_) total += c;
    return total;
  }

 private:
  static void check_edges(const std::vector<double>& edges) {
    if (edges.size() < 2) throw error("histogram_aggregator: at least 2 bin edges needed");
    for (std::size_t i = 0; i < edges.size(); ++i) {
      if (!std::isfinite(edges[i])) throw error("histogram_aggregator: bin edge " + std::to_string(i) + " is not finite");
      if (i > 0 && !(edges[i - 1] < edges[i]))
        throw error("histogram_aggregator: bin edges must be strictly increasing, edge " + std::to_string(i) + " is " +
                    to_shortest(edges[i]) + " after " + to_shortest(edges[i - 1]));
    }
  }

  std::vector<double> edges_;
  std::vector<std::uint64_t> counts_;
  std::uint64_t underflow_ = 0, overflow_ = 0, non_finite_ = 0;
};

}  // namespace riskgrid::risk
