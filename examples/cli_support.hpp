#pragma once

// Shared by the bundled programs: CLI11 errors in DESIGN.md §6's shape and numbers for
// the human tables.

#include <cstdio>
#include <iostream>
#include <optional>
#include <sstream>
#include <string>

#include <CLI/CLI.hpp>

namespace riskgrid_cli {

constexpr int exit_bad_input = 2;
constexpr int exit_internal = 3;

/// CLI11's messages reshaped to `--flag: reason` where CLI11 says which option is at fault.
inline std::string option_error(const CLI::ParseError& e) {
  const std::string what = e.what();
  if (dynamic_cast<const CLI::ExtrasError*>(&e) != nullptr) {
    std::stringstream words(what.substr(what.find(':') + 1));
    std::string word, first;
    while (words >> word)
      if (first.empty() || (word.starts_with("-") && !first.starts_with("-"))) first = word;
    return first + ": unknown option or unexpected argument";
  }
  if (dynamic_cast<const CLI::ConversionError*>(&e) != nullptr) {
    // "Could not convert: --scenarios = abc"
    const auto colon = what.find(": "), equals = what.find(" = ");
    if (colon != std::string::npos && equals != std::string::npos && equals > colon)
      return what.substr(colon + 2, equals - colon - 2) + ": expected a number, got '" + what.substr(equals + 3) + "'";
  }
  if (dynamic_cast<const CLI::RequiredError*>(&e) != nullptr) {
    const auto space = what.find(' ');
    if (what.starts_with("--") && space != std::string::npos) return what.substr(0, space) + ": required";
  }
  return what;
}

/// Parses the command line. Returns the exit status when the program should stop now:
/// 0 after --help or --version, exit_bad_input after one `error: --flag: reason` line.
inline std::optional<int> parse_command_line(CLI::App& app, int argc, char** argv) {
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    return app.exit(e);
  } catch (const CLI::ParseError& e) {
    std::cerr << "error: " << option_error(e) << '\n';
    return exit_bad_input;
  }
  return std::nullopt;
}

/// `x` with `decimals` digits after the point and thousands separators.
inline std::string grouped(double x, int decimals = 2) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.*f", decimals, x);
  const std::string plain(buffer);
  const std::size_t sign = plain[0] == '-' ? 1 : 0;
  const auto point = plain.find('.');
  const std::size_t int_digits = (point == std::string::npos ? plain.size() : point) - sign;
  std::string out = plain.substr(0, sign);
  for (std::size_t i = 0; i < int_digits; ++i) {
    if (i != 0 && (int_digits - i) % 3 == 0) out += ',';
    out += plain[sign + i];
  }
  return out + plain.substr(sign + int_digits);
}

/// A p-value for a table: 4 decimals, or scientific notation below 1e-4.
inline std::string p_value(double p) {
  char buffer[32];
  std::snprintf(buffer, sizeof buffer, p < 1e-4 ? "%.2e" : "%.4f", p);
  return buffer;
}

}  // namespace riskgrid_cli
