#pragma once

#include <cstdint>
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
} && chunk_state<typename P::state_type>;

/// A job that wants to know its progress: `p.chunk_merged(c)` (optional, const,
/// thread-safe) is called by the executors once per chunk, right after chunk c's state
/// was merged into the total (on the merging thread: rank 0 under MPI), and by
/// exec::elastic when chunk c is known to be durable. It must not affect the result.
/// Models: exec::checkpointed_job (forwards it), exec::progress_job.
template <class P>
concept observed_job = requires(const P& p, std::uint64_t c) { p.chunk_merged(c); };

namespace detail {
/// Calls job.chunk_merged(c) when the job has it.
template <class P>
void notify_merged(const P& job, std::uint64_t c) {
  if constexpr (observed_job<P>) job.chunk_merged(c);
}
}  // namespace detail

/// An executor: `e.run(job)` returns the merge, in chunk order, of the states of all of
/// the job's chunks, on every worker that calls it. Same bits for every executor, any
/// number of workers. Models: exec::serial, exec::threads, exec::mpi.
template <class E, class P>
concept executor = chunked_job<P> && requires(const E& e, const P& job) {
  { e.run(job) } -> std::same_as<typename P::state_type>;
};

}  // namespace riskgrid::exec
