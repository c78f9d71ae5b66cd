#pragma once

#include <cmath>
#include <cstdint>

#include <boost/multiprecision/cpp_int.hpp>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/exact_sum.hpp"

namespace riskgrid::risk {

/// Exact Σ L, Σ L² and the count of a set of losses: what the ES and its standard error
/// need from the losses beyond the VaR.
///
/// Why exact: the in-memory estimator sees the tail sorted, the bounded-memory one
/// (risk::bounded_var_es) sees the same losses in scenario order, split over passes,
/// chunks and ranks. Exact sums (core/exact_sum.hpp; L² enters as its exact split
/// hi + lo = L·L via fma) make both the same bits. Non-finite losses are the caller's to
/// exclude. add() is O(1); merge is associative and commutative.
class tail_sums {
 public:
  void add(double loss) noexcept {
    sum_.add(loss);
    const double hi = loss * loss;
    squares_.add(hi);
    squares_.add(std::fma(loss, loss, -hi));
    ++count_;
  }

  void merge(const tail_sums& other) noexcept {
    sum_.merge(other.sum_);
    squares_.merge(other.squares_);
    count_ += other.count_;
  }

  [[nodiscard]] std::uint64_t count() const noexcept { return count_; }
  /// The exact Σ L, to be rounded by the caller once.
  [[nodiscard]] const exact_sum& sum() const noexcept { return sum_; }

  /// The population variance Σ(L − mean)²/count, from the exact integers
  /// count·ΣL² − (ΣL)² (no cancellation), rounded about once; 0 for fewer than 2 losses.
  [[nodiscard]] double variance() const {
    if (count_ < 2) return 0.0;
    using boost::multiprecision::cpp_int;
    // Both sums are integers in units of 2^-1074 (exact_sum's fixed point), so
    // count·ΣL² − (ΣL)² = (count·S2·2^1074 − S1²)·2^-2148 exactly.
    const cpp_int s1 = integer_of(sum_), s2 = integer_of(squares_);
    cpp_int x = cpp_int(count_) * (s2 << 1074) - s1 * s1;
    if (x <= 0) return 0.0;
    const auto top = static_cast<long>(boost::multiprecision::msb(x));
    long shift = 0;
    if (top > 63) {
      shift = top - 63;
      const bool sticky = (x & ((cpp_int(1) << shift) - 1)) != 0;
      x >>= shift;
      if (sticky) x |= 1;  // bit 0 lies below double's rounding position: keeps rounding right
    }
    const double head = static_cast<double>(x.convert_to<std::uint64_t>());
    const double n = static_cast<double>(count_);
    return std::ldexp(head, static_cast<int>(shift) - 2 * 1074) / (n * n);
  }

  void save(byte_writer& w) const {
    w.put<std::uint64_t>(count_);
    sum_.save(w);
    squares_.save(w);
  }
  void load(byte_reader& r) {
    count_ = r.get<std::uint64_t>();
    sum_.load(r);
    squares_.load(r);
  }

 private:
  // The exact_sum's value as an integer multiple of 2^-1074, read from its flat payload
  // (32-bit digits, the top limb signed).
  static boost::multiprecision::cpp_int integer_of(const exact_sum& s) {
    byte_writer w;
    s.save(w);
    byte_reader r(w.bytes());
    std::int64_t limbs[exact_sum::limbs];
    for (auto& limb : limbs) limb = r.get<std::int64_t>();
    boost::multiprecision::cpp_int v = limbs[exact_sum::limbs - 1];
    for (int i = exact_sum::limbs - 2; i >= 0; --i) v = v * 4294967296LL + limbs[i];
    return v;
  }

  exact_sum sum_;
  exact_sum squares_;
  std::uint64_t count_ = 0;
};

}  // namespace riskgrid::risk
