#pragma once

// Helpers shared by the unit tests: a self-cleaning temporary directory and builders for
// the trades the tests put in books.

#include <cmath>
#include <cstddef>
#include <filesystem>
#include <fstream>
#include <random>
#include <stdexcept>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

#include "riskgrid/portfolio/trade.hpp"

namespace riskgrid::testing {

/// A fresh directory under the system's temporary directory, removed with its contents.
class temp_dir {
 public:
  temp_dir() {
    std::random_device entropy;
    path_ = std::filesystem::temp_directory_path() /
            ("riskgrid-test-" + std::to_string(entropy()) + "-" + std::to_string(entropy()));
    std::filesystem::create_directories(path_);
  }
  temp_dir(const temp_dir&) = delete;
  temp_dir& operator=(const temp_dir&) = delete;
  ~temp_dir() {
    std::error_code ec;
    std::filesystem::remove_all(path_, ec);
  }

  [[nodiscard]] const std::filesystem::path& path() const noexcept { return path_; }

  /// Writes `text` byte for byte to `name` in the directory; returns the file's path.
  [[nodiscard]] std::string write(const std::string& name, const std::string& text) const {
    const auto file = path_ / name;
    std::ofstream out(file, std::ios::binary | std::ios::trunc);
    out << text;
    if (!out) throw std::runtime_error("cannot write " + file.string());
    return file.string();
  }

  /// Names of the files in the directory.
  [[nodiscard]] std::vector<std::string> entries() const {
    std::vector<std::string> names;
    for (const auto& e : std::filesystem::directory_iterator(path_)) names.push_back(e.path().filename().string());
    return names;
  }

 private:
  std::filesystem::path path_;
};

/// A delta–gamma trade on `factor`.
inline portfolio::trade sensitivity(std::string id, std::string factor, double delta, double gamma = 0.0) {
  portfolio::trade t;
  t.id = std::move(id);
  t.type = portfolio::trade_type::sensitivity;
  t.factor = std::move(factor);
  t.delta = delta;
  t.gamma = gamma;
  return t;
}

/// `quantity` shares of EQ.<name>, quoted in `currency`.
inline portfolio::trade equity(std::string id, std::string name, std::string currency, double quantity) {
  portfolio::trade t;
  t.id = std::move(id);
  t.type = portfolio::trade_type::equity;
  t.underlying = std::move(name);
  t.currency = std::move(currency);
  t.quantity = quantity;
  return t;
}

/// sqrt(h·δᵀΣδ): the standard deviation of a linear P&L δᵀs with Cov(s) = h·Σ.
template <class Matrix>
double linear_pnl_stdev(const std::vector<double>& delta, const Matrix& sigma, int horizon_days) {
  double variance = 0.0;
  for (std::size_t i = 0; i < delta.size(); ++i)
    for (std::size_t j = 0; j < delta.size(); ++j)
      variance += delta[i] * sigma(static_cast<long>(i), static_cast<long>(j)) * delta[j];
  return std::sqrt(horizon_days * variance);
}

}  // namespace riskgrid::testing
