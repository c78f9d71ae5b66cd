#pragma once

#include <cstddef>
#include <stdexcept>
#include <string>
#include <utility>

namespace riskgrid {

/// Base of every exception riskgrid throws on purpose.
class error : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

/// Bad input data or a bad option: carries where the defect is.
///
/// `source` is a file path, or an option name such as `--confidence`; `line` and
/// `column` are 1-based, 0 when the defect concerns the whole source (or row).
/// what() is `<source>:<line>: <reason>` or `<source>: <reason>` (DESIGN.md §6), which
/// the programs print after `error: `.
class input_error : public error {
 public:
  input_error(std::string source, std::size_t line, std::size_t column, std::string reason)
      : error(format(source, line, reason)),
        source_(std::move(source)),
        line_(line),
        column_(column),
        reason_(std::move(reason)) {}

  input_error(std::string source, std::string reason)
      : input_error(std::move(source), 0, 0, std::move(reason)) {}

  [[nodiscard]] const std::string& source() const noexcept { return source_; }
  [[nodiscard]] std::size_t line() const noexcept { return line_; }
  [[nodiscard]] std::size_t column() const noexcept { return column_; }
  [[nodiscard]] const std::string& reason() const noexcept { return reason_; }

 private:
  static std::string format(const std::string& source, std::size_t line,
                            const std::string& reason) {
    if (line == 0) return source + ": " + reason;
    return source + ":" + std::to_string(line) + ": " + reason;
  }

  std::string source_;
  std::size_t line_;
  std::size_t column_;
  std::string reason_;
};

/// Inputs that are well-formed one by one but make no model together, e.g. a
/// covariance matrix that is not positive semi-definite, or a P&L that is not finite.
class model_error : public error {
 public:
  using error::error;
};

}  // namespace riskgrid
