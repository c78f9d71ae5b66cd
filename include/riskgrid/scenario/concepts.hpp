#pragma once

#include <concepts>

#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// `g.factors()` names the rows of the shock blocks `g` fills.
template <class G>
concept has_factor_set = requires(const G& g) {
  { g.factors() } -> std::same_as<const factor_set&>;
};

/// `g.generate(range, block)` fills rows 0..factors().size() of `block` for the
/// scenarios of `range` (range.count ≤ block.capacity()).
template <class G>
concept fills_shock_block = requires(const G& g, scenario_range range, shock_block& block) {
  g.generate(range, block);
};

/// A scenario generator (DESIGN.md §2).
///
/// Semantics: generate is pure in (model parameters, seed, scenario_id) — the shocks of
/// scenario i do not depend on the range it is generated in, on the block size or on
/// what was generated before — and const, so one generator may serve several threads.
/// No allocation in generate beyond a bound fixed at construction.
/// Models: scenario::gaussian_model.
template <class G>
concept scenario_generator = has_factor_set<G> && fills_shock_block<G> && std::copyable<G>;

}  // namespace riskgrid::scenario
