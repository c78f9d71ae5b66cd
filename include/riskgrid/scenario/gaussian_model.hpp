#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/scenario/covariance.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// Options of gaussian_model.
struct gaussian_options {
  std::uint64_t seed = 0;
  int horizon_days = 1;  ///< h ≥ 1: the covariance is scaled by h (DESIGN.md §4)
};

/// Multivariate normal shocks with covariance h·Σ: shock = √h·B·z, Σ = B·Bᵀ from a
/// pivoted Cholesky, z_k = Φ⁻¹(u_k) with u_k the Philox uniform of (seed, scenario, k).
///
/// Deterministic: scenario i's shocks are a pure function of (Σ, h, seed, i); each shock
/// is the sum Σ_k B_fk·z_k taken in ascending k whatever the block. Models
/// scenario_generator. Construction O(n³); generate O(count·n·rank), no allocation.
class gaussian_model {
 public:
  /// Stream tag of the normals (DESIGN.md §2: tags separate independent uses of a seed).
  static constexpr std::uint32_t normal_stream_tag = 0;

  /// Throws model_error if `cov` is not a valid covariance (see check_covariance) and
  /// riskgrid::error if horizon_days < 1.
  gaussian_model(const covariance& cov, gaussian_options options)
      : factors_(cov.factors), stream_(options.seed, normal_stream_tag), options_(options) {
    if (options.horizon_days < 1)
      throw error("gaussian_model: horizon must be at least one day, got " +
                  std::to_string(options.horizon_days));
    check_covariance(cov);
    Eigen::MatrixXd symmetric = 0.5 * (cov.matrix + cov.matrix.transpose());
    auto factor = pivoted_cholesky(symmetric);
    rank_ = static_cast<std::size_t>(factor.loadings.cols());
    leading_ = std::move(factor.leading);
    const double scale = std::sqrt(static_cast<double>(options.horizon_days));
    const auto n = factors_.size();
    loadings_.assign(n * rank_, 0.0);
    for (std::size_t f = 0; f < n; ++f)
      for (std::size_t k = 0; k < rank_; ++k)
        loadings_[f * rank_ + k] =
            scale * factor.loadings(static_cast<Eigen::Index>(f), static_cast<Eigen::Index>(k));
  }

  [[nodiscard]] const factor_set& factors() const noexcept { return factors_; }
  /// Number of independent normals per scenario (rank of Σ).
  [[nodiscard]] std::size_t rank() const noexcept { return rank_; }
  [[nodiscard]] const gaussian_options& options() const noexcept { return options_; }
  /// Loading of factor f on normal k, √h·B_fk.
  [[nodiscard]] double loading(std::size_t f, std::size_t k) const noexcept {
    return loadings_[f * rank_ + k];
  }

  /// Fills the shocks of `range` (range.count ≤ block.capacity()).
  void generate(scenario_range range, shock_block& block) const noexcept {
    block.reset(range);
    const auto n = factors_.size();
    // Sub-blocks keep the normals on the stack: no heap use whatever the block size.
    constexpr std::size_t sub = 128;
    std::array<double, sub> z0, z1;
    for (std::size_t start = 0; start < range.count; start += sub) {
      const auto count = std::min(sub, range.count - start);
      for (std::size_t f = 0; f < n; ++f) {
        auto row = block.factor(f).subspan(start, count);
        for (auto& x : row) x = 0.0;
      }
      // Normals in pairs: one Philox block gives draws 2m and 2m + 1 of a scenario.
      for (std::size_t k = 0; k < rank_; k += 2) {
        for (std::size_t s = 0; s < count; ++s) {
          std::array<double, 2> u;
          stream_.uniforms(range.first + start + s, k, u);
          z0[s] = random::inverse_normal_cdf(u[0]);
          z1[s] = random::inverse_normal_cdf(u[1]);
        }
        for (std::size_t f = 0; f < n; ++f) {
          auto row = block.factor(f).subspan(start, count);
          if (k < leading_[f]) accumulate(row, loading(f, k), z0);
          if (k + 1 < leading_[f]) accumulate(row, loading(f, k + 1), z1);
        }
      }
    }
  }

 private:
  static void accumulate(std::span<double> row, double b, const std::array<double, 128>& z) noexcept {
    for (std::size_t s = 0; s < row.size(); ++s) row[s] += b * z[s];
  }

  factor_set factors_;
  random::philox_stream stream_;
  gaussian_options options_;
  std::size_t rank_ = 0;
  std::vector<std::size_t> leading_;
  std::vector<double> loadings_;  // n × rank, row-major
};

}  // namespace riskgrid::scenario
