#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/attribution_job.hpp"
#include "riskgrid/exec/chunk_plan.hpp"
#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/risk/attribution.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::exec {

namespace detail {

/// The order in which `book.revalue()` adds trades up: portfolio::book adds them by
/// trade type, in input order within a type (its documented order), which a stable sort
/// by type reproduces; a book without trade types adds them in index order.
template <per_trade_revaluer Book>
[[nodiscard]] std::vector<std::size_t> accumulation_order(const Book& book) {
  std::vector<std::size_t> order(book.size());
  for (std::size_t t = 0; t < order.size(); ++t) order[t] = t;
  if constexpr (requires { book.trades()[0].type; }) {
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
      return static_cast<std::size_t>(book.trades()[a].type) < static_cast<std::size_t>(book.trades()[b].type);
    });
  }
  return order;
}

}  // namespace detail

/// The incremental pass: P&L of the portfolio without each of several sets of trades
/// (a trade alone, a desk, any list) over all N scenarios, into a
/// risk::incremental_aggregator, for incremental VaR/ES = ρ(P) − ρ(P − S).
///
/// Why a pass over every scenario: P − S has its own tail, which holds scenarios outside
/// P's tail, so the tail-only attribution pass cannot give it exactly. One pass serves all
/// sets: each trade is priced once per scenario (`revalue_trade`, the same bits as inside
/// `revalue`), the portfolio P&L is summed in the book's own order (so it is bitwise the
/// main pass's), each set's P&L is summed in that order too, and P − S = P − (Σ_{t∈S} t).
/// That subtraction differs from revaluing the book without S by one rounding of the
/// portfolio P&L (relative 1e-16 of |P&L_P|, the tests bound it at 1e-12 of the measures).
/// Cost: one full revaluation of the book, like the main pass, plus O(sets) per scenario.
///
/// A chunked_job over the same chunk plan as the main pipeline (same chunk size, so a
/// checkpoint of this pass records the same chunk boundaries); merged in chunk order the
/// state is the same bits for any executor and number of workers.
template <scenario::scenario_generator Generator, per_trade_revaluer Book>
class incremental_job {
 public:
  using state_type = risk::incremental_aggregator;

  /// `sets[s]`: trade indices of set s (distinct, < book.size(); an empty set gives the
  /// portfolio itself). `prototype`: an empty state with sets.size() sets. Throws
  /// riskgrid::error on a bad set, a shape mismatch, zero sizes, or more scenarios than a
  /// model with a fixed scenario set has.
  incremental_job(const Generator& generator, const Book& book, std::vector<std::vector<std::size_t>> sets,
                  risk::incremental_aggregator prototype, pipeline_options options)
      : generator_(&generator),
        book_(&book),
        prototype_(std::move(prototype)),
        plan_(options.scenarios, options.chunk_size),
        block_size_(options.block_size),
        order_(detail::accumulation_order(book)),
        sets_of_(book.size()),
        sets_(sets.size()) {
    if (block_size_ == 0) throw error("incremental_job: block size must be at least 1");
    if (prototype_.sets() != sets.size())
      throw error("incremental_job: the prototype has " + std::to_string(prototype_.sets()) + " sets, " +
                  std::to_string(sets.size()) + " given");
    if constexpr (requires { generator.scenario_count(); }) {
      if (options.scenarios > generator.scenario_count())
        throw error("incremental_job: " + std::to_string(options.scenarios) + " scenarios requested, the model has " +
                    std::to_string(generator.scenario_count()));
    }
    for (std::size_t s = 0; s < sets.size(); ++s)
      for (const auto t : sets[s]) {
        if (t >= book.size()) throw error("incremental_job: trade index out of range in set " + std::to_string(s));
        if (!sets_of_[t].empty() && sets_of_[t].back() == s)
          throw error("incremental_job: trade " + std::to_string(t) + " twice in set " + std::to_string(s));
        sets_of_[t].push_back(s);
      }
  }

  [[nodiscard]] std::uint64_t chunk_count() const noexcept { return plan_.chunk_count(); }
  [[nodiscard]] state_type empty() const { return prototype_; }

  [[nodiscard]] state_type run_chunk(std::uint64_t c) const {
    const auto range = plan_.chunk(c);
    const auto width = std::min<std::size_t>(block_size_, range.count);
    scenario::shock_block block(generator_->factors().size(), width);
    std::vector<double> total(width), trade(width), losses(width), set_pnl(sets_ * width);
    state_type state = prototype_;
    for (std::size_t done = 0; done < range.count; done += width) {
      const scenario_range sub{range.first + done, std::min(width, range.count - done)};
      generator_->generate(sub, block);
      const auto n = sub.count;
      std::fill(total.begin(), total.end(), 0.0);
      std::fill(set_pnl.begin(), set_pnl.end(), 0.0);
      for (const auto t : order_) {
        book_->revalue_trade(t, block, std::span<double>(trade.data(), n));
        for (std::size_t j = 0; j < n; ++j) total[j] += trade[j];
        for (const auto s : sets_of_[t]) {
          double* row = set_pnl.data() + s * width;
          for (std::size_t j = 0; j < n; ++j) row[j] += trade[j];
        }
      }
      for (std::size_t s = 0; s < sets_; ++s) {
        const double* row = set_pnl.data() + s * width;
        for (std::size_t j = 0; j < n; ++j) losses[j] = -(total[j] - row[j]);
        state.push(s, sub.first, std::span<const double>(losses.data(), n));
      }
    }
    return state;
  }

 private:
  const Generator* generator_;
  const Book* book_;
  risk::incremental_aggregator prototype_;
  chunk_plan plan_;
  std::size_t block_size_;
  std::vector<std::size_t> order_;                 // the book's accumulation order
  std::vector<std::vector<std::size_t>> sets_of_;  // per trade, the sets holding it
  std::size_t sets_;
};

}  // namespace riskgrid::exec
