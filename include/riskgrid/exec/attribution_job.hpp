#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/risk/attribution.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::exec {

/// `b.size()` trades and `b.revalue_trade(t, block, pnl)`: trade t's P&L over a block,
/// the same bits as its contribution inside the book's full revaluation.
/// Models: portfolio::book.
template <class B>
concept per_trade_revaluer =
    requires(const B& b, std::size_t t, const scenario::shock_block& block, std::span<double> pnl) {
      { b.size() } -> std::convertible_to<std::size_t>;
      b.revalue_trade(t, block, pnl);
    };

namespace detail {

/// Regenerates scenarios `ids` (any indices, in the given order) into the columns of
/// `block`, so a pricer sees them as one block of ids.size() scenarios. Each scenario is
/// generated alone, which counter-based streams make exact.
template <scenario::scenario_generator Generator>
void gather_scenarios(const Generator& generator, std::span<const scenario_id> ids,
                      scenario::shock_block& block) {
  const auto factors = generator.factors().size();
  scenario::shock_block one(factors, 1);
  block.reset({0, ids.size()});
  for (std::size_t j = 0; j < ids.size(); ++j) {
    generator.generate({ids[j], 1}, one);
    for (std::size_t f = 0; f < factors; ++f) block.factor(f)[j] = one.factor(f)[0];
  }
}

}  // namespace detail

/// The attribution pass (DESIGN.md §2): regenerates only the tail scenarios of an
/// attribution_plan (counter-based streams make scenario i a pure function of i, so
/// they are the main pass's scenarios exactly) and sums each trade's weighted losses.
///
/// A chunked_job: chunk c is plan scenarios [c·chunk, (c+1)·chunk), gathered into one
/// shock block so pricers run full SIMD batches; its state is a risk::component_sums
/// over all trades. Any executor runs it; merged in chunk order, the sums are the same
/// bits for any number of workers. Cost: |plan.scenarios()| scenarios × trades, against
/// N × trades for the main pass; memory O(trades × measures + chunk × factors).
template <scenario::scenario_generator Generator, per_trade_revaluer Book>
class attribution_job {
 public:
  using state_type = risk::component_sums;

  attribution_job(const Generator& generator, const Book& book, const risk::attribution_plan& plan,
                  std::size_t chunk_scenarios = 256)
      : generator_(&generator), book_(&book), plan_(&plan), chunk_(chunk_scenarios) {
    if (chunk_ == 0) throw error("attribution_job: chunk size must be at least 1");
  }

  [[nodiscard]] std::uint64_t chunk_count() const noexcept {
    return (plan_->scenarios().size() + chunk_ - 1) / chunk_;
  }
  [[nodiscard]] state_type empty() const { return {book_->size(), plan_->measures()}; }

  [[nodiscard]] state_type run_chunk(std::uint64_t c) const {
    const auto all = plan_->scenarios();
    const auto first = static_cast<std::size_t>(c) * chunk_;
    const auto count = std::min(chunk_, all.size() - first);
    scenario::shock_block block(generator_->factors().size(), count);
    detail::gather_scenarios(*generator_, all.subspan(first, count), block);
    state_type sums = empty();
    std::vector<double> pnl(count);
    for (std::size_t t = 0; t < book_->size(); ++t) {
      book_->revalue_trade(t, block, pnl);
      for (std::size_t j = 0; j < count; ++j) sums.add(t, plan_->weights(first + j), -pnl[j]);
    }
    return sums;
  }

 private:
  const Generator* generator_;
  const Book* book_;
  const risk::attribution_plan* plan_;
  std::size_t chunk_;
};

}  // namespace riskgrid::exec
