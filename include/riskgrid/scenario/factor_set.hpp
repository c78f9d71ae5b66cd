#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "riskgrid/core/error.hpp"

namespace riskgrid::scenario {

/// The ordered list of risk factors a model shocks; position = row in a shock_block.
/// Names are case-sensitive (DESIGN.md §6). Immutable after construction.
class factor_set {
 public:
  factor_set() = default;

  /// Throws riskgrid::error on an empty or duplicated name.
  explicit factor_set(std::vector<std::string> names) : names_(std::move(names)) {
    for (std::size_t i = 0; i < names_.size(); ++i) {
      if (names_[i].empty()) throw error("factor_set: empty factor name");
      if (!index_.emplace(names_[i], i).second)
        throw error("factor_set: duplicate factor '" + names_[i] + "'");
    }
  }

  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] const std::string& name(std::size_t i) const { return names_.at(i); }
  [[nodiscard]] const std::vector<std::string>& names() const noexcept { return names_; }

  /// Position of `name`, or nullopt when the model does not shock it. O(1).
  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  friend bool operator==(const factor_set& a, const factor_set& b) { return a.names_ == b.names_; }

 private:
  std::vector<std::string> names_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace riskgrid::scenario
