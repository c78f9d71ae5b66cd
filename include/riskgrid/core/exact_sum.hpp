#pragma once

#include <array>
#include <cmath>
#include <cstdint>
#include <limits>

#include "riskgrid/core/byte_buffer.hpp"

namespace riskgrid {

/// The exact sum of doubles, rounded once when read.
///
/// A fixed-point superaccumulator covering every finite double (2^-1074 … 2^1024) in
/// 32-bit digits held in 64-bit limbs, so additions need no carry until 2^30 of them have
/// been made. Why: a floating-point sum depends on the order and grouping of its terms;
/// this one does not, so sums merged across chunks, threads or ranks in any tree give
/// the same bits (Kulisch accumulator; see also Demmel & Nguyen, "Parallel reproducible
/// summation", IEEE TC 2015). add() is O(1) (a few integer operations); value() is
/// O(limbs). Non-finite terms are the caller's to exclude (they are ignored here).
class exact_sum {
 public:
  static constexpr int limb_bits = 32;
  static constexpr int min_exponent = -1074;  // exponent of the smallest subnormal's unit
  static constexpr int limbs = (2098 + 84) / limb_bits + 2;

  exact_sum() noexcept { digits_.fill(0); }

  void add(double x) noexcept {
    if (!std::isfinite(x) || x == 0.0) return;
    int e = 0;
    const double m = std::frexp(x, &e);  // x = m·2^e, 0.5 ≤ |m| < 1
    // 53-bit integer mantissa and the exponent of its unit bit.
    auto mantissa = static_cast<std::int64_t>(std::ldexp(m, 53));
    int unit = e - 53;
    if (unit < min_exponent) {  // subnormal: the mantissa's low bits are zero, drop them
      mantissa >>= (min_exponent - unit);
      unit = min_exponent;
    }
    const int position = unit - min_exponent;
    const int index = position / limb_bits;
    const int shift = position % limb_bits;
    const bool negative = mantissa < 0;
    __extension__ using u128 = unsigned __int128;
    const u128 magnitude = static_cast<u128>(negative ? -mantissa : mantissa) << shift;
    for (int k = 0; k < 3; ++k) {
      const auto digit = static_cast<std::int64_t>(static_cast<std::uint64_t>(magnitude >> (k * limb_bits)) & 0xffffffffu);
      digits_[static_cast<std::size_t>(index + k)] += negative ? -digit : digit;
    }
    if (++pending_ == carry_interval) normalize();
  }

  /// Adds another exact sum: afterwards this holds the exact sum of both term sets.
  void merge(const exact_sum& other) noexcept {
    exact_sum o = other;
    o.normalize();
    normalize();
    for (std::size_t i = 0; i < digits_.size(); ++i) digits_[i] += o.digits_[i];
    normalize();
  }

  /// The sum correctly rounded to double (to nearest, ties to even); ±inf if it overflows.
  [[nodiscard]] double value() const noexcept {
    exact_sum c = *this;
    c.normalize();
    auto d = c.digits_;
    // After normalize() every limb is in [0, 2^32) except the top one, which holds the sign.
    const bool negative = d.back() < 0;
    if (negative) {  // two's-complement negation across the limbs
      std::int64_t carry = 1;
      for (auto& limb : d) {
        const std::int64_t v = (~limb & 0xffffffff) + carry;
        limb = v & 0xffffffff;
        carry = v >> limb_bits;
      }
    }
    int top = limbs - 1;
    while (top >= 0 && d[static_cast<std::size_t>(top)] == 0) --top;
    if (top < 0) return 0.0;
    __extension__ using u128 = unsigned __int128;
    u128 head = 0;
    const int low = top >= 2 ? top - 2 : 0;
    for (int i = top; i >= low; --i) head = (head << limb_bits) | static_cast<u128>(d[static_cast<std::size_t>(i)]);
    bool sticky = false;
    for (int i = 0; i < low; ++i) sticky = sticky || d[static_cast<std::size_t>(i)] != 0;
    // head has more than 64 significant bits when top ≥ 2, so its lowest bit lies below
    // the rounding position and can carry the sticky information.
    if (sticky) head |= 1;
    const double magnitude = std::ldexp(static_cast<double>(head), low * limb_bits + min_exponent);
    return negative ? -magnitude : magnitude;
  }

  void save(byte_writer& w) const {
    exact_sum c = *this;
    c.normalize();
    for (const auto limb : c.digits_) w.put<std::int64_t>(limb);
  }
  void load(byte_reader& r) {
    for (auto& limb : digits_) limb = r.get<std::int64_t>();
    pending_ = 0;
  }

  friend bool operator==(const exact_sum& a, const exact_sum& b) noexcept {
    exact_sum x = a, y = b;
    x.normalize();
    y.normalize();
    return x.digits_ == y.digits_;
  }

 private:
  static constexpr int carry_interval = 1 << 30;

  // Brings every limb but the top into [0, 2^32); the top limb keeps the sign.
  void normalize() noexcept {
    std::int64_t carry = 0;
    for (std::size_t i = 0; i + 1 < digits_.size(); ++i) {
      const std::int64_t v = digits_[i] + carry;
      digits_[i] = v & 0xffffffff;
      carry = v >> limb_bits;  // arithmetic shift: floor division
    }
    digits_.back() += carry;
    pending_ = 0;
  }

  std::array<std::int64_t, limbs> digits_;
  int pending_ = 0;
};

}  // namespace riskgrid
