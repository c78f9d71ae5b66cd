#pragma once

#include <cmath>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/market/risk_factor.hpp"

namespace riskgrid::market {

/// Which way an FX spot converts an amount into the base currency.
enum class quote_direction {
  direct,   ///< FX.<CCY><BASE>.SPOT: base amount = amount × X
  inverse,  ///< FX.<BASE><CCY>.SPOT: base amount = amount ÷ X
};

/// The FX factor that converts a currency into the base currency.
struct fx_quote {
  std::optional<std::size_t> factor;  ///< nullopt when the currency is the base
  quote_direction direction = quote_direction::direct;
};

/// The market at the as-of date: named factor values (DESIGN.md §6 names), in file order.
/// Immutable after construction; shared read-only by every worker.
class base_market {
 public:
  base_market() = default;

  /// Adds a factor; throws riskgrid::error on a bad name, a duplicate, a non-finite
  /// value or a spot/vol that is not positive.
  void add(std::string name, double value) {
    const auto parsed = parse_risk_factor(name);
    if (!std::isfinite(value)) throw error("value of " + name + " is not finite");
    if (parsed.must_be_positive() && !(value > 0.0))
      throw error("value of " + name + " must be positive, got " + to_shortest(value));
    if (index_.contains(name)) throw error("duplicate factor '" + name + "'");
    index_.emplace(name, names_.size());
    names_.push_back(std::move(name));
    factors_.push_back(parsed);
    values_.push_back(value);
  }

  [[nodiscard]] std::size_t size() const noexcept { return names_.size(); }
  [[nodiscard]] const std::string& name(std::size_t i) const { return names_.at(i); }
  [[nodiscard]] const risk_factor& factor(std::size_t i) const { return factors_.at(i); }
  [[nodiscard]] double value(std::size_t i) const { return values_.at(i); }

  [[nodiscard]] std::optional<std::size_t> find(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    if (it == index_.end()) return std::nullopt;
    return it->second;
  }

  /// The quote converting `currency` into `base` (DESIGN.md §4): FX.<CCY><BASE>.SPOT, or
  /// its inverse FX.<BASE><CCY>.SPOT; throws riskgrid::error if neither or both exist
  /// (no triangulation).
  [[nodiscard]] fx_quote fx_to_base(std::string_view currency, std::string_view base) const {
    if (currency == base) return {};
    const std::string direct = "FX." + std::string(currency) + std::string(base) + ".SPOT";
    const std::string inverse = "FX." + std::string(base) + std::string(currency) + ".SPOT";
    const auto d = find(direct);
    const auto i = find(inverse);
    if (d && i)
      throw error("both " + direct + " and " + inverse + " are in the market; give one of them");
    if (!d && !i)
      throw error("no FX rate from " + std::string(currency) + " to " + std::string(base) +
                  ": the market has neither " + direct + " nor " + inverse);
    if (d) return {d, quote_direction::direct};
    return {i, quote_direction::inverse};
  }

 private:
  std::vector<std::string> names_;
  std::vector<risk_factor> factors_;
  std::vector<double> values_;
  std::unordered_map<std::string, std::size_t> index_;
};

}  // namespace riskgrid::market
