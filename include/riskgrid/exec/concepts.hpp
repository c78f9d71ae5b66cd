#pragma once

#include <span>

#include "riskgrid/core/concepts.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::exec {

/// `r.revalue(block, pnl)` writes the P&L of each scenario of `block` into `pnl`
/// (pnl.size() == block.size()); const, noexcept, allocation-free, deterministic.
/// Models: portfolio::book.
template <class R>
concept revaluer = requires(const R& r, const scenario::shock_block& block, std::span<double> pnl) {
  r.revalue(block, pnl);
};

/// `p.chunk_count()`, `p.run_chunk(c)` (the aggregated state of chunk c, a pure function
/// of c) and `p.empty()` (the identity state). Models: exec::pipeline.
template <class P>
concept chunked_job = requires(const P& p, std::uint64_t c) {
  typename P::state_type;
  { p.chunk_count() } -> std::convertible_to<std::uint64_t>;
  { p.run_chunk(c) } -> std::same_as<typename P::state_type>;
  { p.empty() } -> std::same_as<typename P::state_type>;
} && aggregator<typename P::state_type>;

/// An executor: `e.run(job)` returns the merge, in chunk order, of the states of all of
/// the job's chunks, on every worker that calls it. Same bits for every executor, any
/// number of workers. Models: exec::serial, exec::threads, exec::mpi.
template <class E, class P>
concept executor = chunked_job<P> && requires(const E& e, const P& job) {
  { e.run(job) } -> std::same_as<typename P::state_type>;
};

}  // namespace riskgrid::exec
