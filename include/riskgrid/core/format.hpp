#pragma once

#include <charconv>
#include <string>

namespace riskgrid {

/// The shortest decimal that reads back as `x` (std::to_chars): what error messages and
/// reports print, so two different values never look alike.
[[nodiscard]] inline std::string to_shortest(double x) {
  char buffer[32];
  const auto result = std::to_chars(buffer, buffer + sizeof buffer, x);
  return std::string(buffer, result.ptr);
}

}  // namespace riskgrid
