#pragma once
// Shared harness of riskgrid's loader fuzzers (fuzz/README.md).
//
// Each target hands libFuzzer's bytes to a loader as the whole content of a file named
// "fuzz.csv", through the in-memory entry point csv_table::parse + load_X(table). The
// contract under test (DESIGN.md §6): bad input never crashes and never yields a partial
// result; every defect is a riskgrid::error (input_error carrying file, line, column).
// So a target
// - catches riskgrid::error and checks that an input_error names "fuzz.csv" and a line
//   that exists in the input;
// - lets every other exception escape: libFuzzer reports it as a crash (a std::exception
//   outside riskgrid::error, including std::bad_alloc on a small input, is a finding);
// - checks what a loader returns against the input (sizes, finiteness, invariants):
//   a violation aborts with a message naming it (a partial or inconsistent result).

#include <cmath>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string>
#include <string_view>

#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"

namespace riskgrid::fuzz {

inline constexpr const char* source_name = "fuzz.csv";

/// Aborts with `what` unless `cond` holds: a property of the loader's result is broken.
#define RISKGRID_FUZZ_CHECK(cond, what)                                                         \
  do {                                                                                         \
    if (!(cond)) {                                                                             \
      std::fprintf(stderr, "%s:%d: fuzz check failed: %s (%s)\n", __FILE__, __LINE__, #cond, \
                   std::string(what).c_str());                                                 \
      std::abort();                                                                            \
    }                                                                                          \
  } while (false)

/// Number of physical lines of `text` (a final line without '\n' counts; "" has 1).
[[nodiscard]] inline std::size_t physical_lines(std::string_view text) noexcept {
  std::size_t n = 1;
  for (const char c : text)
    if (c == '\n') ++n;
  return n;
}

/// Parses `data` as a CSV file and runs `load(table)`; returns true if it loaded, false
/// if it was refused with a riskgrid::error (after checking where an input_error points).
template <class Load>
bool run(const std::uint8_t* data, std::size_t size, io::header_case names, Load&& load) {
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  try {
    const auto table = io::csv_table::parse(text, source_name, names);
    load(table);
    return true;
  } catch (const input_error& e) {
    // A defect is reported in the file (or, from binding, on a trade's row of it).
    RISKGRID_FUZZ_CHECK(e.source() == source_name, e.what());
    RISKGRID_FUZZ_CHECK(e.line() <= physical_lines(text), e.what());
    RISKGRID_FUZZ_CHECK(e.line() != 0 || e.column() == 0, e.what());
    RISKGRID_FUZZ_CHECK(!e.reason().empty(), e.what());
    return false;
  } catch (const error&) {
    return false;  // model_error and other riskgrid::error: the contract allows them
  }
}

[[nodiscard]] inline bool all_finite(const double* p, std::size_t n) noexcept {
  for (std::size_t i = 0; i < n; ++i)
    if (!std::isfinite(p[i])) return false;
  return true;
}

}  // namespace riskgrid::fuzz
