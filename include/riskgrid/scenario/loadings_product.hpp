#pragma once

/// \file
/// The correlation step of the Monte Carlo models: shocks = loadings × normals, blocked
/// for registers and vectorized across scenarios so that the bits do not depend on the
/// SIMD width.

#include <algorithm>
#include <cstddef>
#include <vector>

#include <xsimd/xsimd.hpp>

#include "riskgrid/random/philox_batch.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::scenario {

/// Computes, for factors f < n and scenario lanes s < padded,
///
///   row_f[s] (+)= Σ_{k0 ≤ k < k0 + draws} L_fk · z_k[s]
///
/// in ascending k, one fused multiply-add per term (`simd::fma`: a single rounding, the
/// same for every V, so contraction stays pinned as DESIGN.md §5 asks), the first chunk
/// (k0 = 0) starting from 0. Lanes are scenarios and each lane's sum is taken in the same
/// order whatever the batch width, so `double` and every `xsimd::batch<double, Arch>` give
/// the same bits. The fused form halves the instructions: the product runs at about the
/// FLOP rate of Eigen's GEMM while doing half its work (benchmarks/README.md).
///
/// Blocking: factors go in register tiles of `tile_factors`, sorted by their count of
/// leading non-zero loadings (`leading`: the pivoted Cholesky factor is lower triangular
/// in pivot order), so each tile stops at its largest count, skipping the structural
/// zeros (adding a zero product changes no bit); scenarios go `tile_batches` batches at a
/// time; the loadings of a tile are packed k-major so that one broadcast feeds a row of
/// accumulators. About n·rank/2 multiply-adds per scenario for a full-rank factor.
/// Immutable after construction; thread-safe.
class loadings_product {
 public:
  static constexpr std::size_t tile_factors = 6;  ///< factors per register tile
  static constexpr std::size_t tile_batches = 2;  ///< batches of scenarios per register tile

  loadings_product() = default;

  /// `loadings` is n × rank row-major (L_fk at f·rank + k); `leading[f]` ≤ rank is the
  /// count of columns of row f that may be non-zero (L_fk = 0 for k ≥ leading[f]).
  /// Complexity O(n·rank + n log n).
  loadings_product(const std::vector<double>& loadings, std::size_t rank, const std::vector<std::size_t>& leading)
      : factors_(leading.size()), rank_(rank) {
    const std::size_t n = factors_;
    order_.resize(n);
    for (std::size_t f = 0; f < n; ++f) order_[f] = f;
    std::stable_sort(order_.begin(), order_.end(), [&](std::size_t a, std::size_t b) { return leading[a] < leading[b]; });
    const std::size_t tiles = (n + tile_factors - 1) / tile_factors;
    packed_.assign(tiles * tile_factors * rank_, 0.0);
    tile_leading_.assign(tiles, 0);
    for (std::size_t t = 0; t < tiles; ++t)
      for (std::size_t i = 0; i < tile_factors; ++i) {
        const std::size_t f = factor_of(t, i);
        tile_leading_[t] = std::max(tile_leading_[t], leading[f]);
        for (std::size_t k = 0; k < rank_; ++k) packed_[(t * rank_ + k) * tile_factors + i] = loadings[f * rank_ + k];
      }
  }

  [[nodiscard]] std::size_t factors() const noexcept { return factors_; }
  [[nodiscard]] std::size_t rank() const noexcept { return rank_; }

  /// See the class comment. `row(f)` gives a pointer to lane 0 of factor f's row;
  /// `z + (k − k0)·z_stride` holds normal k of the lanes. Preconditions: padded is a
  /// multiple of V's lane count; k0 + draws ≤ rank. No allocation.
  template <class V, class RowOf>
  void multiply_add(RowOf row, std::size_t padded, const double* z, std::size_t z_stride, std::size_t k0,
                    std::size_t draws) const noexcept {
    constexpr std::size_t lanes = random::lane_count_v<V>;
    constexpr std::size_t tile_lanes = lanes * tile_batches;
    for (std::size_t t = 0; t < tile_leading_.size(); ++t) {
      const std::size_t end = std::min(k0 + draws, tile_leading_[t]);
      if (k0 != 0 && end <= k0) continue;  // the tile's loadings are all zero in this chunk
      const double* packed = packed_.data() + t * tile_factors * rank_;
      double* rows[tile_factors];
      // The last tile repeats its last factor: the same row computed twice, stored twice.
      for (std::size_t i = 0; i < tile_factors; ++i) rows[i] = row(factor_of(t, i));
      std::size_t s = 0;
      for (; s + tile_lanes <= padded; s += tile_lanes) tile<V, tile_batches>(rows, s, packed, z, z_stride, k0, end);
      for (; s < padded; s += lanes) tile<V, 1>(rows, s, packed, z, z_stride, k0, end);
    }
  }

 private:
  [[nodiscard]] std::size_t factor_of(std::size_t t, std::size_t i) const noexcept {
    return order_[std::min(t * tile_factors + i, factors_ - 1)];
  }

  template <class V, std::size_t Batches>
  static void tile(double* const (&rows)[tile_factors], std::size_t s, const double* packed, const double* z,
                   std::size_t z_stride, std::size_t k0, std::size_t end) noexcept {
    constexpr std::size_t lanes = random::lane_count_v<V>;
    V acc[tile_factors][Batches];
    for (std::size_t i = 0; i < tile_factors; ++i)
      for (std::size_t b = 0; b < Batches; ++b) acc[i][b] = k0 == 0 ? V(0.0) : load<V>(rows[i] + s + b * lanes);
    for (std::size_t k = k0; k < end; ++k) {
      V zk[Batches];
      for (std::size_t b = 0; b < Batches; ++b) zk[b] = load<V>(z + (k - k0) * z_stride + s + b * lanes);
      for (std::size_t i = 0; i < tile_factors; ++i) {
        const V loading(packed[k * tile_factors + i]);
        for (std::size_t b = 0; b < Batches; ++b) acc[i][b] = simd::fma<V>(loading, zk[b], acc[i][b]);
      }
    }
    for (std::size_t i = 0; i < tile_factors; ++i)
      for (std::size_t b = 0; b < Batches; ++b) store(acc[i][b], rows[i] + s + b * lanes);
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

  std::size_t factors_ = 0;
  std::size_t rank_ = 0;
  std::vector<std::size_t> order_;         // factors in ascending leading count
  std::vector<double> packed_;             // (t·rank + k)·tile_factors + i: L of factor_of(t, i), column k
  std::vector<std::size_t> tile_leading_;  // the largest leading count of each tile
};

}  // namespace riskgrid::scenario
