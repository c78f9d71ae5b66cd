#pragma once

#include <algorithm>
#include <bit>
#include <cstddef>
#include <array>
#include <cmath>
#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/random/philox_batch.hpp"
#include "riskgrid/random/sobol.hpp"
#include "riskgrid/scenario/covariance.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/loadings_product.hpp"
#include "riskgrid/scenario/shock_block.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::scenario {

/// How scenarios use their normal draws.
enum class variates {
  plain,       ///< scenario i uses draw set i
  antithetic,  ///< scenarios 2m and 2m + 1 use draw set m with z and −z
};

/// Where the uniforms behind the normals come from.
enum class sequence {
  pseudo_random,     ///< Philox (stream tag 0): draw k of draw set m is philox uniform (m, k)
  sobol,             ///< Sobol' point m + 1 (the origin, point 0, is skipped), coordinate k
  randomized_sobol,  ///< Sobol' point m with a random digital shift keyed by the seed
};

/// Options of gaussian_model. The defaults are the original model, bit for bit.
struct gaussian_options {
  std::uint64_t seed = 0;
  int horizon_days = 1;  ///< h ≥ 1: the covariance is scaled by h (DESIGN.md §4)
  scenario::variates variates = scenario::variates::plain;
  scenario::sequence sequence = scenario::sequence::pseudo_random;
};

namespace detail {

/// The draw set of scenario i and whether its normals are negated (antithetic odd i).
struct draw_set {
  std::uint64_t index;
  bool negated;
};

[[nodiscard]] constexpr draw_set draw_set_of(std::uint64_t scenario_id, variates v) noexcept {
  if (v == variates::antithetic) return {scenario_id >> 1, (scenario_id & 1) != 0};
  return {scenario_id, false};
}

}  // namespace detail

/// Multivariate normal shocks with covariance h·Σ: shock = √h·B·z, Σ = B·Bᵀ from a
/// pivoted Cholesky, z_k = ±Φ⁻¹(u_k) with u_k drawn for the scenario's draw set:
///
/// - variates::plain: scenario i uses draw set i; variates::antithetic: scenarios 2m and
///   2m + 1 use draw set m, the odd one with −z, so its shocks are exactly the negated
///   shocks of scenario 2m (negation commutes with every rounding). Pure in i: any split
///   of the index space, odd starts included, gives the same bits.
/// - sequence::pseudo_random: u_k = Philox uniform (seed, tag 0, draw set m, draw k);
///   sequence::sobol: u_k = coordinate k of Sobol' point m + 1 (random::sobol_sequence,
///   Joe–Kuo), so scenario i is Boost's sobol_engine output i; the all-zero point 0 is
///   skipped because its midpoint 2^-53 would put Φ⁻¹ ≈ −8.3 on every normal of one
///   scenario (an artificial worst scenario). sequence::randomized_sobol: point m
///   (point 0 kept: every net stays a net, Owen 2020) XOR a digital shift keyed by the
///   seed, for randomized-QMC error estimates over seeds. Sobol' needs rank ≤ 3,667.
///
/// Deterministic: scenario i's shocks are a pure function of (Σ, h, options, i); each
/// shock is the sum Σ_k B_fk·z_k taken in ascending k whatever the block. Models
/// scenario_generator. Construction O(n³); generate O(count·n·rank) (plus
/// O(rank·popcount) per Sobol' sub-block of 64 scenarios), no allocation. The correlation
/// step is loadings_product: blocked, vectorized across scenarios, width-independent bits.
class gaussian_model {
 public:
  /// Stream tag of the normals (DESIGN.md §2: tags separate independent uses of a seed).
  static constexpr std::uint32_t normal_stream_tag = 0;

  /// Throws model_error if `cov` is not a valid covariance (see check_covariance) or if
  /// a Sobol' sequence is asked for with rank(Σ) > 3,667, and riskgrid::error if
  /// horizon_days < 1.
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
    if (options.sequence != sequence::pseudo_random) {
      if (rank_ > random::sobol_sequence::max_dimensions)
        throw model_error("gaussian_model: a Sobol sequence needs one dimension per normal: got rank " +
                          std::to_string(rank_) + ", expected at most " +
                          std::to_string(random::sobol_sequence::max_dimensions) +
                          " (the Joe-Kuo table in Boost.Random)");
      sobol_.emplace(std::max<std::size_t>(rank_, 1),
                     random::sobol_options{.randomization = options.sequence == sequence::randomized_sobol
                                                                ? random::sobol_randomization::digital_shift
                                                                : random::sobol_randomization::none,
                                           .seed = options.seed});
    }
    product_ = loadings_product(loadings_, rank_, leading_);
  }

  [[nodiscard]] const factor_set& factors() const noexcept { return factors_; }
  /// Number of independent normals per scenario (rank of Σ).
  [[nodiscard]] std::size_t rank() const noexcept { return rank_; }
  [[nodiscard]] const gaussian_options& options() const noexcept { return options_; }
  /// Loading of factor f on normal k, √h·B_fk.
  [[nodiscard]] double loading(std::size_t f, std::size_t k) const noexcept {
    return loadings_[f * rank_ + k];
  }

  /// Fills the shocks of `range` (range.count ≤ block.capacity()), with the widest SIMD
  /// batch of the target.
  void generate(scenario_range range, shock_block& block) const noexcept {
    generate_as<random::native_double>(range, block);
  }

  /// generate() computed with value type V (`double` or any `xsimd::batch<double, Arch>`
  /// whose architecture the target supports): the same bits for every V, since lanes
  /// are scenarios and each scenario's normals and sums are computed in the same order
  /// whatever the width. For tests and benchmarks; generate() is the interface.
  template <class V>
  void generate_as(scenario_range range, shock_block& block) const noexcept {
    block.reset(range);
    constexpr std::size_t lanes = random::lane_count_v<V>;
    static_assert(sub_block % lanes == 0 && shock_block::lane_multiple % lanes == 0);
    // Normals of one sub-block and one chunk of draws, draw-major (row k holds the
    // sub-block's scenarios): 32 KiB on the stack, whatever the rank.
    alignas(64) std::array<double, chunk_draws * sub_block> z;
    for (std::size_t start = 0; start < range.count; start += sub_block) {
      const auto count = std::min(sub_block, range.count - start);
      // Whole batches: the rows are padded to a multiple of shock_block::lane_multiple,
      // and the padding lanes written here are zeroed again below.
      const auto padded = (count + lanes - 1) / lanes * lanes;
      const std::uint64_t first = range.first + start;
      for (std::size_t k0 = 0; k0 == 0 || k0 < rank_; k0 += chunk_draws) {
        const auto draws = std::min(chunk_draws, rank_ - k0);
        fill_normals<V>(first, count, padded, k0, draws, z);
        product_.multiply_add<V>([&block, start](std::size_t f) { return block.padded_factor(f).data() + start; },
                                 padded, z.data(), sub_block, k0, draws);
      }
      for (std::size_t f = 0; f < factors_.size(); ++f) {
        auto row = block.padded_factor(f);
        for (std::size_t s = start + count; s < start + padded; ++s) row[s] = 0.0;
      }
    }
  }

 private:
  static constexpr std::size_t sub_block = 64;    // scenarios whose normals are kept
  static constexpr std::size_t chunk_draws = 64;  // normals per scenario kept at once

  // z[(k - k0) * sub_block + s] = normal k of scenario first + s, for k0 ≤ k < k0 + draws
  // and s < padded (lanes past count are valid draws of later scenarios, or 0 for Sobol').
  template <class V>
  void fill_normals(std::uint64_t first, std::size_t count, std::size_t padded, std::size_t k0, std::size_t draws,
                    std::array<double, chunk_draws * sub_block>& z) const noexcept {
    using U = random::lane_word_t<V>;
    constexpr std::size_t lanes = random::lane_count_v<V>;
    if (sobol_) {
      for (std::size_t k = k0; k < k0 + draws; ++k) {
        const std::span<double> row(z.data() + (k - k0) * sub_block, padded);
        sobol_normals(first, k, row.first(count));
        for (std::size_t s = count; s < padded; ++s) row[s] = 0.0;
      }
      return;
    }
    // Uniforms first, then Φ⁻¹ over the whole block (its tail lanes gathered into dense
    // batches), then the antithetic signs: the bits of standard_normal_pair_lanes.
    for (std::size_t s = 0; s < padded; s += lanes) {
      const U scenario = random::iota_lanes<U>(first + s);
      const U ids = options_.variates == variates::antithetic ? U(scenario >> 1) : scenario;
      for (std::size_t k = k0; k < k0 + draws; k += 2) {
        const auto pair = random::uniform_pair_lanes<V>(stream_, ids, k >> 1);
        store(pair.first, z.data() + (k - k0) * sub_block + s);
        // k0 and chunk_draws are even, so k + 1 stays in the chunk unless k + 1 = rank.
        if (k + 1 < k0 + draws) store(pair.second, z.data() + (k + 1 - k0) * sub_block + s);
      }
    }
    if (padded == sub_block) {
      random::inverse_normal_cdf_in_place<V>(std::span<double>(z.data(), draws * sub_block));
    } else {
      for (std::size_t k = 0; k < draws; ++k) {
        random::inverse_normal_cdf_in_place<V>(std::span<double>(z.data() + k * sub_block, padded));
      }
    }
    if (options_.variates != variates::antithetic) return;
    for (std::size_t s = 0; s < padded; s += lanes) {
      // Odd scenarios: flip the sign bit (exact negation).
      const U scenario = random::iota_lanes<U>(first + s);
      const U sign = U((U(std::uint64_t{0}) - (scenario & U(std::uint64_t{1}))) & U(std::uint64_t{1} << 63));
      for (std::size_t k = 0; k < draws; ++k) {
        double* const at = z.data() + k * sub_block + s;
        store(flip_sign<V>(load<V>(at), sign), at);
      }
    }
  }

  template <class V>
  [[nodiscard]] static V load(const double* p) noexcept {
    if constexpr (simd::is_batch_v<V>) return V::load_unaligned(p);
    else return *p;
  }
  template <class V>
  static void store(const V& x, double* p) noexcept {
    if constexpr (simd::is_batch_v<V>) x.store_unaligned(p);
    else *p = x;
  }
  template <class V>
  [[nodiscard]] static V flip_sign(const V& x, const random::lane_word_t<V>& sign) noexcept {
    if constexpr (simd::is_batch_v<V>) return xsimd::bitwise_cast<V>(xsimd::bitwise_cast<random::lane_word_t<V>>(x) ^ sign);
    else return std::bit_cast<double>(std::bit_cast<std::uint64_t>(x) ^ sign);
  }

  // Sobol' normals of dimension k: point p of draw set m (p = m + 1 unshifted, m
  // shifted). Consecutive scenarios use the same or the next point, so after one direct
  // evaluation each further point costs one XOR (next_bits gives the bits of bits()).
  void sobol_normals(std::uint64_t first, std::size_t k, std::span<double> z) const noexcept {
    const std::uint64_t offset = options_.sequence == sequence::sobol ? 1 : 0;
    std::uint64_t point = detail::draw_set_of(first, options_.variates).index + offset;
    std::uint64_t x = sobol_->bits(point, k);
    for (std::size_t s = 0; s < z.size(); ++s) {
      const auto set = detail::draw_set_of(first + s, options_.variates);
      if (set.index + offset != point) {
        x = sobol_->next_bits(x, point, k);
        ++point;
      }
      const double y = random::inverse_normal_cdf(random::detail::to_open_unit(x));
      z[s] = set.negated ? -y : y;
    }
  }

  factor_set factors_;
  random::philox_stream stream_;
  gaussian_options options_;
  std::size_t rank_ = 0;
  std::vector<std::size_t> leading_;
  std::vector<double> loadings_;  // n × rank, row-major
  std::optional<random::sobol_sequence> sobol_;
  loadings_product product_;
};

}  // namespace riskgrid::scenario
