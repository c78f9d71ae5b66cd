#pragma once

/// \file
/// Philox4x32-10 and its (0, 1) uniforms over several counters at once: one template for
/// a scalar `std::uint64_t` and every `xsimd::batch<std::uint64_t, Arch>` (SSE2, AVX2,
/// AVX-512, NEON, ...), each lane bit-exact with the scalar `philox4x32_10` (and so with
/// Random123) and with `detail::to_open_unit`.
///
/// Lane layout: each 32-bit Philox word lives in the low half of a 64-bit lane, so a
/// batch of doubles and a batch of words have the same lane count, and the 32 × 32 → 64
/// products of a round are one unsigned 64-bit product per lane (`pmuludq` on x86).

#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <type_traits>

#include <xsimd/xsimd.hpp>

#include "riskgrid/random/philox.hpp"
#include "riskgrid/simd/math.hpp"

namespace riskgrid::random {

/// The word type that goes with a value type V: `std::uint64_t` for `double`, and
/// `xsimd::batch<std::uint64_t, Arch>` (same lane count) for `xsimd::batch<double, Arch>`.
template <class V>
struct lane_word {
  using type = std::uint64_t;
};
template <class Arch>
struct lane_word<xsimd::batch<double, Arch>> {
  using type = xsimd::batch<std::uint64_t, Arch>;
};
template <class V>
using lane_word_t = typename lane_word<V>::type;

/// Number of lanes of V (1 for `double`).
template <class V>
inline constexpr std::size_t lane_count_v = [] {
  if constexpr (simd::is_batch_v<V>) return V::size;
  else return std::size_t{1};
}();

namespace detail {

/// Low 32 bits of each lane times the low 32 bits of the same lane of `b`, as a full
/// 64-bit product. Precondition: every lane of `a` and `b` is < 2^32.
template <class U>
[[nodiscard]] inline U mul_lo32(const U& a, const U& b) noexcept {
  if constexpr (!simd::is_batch_v<U>) {
    return a * b;
  } else {
    constexpr std::size_t bytes = sizeof(typename U::register_type);
    // xsimd 8.1 multiplies 64-bit lanes element by element on x86 except with AVX-512DQ;
    // the unsigned 32 × 32 → 64 instruction is what Philox needs.
#if defined(__AVX512F__)
    if constexpr (bytes == 64) return U(_mm512_mul_epu32(a, b));
#endif
#if defined(__AVX2__)
    if constexpr (bytes == 32) return U(_mm256_mul_epu32(a, b));
#endif
#if defined(__SSE2__)
    if constexpr (bytes == 16) return U(_mm_mul_epu32(a, b));
#endif
    return a * b;  // any other architecture: xsimd's 64-bit product, exact for these inputs
  }
}

/// A 64-bit lane of all-zero bits except the low 32.
inline constexpr std::uint64_t low32_mask = 0xFFFFFFFFu;

/// The ten round keys of Philox4x32-10 for `key` (key, key + w, key + 2w, ... mod 2^32).
[[nodiscard]] constexpr std::array<philox_key, 10> philox_round_keys(philox_key key) noexcept {
  std::array<philox_key, 10> keys{};
  for (std::size_t r = 0; r < keys.size(); ++r) {
    keys[r] = key;
    key[0] += philox_w32_0;
    key[1] += philox_w32_1;
  }
  return keys;
}

}  // namespace detail

/// Four Philox words per lane, word 0 first; each lane holds a value < 2^32.
template <class U>
using philox_lanes = std::array<U, 4>;

/// Philox4x32-10 of one counter per lane under a key common to all lanes: lane `j` of
/// the result is `philox4x32_10({ctr[0]_j, ctr[1]_j, ctr[2]_j, ctr[3]_j}, key)`, bit for
/// bit, for U = `std::uint64_t` or any `xsimd::batch<std::uint64_t, Arch>`.
/// Precondition: every lane of every counter word is < 2^32 (not checked).
/// Complexity: 10 rounds of two 64-bit lane products. Pure; thread-safe.
template <class U>
[[nodiscard]] inline philox_lanes<U> philox4x32_10_lanes(philox_lanes<U> ctr, philox_key key) noexcept {
  constexpr auto mask = detail::low32_mask;
  const U m0(std::uint64_t{detail::philox_m4x32_0});
  const U m1(std::uint64_t{detail::philox_m4x32_1});
  const std::array<philox_key, 10> keys = detail::philox_round_keys(key);
  const auto round = [&](const philox_key& k) noexcept {
    const U p0 = detail::mul_lo32(m0, ctr[0]);
    const U p1 = detail::mul_lo32(m1, ctr[2]);
    ctr = {(p1 >> 32) ^ ctr[1] ^ U(std::uint64_t{k[0]}), p1 & U(mask),
           (p0 >> 32) ^ ctr[3] ^ U(std::uint64_t{k[1]}), p0 & U(mask)};
  };
  // Unrolled by hand, as in the scalar version.
  round(keys[0]);
  round(keys[1]);
  round(keys[2]);
  round(keys[3]);
  round(keys[4]);
  round(keys[5]);
  round(keys[6]);
  round(keys[7]);
  round(keys[8]);
  round(keys[9]);
  return ctr;
}

/// Per lane, `detail::to_open_unit((hi << 32) | lo)`, bit for bit: the uniform
/// `(floor(w / 2^12) + 0.5) · 2^-52` in `[2^-53, 1 − 2^-53]`, never 0 or 1.
/// V is `double` (U = `std::uint64_t`) or `xsimd::batch<double, Arch>`.
/// The 52-bit integer becomes a double exactly by placing it under the exponent of 2^52
/// and subtracting 2^52 (no 64-bit integer conversion is needed, which SSE2 and AVX2
/// lack); adding 0.5 and scaling by 2^-52 are exact too. Precondition: hi, lo < 2^32.
template <class V>
[[nodiscard]] inline V open_unit_lanes(const lane_word_t<V>& hi, const lane_word_t<V>& lo) noexcept {
  using U = lane_word_t<V>;
  constexpr std::uint64_t two52_bits = 0x4330000000000000u;  // the double 2^52
  // hi · 2^20 as a lane product rather than a shift: GCC 12 warns (-Wuninitialized,
  // PR 105593) inside its own AVX-512 shift-left intrinsic.
  const U bits = detail::mul_lo32(hi, U(std::uint64_t{1} << 20)) | (lo >> 12) | U(two52_bits);
  V x;
  if constexpr (simd::is_batch_v<V>) x = xsimd::bitwise_cast<V>(bits);
  else x = std::bit_cast<double>(bits);
  return ((x - 0x1p52) + 0.5) * 0x1p-52;
}

/// Draws `2·block` and `2·block + 1` of a philox_stream for one scenario per lane: the
/// uniforms `first` and `second` of lane `j` are `stream.uniform(ids_j, 2·block)` and
/// `stream.uniform(ids_j, 2·block + 1)`, bit for bit.
template <class V>
struct uniform_pair {
  V first;
  V second;
};

/// See uniform_pair. Precondition: block < 2^32. Complexity: one Philox4x32-10 per lane.
template <class V>
[[nodiscard]] inline uniform_pair<V> uniform_pair_lanes(const philox_stream& stream, const lane_word_t<V>& ids,
                                                        std::uint64_t block) noexcept {
  using U = lane_word_t<V>;
  const U mask(detail::low32_mask);
  const philox_lanes<U> out = philox4x32_10_lanes<U>(
      {U(block & detail::low32_mask), U(std::uint64_t{stream.stream_tag()}), ids & mask, ids >> 32}, stream.key());
  return {open_unit_lanes<V>(out[1], out[0]), open_unit_lanes<V>(out[3], out[2])};
}

/// Lanes `base + 0, base + 1, ...` of U.
template <class U>
[[nodiscard]] inline U iota_lanes(std::uint64_t base) noexcept {
  if constexpr (simd::is_batch_v<U>) {
    alignas(64) std::array<std::uint64_t, U::size> lanes{};
    for (std::size_t j = 0; j < U::size; ++j) lanes[j] = base + j;
    return U::load_aligned(lanes.data());
  } else {
    return base;
  }
}

}  // namespace riskgrid::random
