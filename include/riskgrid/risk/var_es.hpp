#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/risk/tail_keeper.hpp"

namespace riskgrid::risk {

/// VaR and ES at one confidence level, both positive for losses.
struct var_es_result {
  riskgrid::confidence confidence;
  double var = 0.0;              ///< L(k), k = floor(m) + 1
  double es = 0.0;               ///< Acerbi–Tasche expected shortfall
  scenario_id var_scenario = 0;  ///< the scenario whose loss is the VaR
  tail_size tail;                ///< m = N·(1 − α), exact
  /// m < 1: fewer scenarios than the level needs; ES is then the worst loss. Callers warn.
  [[nodiscard]] bool thin_tail() const noexcept { return tail.whole == 0; }
};

/// Number of worst losses the estimators need for these levels over n scenarios:
/// the largest VaR rank floor(n·(1 − α)) + 1, capped at n (at least 1).
[[nodiscard]] inline std::size_t required_tail_capacity(std::uint64_t n,
                                                        std::span<const confidence> levels) {
  std::uint64_t need = 1;
  for (const auto& c : levels) need = std::max(need, c.tail(n).var_rank());
  return static_cast<std::size_t>(std::min(need, std::max<std::uint64_t>(n, 1)));
}

/// The exact estimators of DESIGN.md §4 over the sorted tail of n scenarios:
/// VaR = L(k), k = floor(m) + 1; ES = ( Σ_{r≤j} L(r) + (m − j)·L(j+1) ) / m, m = n·(1 − α),
/// j = floor(m) (Acerbi & Tasche 2002, "On the coherence of expected shortfall").
/// The sum runs from the worst loss down, a fixed order, so the result is bitwise
/// reproducible. Precondition: `worst_first` is sorted by risk::worse and holds at least
/// required_tail_capacity(n, {alpha}) entries; throws riskgrid::error otherwise.
[[nodiscard]] inline var_es_result var_es(std::span<const tail_entry> worst_first,
                                          std::uint64_t n, const confidence& alpha) {
  if (n == 0) throw error("var_es: no scenarios");
  const auto tail = alpha.tail(n);
  const auto k = tail.var_rank();
  if (worst_first.size() < k)
    throw error("var_es: the tail holds " + std::to_string(worst_first.size()) +
                " losses, the estimator needs " + std::to_string(k));
  double sum = 0.0;
  for (std::uint64_t r = 0; r < tail.whole; ++r) sum += worst_first[r].loss;
  if (tail.numerator != 0) sum += tail.fraction() * worst_first[tail.whole].loss;
  var_es_result out{alpha, worst_first[k - 1].loss, sum / tail.m, worst_first[k - 1].scenario,
                    tail};
  return out;
}

}  // namespace riskgrid::risk
