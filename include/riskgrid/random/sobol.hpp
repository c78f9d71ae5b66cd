#pragma once

/// \file
/// Sobol' low-discrepancy points with Joe–Kuo direction numbers, computed directly from
/// the point index (DESIGN.md §2: quasi-random points are indexed by the scenario), and
/// an optional random digital shift keyed by a seed.

#include <bit>
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <vector>

#include <boost/random/detail/sobol_table.hpp>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/random/philox.hpp"

namespace riskgrid::random {

/// Randomization of a sobol_sequence.
enum class sobol_randomization {
  none,           ///< the plain sequence: point 0 is the origin
  digital_shift,  ///< every coordinate XOR-ed with a uniform 64-bit word per dimension
};

/// Options of sobol_sequence.
struct sobol_options {
  sobol_randomization randomization = sobol_randomization::none;
  std::uint64_t seed = 0;  ///< keys the digital shift; ignored without randomization
};

/// The Sobol' sequence in up to 3,667 dimensions with the direction numbers of
/// S. Joe and F. Y. Kuo, "Constructing Sobol sequences with better two-dimensional
/// projections", SIAM J. Sci. Comput. 30 (2008) 2635–2654 (file new-joe-kuo-6.21201),
/// read from Boost.Random's table (`boost/random/detail/sobol_table.hpp`, which keeps the
/// polynomials up to degree 15, i.e. 3,667 dimensions); the direction numbers are
/// derived from it with the recurrence of Bratley and Fox (ACM TOMS 659, 1988).
///
/// Conventions:
/// - Dimensions are numbered from 0 here; dimension 0 is the van der Corput sequence
///   (all m_j = 1), dimension k ≥ 1 uses Boost's polynomial k − 1.
/// - 64-bit precision: coordinate k of point i is the integer
///   `x = ⊕ { v_kj : bit j of gray(i) is set }`, gray(i) = i ^ (i >> 1), with
///   `v_kj = m_kj · 2^(63 − j)`, i.e. x / 2^64 ∈ [0, 1). Every index i < 2^64 is valid;
///   for i < 2^32 the top 32 bits are the 32-bit sequence (Boost's
///   `sobol_engine<uint32_t, 32>`), and the full word is Boost's 64-bit `sobol`.
///   Point i is computed from i alone (O(popcount(gray(i))) XORs per coordinate); the
///   order is the Gray-code order of Antonov–Saleev, so consecutive points differ by one
///   direction number (next_bits).
/// - Doubles: `coordinate()` maps x to the midpoint of its cell of width 2^-52,
///   `(floor(x / 2^12) + 0.5) · 2^-52` — the same map as the Philox uniforms
///   (`detail::to_open_unit`) — so every value is exact and strictly inside (0, 1):
///   the origin (point 0 of the plain sequence, and only it for i < 2^52) becomes
///   2^-53 in every dimension, and 1 − u is exact, so Φ⁻¹ is exactly odd on it.
///   Φ⁻¹(2^-53) ≈ −8.3: a user of the plain sequence for normals should skip point 0
///   (as Boost's engine and QuantLib's SobolRsg do) or randomize (Owen 2020, "On dropping
///   the first Sobol' point", recommends randomizing over skipping).
/// - Digital shift (sobol_randomization::digital_shift): coordinate k of every point is
///   XOR-ed with `philox_stream(seed, 3).bits(0, k)` (stream tag 3, scenario counter 0,
///   draw k). Each shifted point is uniform on the 2^-52 grid, every net stays a net, and
///   independent seeds give independent replicates for randomized-QMC error estimates.
///
/// Construction O(dimensions · 64) time and memory (512 bytes per dimension), throws
/// riskgrid::error unless 1 ≤ dimensions ≤ max_dimensions. Members are const, pure and
/// noexcept; thread-safe.
class sobol_sequence {
 public:
  /// Dimensions Boost's table provides.
  static constexpr std::size_t max_dimensions = BOOST_RANDOM_SOBOL_MAX_DIMENSION;
  /// Bits per coordinate.
  static constexpr unsigned bits_per_coordinate = 64;
  /// Stream tag of the Philox words of the digital shift (DESIGN.md §2).
  static constexpr std::uint32_t shift_stream_tag = 3;

  explicit sobol_sequence(std::size_t dimensions, sobol_options options = {})
      : dimensions_(dimensions), options_(options) {
    if (dimensions == 0 || dimensions > max_dimensions)
      throw error("sobol_sequence: dimensions must be between 1 and " + std::to_string(max_dimensions) +
                  ", got " + std::to_string(dimensions));
    using table = boost::random::detail::qrng_tables::sobol;
    directions_.assign(dimensions * bits_per_coordinate, 0);
    std::uint64_t m[bits_per_coordinate];
    for (std::size_t k = 0; k < dimensions; ++k) {
      if (k == 0) {
        for (auto& x : m) x = 1;
      } else {
        const std::uint64_t poly = table::polynomial(k - 1);
        // The polynomial's bits are its coefficients, x^degree and 1 included.
        const auto degree = static_cast<unsigned>(std::bit_width(poly) - 1);
        for (unsigned j = 0; j < degree; ++j) m[j] = table::minit(k - 1, j);
        // m_j = m_{j−s} ⊕ 2^s·m_{j−s} ⊕ (⊕_{r=1}^{s−1} a_r·2^r·m_{j−r}),
        // a_r the coefficient of x^(s−r) (Bratley–Fox §2; Joe–Kuo eq. (3)).
        for (unsigned j = degree; j < bits_per_coordinate; ++j) {
          std::uint64_t value = m[j - degree];
          std::uint64_t p = poly;
          for (unsigned r = 0; r < degree; ++r, p >>= 1) {
            const unsigned shift = degree - r;
            if ((p & 1u) != 0) value ^= m[j - shift] << shift;
          }
          m[j] = value;
        }
      }
      for (unsigned j = 0; j < bits_per_coordinate; ++j)
        directions_[k * bits_per_coordinate + j] = m[j] << (bits_per_coordinate - 1 - j);
    }
    shift_.assign(dimensions, 0);
    if (options.randomization == sobol_randomization::digital_shift) {
      const philox_stream stream(options.seed, shift_stream_tag);
      for (std::size_t k = 0; k < dimensions; ++k) shift_[k] = stream.bits(0, k);
    }
  }

  [[nodiscard]] std::size_t dimensions() const noexcept { return dimensions_; }
  [[nodiscard]] const sobol_options& options() const noexcept { return options_; }

  /// Direction number v_kj = m_kj · 2^(63 − j) of dimension k < dimensions(), j < 64.
  [[nodiscard]] std::uint64_t direction(std::size_t k, unsigned j) const noexcept {
    RISKGRID_ASSERT(k < dimensions_ && j < bits_per_coordinate);
    return directions_[k * bits_per_coordinate + j];
  }

  /// The shift XOR-ed into dimension k (0 without randomization).
  [[nodiscard]] std::uint64_t shift(std::size_t k) const noexcept {
    RISKGRID_ASSERT(k < dimensions_);
    return shift_[k];
  }

  /// Coordinate k of point i as a 64-bit fraction (x / 2^64), shift included.
  /// Complexity O(popcount(gray(i))) ≤ 64 XORs.
  [[nodiscard]] std::uint64_t bits(std::uint64_t i, std::size_t k) const noexcept {
    RISKGRID_ASSERT(k < dimensions_);
    const std::uint64_t* v = directions_.data() + k * bits_per_coordinate;
    std::uint64_t x = shift_[k];
    for (std::uint64_t g = i ^ (i >> 1); g != 0; g &= g - 1) x ^= v[std::countr_zero(g)];
    return x;
  }

  /// `bits(i + 1, k)` from `x = bits(i, k)`: one XOR, the same bits (gray(i + 1) and
  /// gray(i) differ in bit ctz(i + 1)). Precondition: i < 2^64 − 1.
  [[nodiscard]] std::uint64_t next_bits(std::uint64_t x, std::uint64_t i, std::size_t k) const noexcept {
    RISKGRID_ASSERT(k < dimensions_ && i + 1 != 0);
    return x ^ directions_[k * bits_per_coordinate + static_cast<unsigned>(std::countr_zero(i + 1))];
  }

  /// Coordinate k of point i as a double strictly inside (0, 1): the midpoint of its
  /// 2^-52 cell (see the class comment). O(popcount(gray(i))).
  [[nodiscard]] double coordinate(std::uint64_t i, std::size_t k) const noexcept {
    return detail::to_open_unit(bits(i, k));
  }

  /// `out[k] = coordinate(i, k)` for k < out.size() ≤ dimensions(). No allocation.
  void point(std::uint64_t i, std::span<double> out) const noexcept {
    RISKGRID_ASSERT(out.size() <= dimensions_);
    for (std::size_t k = 0; k < out.size(); ++k) out[k] = coordinate(i, k);
  }

 private:
  std::size_t dimensions_;
  sobol_options options_;
  std::vector<std::uint64_t> directions_;  // dimensions × 64, dimension-major
  std::vector<std::uint64_t> shift_;
};

}  // namespace riskgrid::random
