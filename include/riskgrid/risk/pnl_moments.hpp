#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/exact_sum.hpp"
#include "riskgrid/core/pnl_block.hpp"

namespace riskgrid::risk {

/// Mean, standard deviation, minimum and maximum of the P&L.
struct pnl_summary {
  std::uint64_t count = 0;
  double mean = 0.0;
  double stdev = 0.0;  ///< sample standard deviation (divisor count − 1)
  double min = 0.0;
  double max = 0.0;
};

/// Streaming P&L moments whose result does not depend on how the scenarios were split
/// or in which order the parts were merged.
///
/// Σx and Σx² are exact (exact_sum; x² enters as its exact double-double split
/// hi + lo = x·x via fma), so the mean is the correctly rounded Σx/N and the variance
/// (Σx² − N·mean²)/(N − 1) loses accuracy only if |mean| ≫ stdev (relative error about
/// 1e-16·mean²/var), which P&L distributions are not. min/max break ±0 ties by sign so
/// they too are order-free. Non-finite P&L is skipped (the tail keeper counts it).
class pnl_moments {
 public:
  void push(const pnl_block& block) noexcept {
    for (const double x : block.pnl) {
      if (!std::isfinite(x)) continue;
      sum_.add(x);
      const double hi = x * x;
      square_sum_.add(hi);
      square_sum_.add(std::fma(x, x, -hi));
      if (count_ == 0 || x < min_ || (x == min_ && std::signbit(x))) min_ = x;
      if (count_ == 0 || x > max_ || (x == max_ && !std::signbit(x))) max_ = x;
      ++count_;
    }
  }

  void merge(const pnl_moments& other) noexcept {
    if (other.count_ == 0) return;
    sum_.merge(other.sum_);
    square_sum_.merge(other.square_sum_);
    if (count_ == 0 || other.min_ < min_ || (other.min_ == min_ && std::signbit(other.min_))) min_ = other.min_;
    if (count_ == 0 || other.max_ > max_ || (other.max_ == max_ && !std::signbit(other.max_))) max_ = other.max_;
    count_ += other.count_;
  }

  [[nodiscard]] pnl_summary summary() const noexcept {
    pnl_summary s;
    s.count = count_;
    if (count_ == 0) return s;
    const double n = static_cast<double>(count_);
    s.mean = sum_.value() / n;
    s.min = min_;
    s.max = max_;
    if (count_ > 1) {
      const double centered = square_sum_.value() - n * s.mean * s.mean;
      s.stdev = std::sqrt(std::max(centered, 0.0) / (n - 1.0));
    }
    return s;
  }

  void save(byte_writer& w) const {
    w.put<std::uint64_t>(count_);
    w.put<double>(min_);
    w.put<double>(max_);
    sum_.save(w);
    square_sum_.save(w);
  }
  void load(byte_reader& r) {
    count_ = r.get<std::uint64_t>();
    min_ = r.get<double>();
    max_ = r.get<double>();
    sum_.load(r);
    square_sum_.load(r);
  }

 private:
  std::uint64_t count_ = 0;
  double min_ = 0.0;
  double max_ = 0.0;
  exact_sum sum_;
  exact_sum square_sum_;
};

}  // namespace riskgrid::risk
