#pragma once

#include <charconv>
#include <cstdint>
#include <string>
#include <string_view>
#include <system_error>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"

namespace riskgrid {

/// The exact size of a tail, m = N·(1 − α), as whole + numerator/denominator.
///
/// VaR is the loss of rank var_rank() = floor(m) + 1 and ES weights the losses of
/// ranks 1..whole fully and rank whole + 1 by fraction() (DESIGN.md §4).
struct tail_size {
  std::uint64_t whole = 0;        ///< floor(m)
  std::uint64_t numerator = 0;    ///< m − floor(m) = numerator / denominator
  std::uint64_t denominator = 1;  ///< a power of ten
  double m = 0.0;                 ///< m, correctly rounded to double

  [[nodiscard]] constexpr std::uint64_t var_rank() const noexcept { return whole + 1; }
  [[nodiscard]] double fraction() const noexcept {
    return static_cast<double>(numerator) / static_cast<double>(denominator);
  }
};

/// A confidence level 0 < α < 1 kept as the decimal the user wrote.
///
/// Why: in binary floating point N = 100, α = 0.9 gives N·(1 − α) = 9.999999999999998
/// and the wrong VaR rank. Keeping α = a / 10^d exactly makes m = N·(10^d − a) / 10^d an
/// exact rational, so ranks and weights are those of the definition. A double argument
/// is read through its shortest round-trip decimal (0.9 → "0.9"), which is what the
/// user meant. At most 18 significant decimals.
class confidence {
 public:
  /// Throws input_error (source "confidence") unless 0 < alpha < 1.
  explicit confidence(double alpha) : confidence(from_double(alpha)) {}

  /// Parses a decimal such as "0.99", ".975" or "9.9e-1"; throws input_error naming
  /// `source` (e.g. "--confidence") unless it is a plain decimal with 0 < α < 1.
  [[nodiscard]] static confidence parse(std::string_view text,
                                        std::string_view source = "confidence") {
    const auto fail = [&](const std::string& why) -> input_error {
      return input_error(std::string(source), why + ", got '" + std::string(text) + "'");
    };
    std::uint64_t mantissa = 0;
    int exponent = 0;
    int significant = 0;
    bool any_digit = false;
    std::size_t i = 0;
    if (i < text.size() && text[i] == '+') ++i;
    for (; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
      any_digit = true;
      if (mantissa == 0 && text[i] == '0') continue;
      if (++significant > 18) throw fail("more than 18 significant digits");
      mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
    }
    if (i < text.size() && text[i] == '.') {
      for (++i; i < text.size() && text[i] >= '0' && text[i] <= '9'; ++i) {
        any_digit = true;
        --exponent;
        if (mantissa == 0 && text[i] == '0') continue;
        if (++significant > 18) throw fail("more than 18 significant digits");
        mantissa = mantissa * 10 + static_cast<std::uint64_t>(text[i] - '0');
      }
    }
    if (!any_digit) throw fail("expected a decimal number");
    if (i < text.size() && (text[i] == 'e' || text[i] == 'E')) {
      ++i;
      int sign = 1;
      if (i < text.size() && (text[i] == '+' || text[i] == '-')) sign = text[i++] == '-' ? -1 : 1;
      // from_chars would take a second sign ("1e+-1").
      if (i == text.size() || text[i] < '0' || text[i] > '9') throw fail("bad exponent");
      int e = 0;
      const auto [end, ec] = std::from_chars(text.data() + i, text.data() + text.size(), e);
      if (ec != std::errc() || end == text.data() + i) throw fail("bad exponent");
      if (e > 400) throw fail("must lie strictly between 0 and 1");
      i = static_cast<std::size_t>(end - text.data());
      exponent += sign * e;
    }
    if (i != text.size()) throw fail("expected a decimal number");
    if (mantissa == 0) throw fail("must lie strictly between 0 and 1");
    while (mantissa % 10 == 0) {
      mantissa /= 10;
      ++exponent;
    }
    if (exponent >= 0) throw fail("must lie strictly between 0 and 1");
    if (-exponent > 18) throw fail("more than 18 decimal places");
    const auto digits = -exponent;
    const auto scale = pow10(digits);
    if (mantissa >= scale) throw fail("must lie strictly between 0 and 1");
    return confidence(mantissa, digits);
  }

  /// α as a double (the nearest double to the decimal).
  [[nodiscard]] double value() const noexcept { return value_; }

  /// α as the shortest decimal, e.g. "0.975".
  [[nodiscard]] std::string text() const {
    std::string digits = std::to_string(numerator_);
    digits.insert(0, static_cast<std::size_t>(digits_) - digits.size(), '0');
    return "0." + digits;
  }

  /// The exact tail size m = n·(1 − α) for n scenarios.
  [[nodiscard]] tail_size tail(std::uint64_t n) const noexcept {
    __extension__ using u128 = unsigned __int128;
    const std::uint64_t scale = pow10(digits_);
    const u128 product = static_cast<u128>(n) * (scale - numerator_);
    tail_size t;
    t.whole = static_cast<std::uint64_t>(product / scale);
    t.numerator = static_cast<std::uint64_t>(product % scale);
    t.denominator = scale;
    t.m = static_cast<double>(product) / static_cast<double>(scale);
    return t;
  }

  friend bool operator==(const confidence& a, const confidence& b) noexcept {
    return a.numerator_ == b.numerator_ && a.digits_ == b.digits_;
  }

 private:
  confidence(std::uint64_t numerator, int digits)
      : numerator_(numerator), digits_(digits), value_(to_double(numerator, digits)) {}

  static constexpr std::uint64_t pow10(int digits) noexcept {
    std::uint64_t p = 1;
    for (int i = 0; i < digits; ++i) p *= 10;
    return p;
  }

  static double to_double(std::uint64_t numerator, int digits) {
    // from_chars rounds the decimal correctly, which numerator / 10^d would not always do.
    const std::string s = std::to_string(numerator) + "e-" + std::to_string(digits);
    double v = 0.0;
    std::from_chars(s.data(), s.data() + s.size(), v);
    return v;
  }

  static confidence from_double(double alpha) {
    if (!(alpha > 0.0 && alpha < 1.0))
      throw input_error("confidence", "must lie strictly between 0 and 1, got " + to_shortest(alpha));
    char buffer[64];
    const auto [end, ec] = std::to_chars(buffer, buffer + sizeof buffer, alpha);
    return parse(std::string_view(buffer, static_cast<std::size_t>(end - buffer)));
  }

  std::uint64_t numerator_;
  int digits_;
  double value_;
};

}  // namespace riskgrid
