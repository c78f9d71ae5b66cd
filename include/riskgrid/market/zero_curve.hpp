#pragma once

#include <algorithm>
#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/market/base_market.hpp"
#include "riskgrid/market/risk_factor.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::market {

/// Where a time falls on a curve: the zero rate at that time is
/// `weight·r(first) + complement·r(second)` with complement = 1 − weight, computed once.
/// A shocked rate is `weight·(r_first + s_first) + complement·(r_second + s_second)`, so
/// a pricer needs two shock loads per time and no search.
struct curve_point {
  std::size_t first = 0;   ///< pillar index (position on the curve)
  std::size_t second = 0;  ///< pillar index; equals `first` outside the pillars
  double weight = 1.0;
  double complement = 0.0;
};

/// Continuously compounded zero rates of one currency at the `IR.<CCY>.<tenor>` pillars of
/// a base market (DESIGN.md §4): pillar times n/365, 7n/365, n/12, n years; linear in zero
/// rate between pillars; flat before the first and after the last. Immutable.
class zero_curve {
 public:
  /// Collects every `IR.<currency>.<tenor>` factor of `market`; throws riskgrid::error when
  /// there is none or when two pillars fall at the same time (e.g. 12M and 1Y).
  zero_curve(const base_market& market, std::string_view currency) : currency_(currency) {
    for (std::size_t i = 0; i < market.size(); ++i) {
      const auto& f = market.factor(i);
      if (f.kind == factor_kind::zero_rate && f.subject == currency) factors_.push_back(i);
    }
    if (factors_.empty())
      throw error("no zero curve for " + currency_ + ": the market has no IR." + currency_ + ".<tenor>");
    std::stable_sort(factors_.begin(), factors_.end(), [&](std::size_t a, std::size_t b) {
      return market.factor(a).tenor_years < market.factor(b).tenor_years;
    });
    for (std::size_t k = 0; k < factors_.size(); ++k) {
      const double t = market.factor(factors_[k]).tenor_years;
      if (k > 0 && t == times_.back())
        throw error("two pillars of the " + currency_ + " curve at the same time (" + to_shortest(t) +
                    " years): " + market.name(factors_[k - 1]) + " and " + market.name(factors_[k]));
      times_.push_back(t);
      rates_.push_back(market.value(factors_[k]));
    }
  }

  [[nodiscard]] const std::string& currency() const noexcept { return currency_; }
  [[nodiscard]] std::size_t size() const noexcept { return times_.size(); }
  /// Pillar time in years (ascending).
  [[nodiscard]] double time(std::size_t k) const noexcept { return times_[k]; }
  /// Base zero rate at pillar `k`.
  [[nodiscard]] double rate(std::size_t k) const noexcept { return rates_[k]; }
  /// Index in the base market of the factor behind pillar `k`.
  [[nodiscard]] std::size_t factor(std::size_t k) const noexcept { return factors_[k]; }

  /// Pillars and weights of time `t` ≥ 0. O(log pillars).
  [[nodiscard]] curve_point locate(double t) const noexcept {
    if (t <= times_.front()) return {0, 0, 1.0, 0.0};
    if (t >= times_.back()) return {size() - 1, size() - 1, 1.0, 0.0};
    const auto upper = static_cast<std::size_t>(std::upper_bound(times_.begin(), times_.end(), t) - times_.begin());
    const std::size_t a = upper - 1;
    const double w = (times_[upper] - t) / (times_[upper] - times_[a]);
    return {a, upper, w, 1.0 - w};
  }

  /// Base zero rate at time `t`, by the same expression as a shocked rate with zero shocks.
  [[nodiscard]] double zero_rate(double t) const noexcept {
    const auto p = locate(t);
    return p.weight * (rates_[p.first] + 0.0) + p.complement * (rates_[p.second] + 0.0);
  }

  /// exp(−r(t)·t) through simd::exp, as the pricers compute it.
  [[nodiscard]] double discount(double t) const noexcept { return simd::exp(-zero_rate(t) * t); }

 private:
  std::string currency_;
  std::vector<std::size_t> factors_;
  std::vector<double> times_;
  std::vector<double> rates_;
};

}  // namespace riskgrid::market
