#pragma once

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <string>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/random/gamma.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/scenario/covariance.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// Options of student_t_model.
struct student_t_options {
  std::uint64_t seed = 0;
  int horizon_days = 1;             ///< h ≥ 1: the shocks have covariance h·Σ (DESIGN.md §4)
  double degrees_of_freedom = 5.0;  ///< ν > 2, finite, not necessarily an integer
  scenario::variates variates = scenario::variates::plain;
};

/// Multivariate Student-t shocks whose covariance is h·Σ exactly (DESIGN.md §4: the
/// covariance file is the t distribution's covariance, its scale matrix Σ·(ν − 2)/ν):
///
///   shock = (√h·B·z) · √((ν − 2)/W),   Σ = B·Bᵀ,  z ~ N(0, I),  W ~ χ²_ν independent,
///
/// so that E[(ν − 2)/W] = 1 and Cov(shock) = h·Σ; a linear P&L δᵀ·shock is
/// σ_p·√((ν − 2)/ν)·T_ν with σ_p² = h·δᵀΣδ. Single draw at the horizon (no sum of daily t).
///
/// Draws (a pure function of (Σ, h, ν, seed, i)):
/// - √h·B·z is gaussian_model's shock for the same seed, horizon and variates (normals on
///   Philox stream tag 0), bit for bit; the t shock is that value times the scale
///   √((ν − 2)/W), one rounding per shock;
/// - W = random::chi_squared_sampler(ν) on Philox stream tag 1 (chi_square_stream_tag),
///   counter = the scenario's draw set m (m = i, or ⌊i/2⌋ for antithetic); attempt a of
///   the Marsaglia–Tsang rejection uses draws 2a and 2a + 1 (see random::gamma_sampler
///   for the layout, the attempt cap of 32 and its fallback, probability < 1e-42);
/// - variates::antithetic: scenario 2m + 1 negates z and keeps W, so its shocks are
///   exactly the negated shocks of scenario 2m.
///
/// Models scenario_generator. Construction O(n³); generate O(count·n·rank) plus one
/// chi-square draw (≈1.05 Philox blocks, a log and a sqrt) per scenario; no allocation.
/// Thread-safe (const).
class student_t_model {
 public:
  /// Stream tag of the chi-square draws (tag 0 holds the normals).
  static constexpr std::uint32_t chi_square_stream_tag = 1;

  /// Throws riskgrid::error unless ν is finite and > 2 or if horizon_days < 1, and
  /// model_error if `cov` is not a valid covariance (check_covariance).
  student_t_model(const covariance& cov, student_t_options options)
      : gaussian_(cov, gaussian_options_of(options)),
        chi_square_(options.degrees_of_freedom),
        stream_(options.seed, chi_square_stream_tag),
        options_(options),
        nu_minus_two_(options.degrees_of_freedom - 2.0) {}

  [[nodiscard]] const factor_set& factors() const noexcept { return gaussian_.factors(); }
  [[nodiscard]] const student_t_options& options() const noexcept { return options_; }
  /// Number of independent normals per scenario (rank of Σ).
  [[nodiscard]] std::size_t rank() const noexcept { return gaussian_.rank(); }

  /// The χ²_ν draw W of scenario `scenario_id` (shared by an antithetic pair).
  [[nodiscard]] double chi_square(std::uint64_t scenario_id) const noexcept {
    return chi_square_(stream_, detail::draw_set_of(scenario_id, options_.variates).index);
  }

  /// √((ν − 2)/W) of scenario `scenario_id`: the factor applied to its Gaussian shocks.
  [[nodiscard]] double scale(std::uint64_t scenario_id) const noexcept {
    return std::sqrt(nu_minus_two_ / chi_square(scenario_id));
  }

  /// Fills the shocks of `range` (range.count ≤ block.capacity()), the Gaussian part
  /// with the widest SIMD batch of the target.
  void generate(scenario_range range, shock_block& block) const noexcept {
    generate_as<random::native_double>(range, block);
  }

  /// generate() with the Gaussian part computed by gaussian_model::generate_as<V>: the
  /// same bits for every V (`double` or `xsimd::batch<double, Arch>`).
  template <class V>
  void generate_as(scenario_range range, shock_block& block) const noexcept {
    gaussian_.generate_as<V>(range, block);
    const auto n = factors().size();
    constexpr std::size_t sub = 128;
    std::array<double, sub> scales;
    for (std::size_t start = 0; start < range.count; start += sub) {
      const auto count = std::min(sub, range.count - start);
      for (std::size_t s = 0; s < count; ++s) scales[s] = scale(range.first + start + s);
      for (std::size_t f = 0; f < n; ++f) {
        auto row = block.factor(f).subspan(start, count);
        for (std::size_t s = 0; s < count; ++s) row[s] *= scales[s];
      }
    }
  }

 private:
  // Validates ν before the O(n³) work of the Gaussian part.
  static gaussian_options gaussian_options_of(const student_t_options& options) {
    const double nu = options.degrees_of_freedom;
    if (!(std::isfinite(nu) && nu > 2.0))
      throw error("student_t_model: degrees of freedom must be finite and greater than 2 (so that the "
                  "covariance exists), got " + to_shortest(nu));
    return {.seed = options.seed,
            .horizon_days = options.horizon_days,
            .variates = options.variates,
            .sequence = sequence::pseudo_random};
  }

  gaussian_model gaussian_;
  random::chi_squared_sampler chi_square_;
  random::philox_stream stream_;
  student_t_options options_;
  double nu_minus_two_;
};

}  // namespace riskgrid::scenario
