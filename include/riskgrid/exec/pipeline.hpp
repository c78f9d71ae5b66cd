#pragma once

#include <algorithm>
#include <cstdint>
#include <string>
#include <vector>

#include "riskgrid/core/concepts.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/chunk_plan.hpp"
#include "riskgrid/exec/concepts.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::exec {

/// Sizes of a pipeline run.
struct pipeline_options {
  std::uint64_t scenarios = 0;
  std::uint64_t chunk_size = 8192;  ///< scenarios per chunk: the unit of work and of merge
  std::size_t block_size = 256;     ///< scenarios per shock block: sized for the cache
};

/// Generator → shock blocks → revaluation → P&L blocks → aggregator (DESIGN.md §2).
///
/// Holds references to the generator and the revaluer (they must outlive it) and a
/// prototype of the empty aggregator state. run_chunk(c) is a pure function of c and is
/// const, so executors may call it from any thread or rank.
template <scenario::scenario_generator Generator, revaluer Revaluer, aggregator Aggregator>
class pipeline {
 public:
  using state_type = Aggregator;

  /// Throws riskgrid::error on zero scenarios, chunk size or block size, or on more
  /// scenarios than a model with a fixed scenario set (`scenario_count()`) has.
  pipeline(const Generator& generator, const Revaluer& revaluer, Aggregator prototype,
           pipeline_options options)
      : generator_(&generator),
        revaluer_(&revaluer),
        prototype_(std::move(prototype)),
        plan_(options.scenarios, options.chunk_size),
        block_size_(options.block_size) {
    if (block_size_ == 0) throw error("pipeline: block size must be at least 1");
    // Models with a fixed scenario set (historical windows) cannot generate past it.
    if constexpr (requires { generator.scenario_count(); }) {
      if (options.scenarios > generator.scenario_count())
        throw error("pipeline: " + std::to_string(options.scenarios) + " scenarios requested, the model has " +
                    std::to_string(generator.scenario_count()));
    }
  }

  [[nodiscard]] const chunk_plan& plan() const noexcept { return plan_; }
  [[nodiscard]] std::uint64_t chunk_count() const noexcept { return plan_.chunk_count(); }
  [[nodiscard]] Aggregator empty() const { return prototype_; }

  /// The aggregated state of chunk c: blocks of block_size scenarios, in order.
  [[nodiscard]] Aggregator run_chunk(std::uint64_t c) const {
    const auto range = plan_.chunk(c);
    const auto capacity = std::min<std::size_t>(block_size_, range.count);
    scenario::shock_block block(generator_->factors().size(), capacity);
    std::vector<double> pnl(capacity);
    Aggregator state = prototype_;
    for (std::size_t done = 0; done < range.count; done += capacity) {
      const scenario_range sub{range.first + done, std::min(capacity, range.count - done)};
      generator_->generate(sub, block);
      const std::span<double> out(pnl.data(), sub.count);
      revaluer_->revalue(block, out);
      state.push(pnl_block{sub.first, out});
    }
    return state;
  }

 private:
  const Generator* generator_;
  const Revaluer* revaluer_;
  Aggregator prototype_;
  chunk_plan plan_;
  std::size_t block_size_;
};

}  // namespace riskgrid::exec
