#pragma once

/// \file
/// Philox4x32-10 counter-based generator and the per-scenario uniform stream built
/// on it (DESIGN.md §2: random numbers are a pure function of seed, scenario and draw).

#include <array>
#include <cstddef>
#include <cstdint>
#include <span>

namespace riskgrid::random {

/// Philox4x32 counter: four 32-bit words, word 0 first.
using philox_counter = std::array<std::uint32_t, 4>;
/// Philox4x32 key: two 32-bit words, word 0 first.
using philox_key = std::array<std::uint32_t, 2>;

namespace detail {

// Constants of Salmon et al., "Parallel random numbers: as easy as 1, 2, 3" (SC11),
// as used by Random123: round multipliers and the Weyl-sequence key increments
// (golden ratio and sqrt(3) - 1 in 0.32 fixed point).
inline constexpr std::uint32_t philox_m4x32_0 = 0xD2511F53u;
inline constexpr std::uint32_t philox_m4x32_1 = 0xCD9E8D57u;
inline constexpr std::uint32_t philox_w32_0 = 0x9E3779B9u;
inline constexpr std::uint32_t philox_w32_1 = 0xBB67AE85u;

/// High and low halves of a 32 x 32 -> 64-bit product, per lane.
template <class Word>
struct mul_hi_lo {
  Word hi;
  Word lo;
};

/// Operations Philox needs on a word type beyond `^` and `+` (which must wrap modulo 2^32).
/// Specialize for a SIMD batch of 32-bit lanes to run several counters at once; the
/// round function below is written once for all word types.
template <class Word>
struct philox_word_ops;

template <>
struct philox_word_ops<std::uint32_t> {
  [[nodiscard]] static constexpr std::uint32_t broadcast(std::uint32_t value) noexcept { return value; }

  [[nodiscard]] static constexpr mul_hi_lo<std::uint32_t> mulhilo(std::uint32_t a,
                                                                  std::uint32_t b) noexcept {
    const std::uint64_t product = std::uint64_t{a} * std::uint64_t{b};
    return {static_cast<std::uint32_t>(product >> 32), static_cast<std::uint32_t>(product)};
  }
};

/// One Philox4x32 S-box round (Random123's `_philox4x32round`).
template <class Word>
[[nodiscard]] constexpr std::array<Word, 4> philox4x32_round(const std::array<Word, 4>& ctr,
                                                             const std::array<Word, 2>& key) noexcept {
  using ops = philox_word_ops<Word>;
  const mul_hi_lo<Word> p0 = ops::mulhilo(ops::broadcast(philox_m4x32_0), ctr[0]);
  const mul_hi_lo<Word> p1 = ops::mulhilo(ops::broadcast(philox_m4x32_1), ctr[2]);
  return {p1.hi ^ ctr[1] ^ key[0], p1.lo, p0.hi ^ ctr[3] ^ key[1], p0.lo};
}

/// Philox4x32-10 on any word type with `philox_word_ops`: lane-wise, the same bits as
/// the scalar function. The key is bumped *between* rounds (10 rounds, 9 bumps), as in
/// Random123.
template <class Word>
[[nodiscard]] constexpr std::array<Word, 4> philox4x32_10_words(std::array<Word, 4> ctr,
                                                                std::array<Word, 2> key) noexcept {
  using ops = philox_word_ops<Word>;
  const auto bump_then_round = [&ctr, &key]() noexcept {
    key[0] = key[0] + ops::broadcast(philox_w32_0);
    key[1] = key[1] + ops::broadcast(philox_w32_1);
    ctr = philox4x32_round(ctr, key);
  };
  // Unrolled by hand: GCC 12 at -O2 keeps a 9-trip loop rolled, which costs ~30% here.
  ctr = philox4x32_round(ctr, key);
  bump_then_round();
  bump_then_round();
  bump_then_round();
  bump_then_round();
  bump_then_round();
  bump_then_round();
  bump_then_round();
  bump_then_round();
  bump_then_round();
  return ctr;
}

/// Maps 64 random bits to a double strictly inside (0, 1):
/// `u = (double(w >> 12) + 0.5) * 2^-52`, i.e. the midpoints of 2^52 equal cells.
/// Range [2^-53, 1 - 2^-53]; every value is exact, and `u(~w) == 1 - u(w)` exactly.
/// Bit-exact with Random123's `u01fixedpt_open_open_64_double` (Random123/u01fixedpt.h).
///
/// Why 52 bits and not 53: with 53 bits the midpoints `(k + 0.5) * 2^-53` are not
/// representable for k >= 2^52 and round (ties to even); the last one rounds to
/// exactly 1.0. No set of 2^53 equally spaced doubles fits strictly inside (0, 1).
/// Complexity O(1).
[[nodiscard]] constexpr double to_open_unit(std::uint64_t word) noexcept {
  return (static_cast<double>(word >> 12) + 0.5) * 0x1p-52;
}

}  // namespace detail

/// Philox4x32 with 10 rounds: a bijection of the 128-bit counter for each 64-bit key,
/// bit-exact with Random123's `r123::Philox4x32` (its default is 10 rounds).
/// Pure; usable in constant expressions. Complexity: 10 rounds of two 32x32->64-bit
/// multiplies. Thread-safe (no state).
[[nodiscard]] constexpr philox_counter philox4x32_10(philox_counter counter, philox_key key) noexcept {
  return detail::philox4x32_10_words<std::uint32_t>(counter, key);
}

/// Counter-based stream of uniform draws, indexed by (scenario_id, draw): no state is
/// carried between calls, so any scenario can be (re)generated anywhere, in any order
/// (DESIGN.md §2).
///
/// Reproducibility contract (changing any of this changes every result):
/// - key = {low 32 bits of seed, high 32 bits of seed};
/// - draw `d` of scenario `i` uses Philox block `b = d / 2` and half `h = d % 2`, with
///   counter = {uint32(b), stream_tag, uint32(i), uint32(i >> 32)};
/// - its 64-bit word is `w = (uint64(out[2h + 1]) << 32) | out[2h]`, where
///   `out = philox4x32_10(counter, key)`;
/// - the uniform is `u = (double(w >> 12) + 0.5) * 2^-52` (see `detail::to_open_unit`),
///   so `2^-53 <= u <= 1 - 2^-53`: never 0, never 1.
///
/// `stream_tag` separates independent uses of one seed (the normals of a model, the
/// chi-square draws of a Student-t, bootstrap indices, ...): different tags never share
/// a Philox block.
///
/// Precondition for every member taking a draw index: `draw < 2^33` (b fits in 32 bits;
/// beyond it the block index wraps and draws repeat). Not checked.
/// Thread-safety: immutable after construction; share freely.
class philox_stream {
 public:
  /// Stream for `seed` and `stream_tag`. Complexity O(1).
  explicit constexpr philox_stream(std::uint64_t seed, std::uint32_t stream_tag = 0) noexcept
      : key_{static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)},
        stream_tag_{stream_tag} {}

  /// The Philox key derived from the seed.
  [[nodiscard]] constexpr philox_key key() const noexcept { return key_; }

  /// The tag given at construction.
  [[nodiscard]] constexpr std::uint32_t stream_tag() const noexcept { return stream_tag_; }

  /// The 64 random bits of draw `draw` of scenario `scenario_id` (`w` above), for users
  /// that need integers (e.g. bootstrap indices) rather than a uniform.
  /// Precondition: draw < 2^33. Complexity: one Philox4x32-10 block.
  [[nodiscard]] constexpr std::uint64_t bits(std::uint64_t scenario_id, std::uint64_t draw) const noexcept {
    return half_word(block(scenario_id, draw >> 1), static_cast<unsigned>(draw & 1));
  }

  /// Uniform draw `draw` of scenario `scenario_id`, strictly inside (0, 1).
  /// Precondition: draw < 2^33. Complexity: one Philox4x32-10 block.
  [[nodiscard]] constexpr double uniform(std::uint64_t scenario_id, std::uint64_t draw) const noexcept {
    return detail::to_open_unit(bits(scenario_id, draw));
  }

  /// Fills `out[k]` with `uniform(scenario_id, first_draw + k)`, bit for bit, computing
  /// each Philox block once (ceil(n / 2) blocks, plus one when `first_draw` is odd).
  /// Precondition: first_draw + out.size() <= 2^33. Complexity O(out.size()); no allocation.
  constexpr void uniforms(std::uint64_t scenario_id, std::uint64_t first_draw,
                          std::span<double> out) const noexcept {
    std::size_t k = 0;
    std::uint64_t draw = first_draw;
    const std::size_t n = out.size();
    if (n != 0 && (draw & 1) != 0) {
      out[k++] = detail::to_open_unit(half_word(block(scenario_id, draw >> 1), 1));
      ++draw;
    }
    for (; k + 2 <= n; k += 2, draw += 2) {
      const philox_counter words = block(scenario_id, draw >> 1);
      out[k] = detail::to_open_unit(half_word(words, 0));
      out[k + 1] = detail::to_open_unit(half_word(words, 1));
    }
    if (k < n) {
      out[k] = detail::to_open_unit(half_word(block(scenario_id, draw >> 1), 0));
    }
  }

 private:
  [[nodiscard]] constexpr philox_counter block(std::uint64_t scenario_id, std::uint64_t block_index) const noexcept {
    return philox4x32_10({static_cast<std::uint32_t>(block_index), stream_tag_,
                          static_cast<std::uint32_t>(scenario_id),
                          static_cast<std::uint32_t>(scenario_id >> 32)},
                         key_);
  }

  [[nodiscard]] static constexpr std::uint64_t half_word(const philox_counter& words, unsigned half) noexcept {
    return (std::uint64_t{words[2 * half + 1]} << 32) | words[2 * half];
  }

  philox_key key_;
  std::uint32_t stream_tag_;
};

}  // namespace riskgrid::random
