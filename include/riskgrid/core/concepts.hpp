#pragma once

#include <concepts>
#include <span>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/pnl_block.hpp"

namespace riskgrid {

/// `a.push(block)` consumes the P&L of a block of consecutive scenarios.
template <class A>
concept consumes_pnl_blocks = requires(A& a, const pnl_block& block) { a.push(block); };

/// `a.merge(b)` folds another state of the same configuration into `a`.
template <class A>
concept mergeable = requires(A& a, const A& b) { a.merge(b); };

/// `a.save(writer)` and `a.load(reader)` round-trip the state exactly (bit for bit).
template <class A>
concept serializable = requires(const A& ca, A& a, byte_writer& w, byte_reader& r) {
  ca.save(w);
  a.load(r);
};

/// A chunk state: a copyable, mergeable, serializable monoid (the payload executors
/// merge in chunk order and checkpoints store). Models: every aggregator,
/// risk::component_sums.
template <class A>
concept chunk_state = std::copyable<A> && mergeable<A> && serializable<A>;

/// An aggregator: a mergeable, serializable monoid over P&L blocks.
///
/// Expressions: `A a = prototype;` (copy of an empty state is the identity),
/// `a.push(pnl_block)`, `a.merge(const A&)`, `a.save(byte_writer&)`, `a.load(byte_reader&)`.
/// Semantics: the state after pushing the blocks of a chunk is a pure function of the
/// chunk; merge is associative, and the executors merge chunk states in chunk order, so
/// the final state is bitwise the same for any number of workers and any scheduling.
/// load() of what save() wrote gives back an equal state. push is noexcept-friendly:
/// no allocation beyond a bound fixed at construction.
/// Models: risk::var_es_aggregator.
template <class A>
concept aggregator = chunk_state<A> && consumes_pnl_blocks<A>;

}  // namespace riskgrid
