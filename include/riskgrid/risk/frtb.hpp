#pragma once

/// FRTB internal models approach (Basel MAR33): the capital formulas, on P&L vectors and
/// ES values only, so each one can be checked by hand. Which factors a P&L vector shocks
/// (liquidity-horizon subsets, reduced set, one risk class) is the caller's business:
/// riskgrid-frtb (examples/riskgrid_frtb.cpp) revalues a book under
/// scenario::subset_historical_model for each subset and hands the vectors here.
///
/// Conventions (DESIGN.md §4 "FRTB specifics"): ES at 97.5% with the exact estimator of
/// risk/var_es.hpp, on 10-day overlapping shocks (a 250-row window gives 241 scenarios);
/// P&L positive for gains, ES positive for losses.

#include <algorithm>
#include <array>
#include <cmath>
#include <cstddef>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"

namespace riskgrid::risk::frtb {

// --- constants ---------------------------------------------------------------------------

/// T: the base horizon of the ES, in days (MAR33.4).
inline constexpr int base_horizon = 10;
/// The liquidity horizons LH_1 < … < LH_5 of MAR33.12, in days.
inline constexpr std::array<int, 5> liquidity_horizons{10, 20, 40, 60, 120};
inline constexpr std::size_t horizon_count = liquidity_horizons.size();
/// Rows of a calibration window (current or stressed): 250 days.
inline constexpr std::size_t window_rows = 250;
/// Minimum share of the full-set ES the reduced set must explain (MAR33.5(2)(a)).
inline constexpr double reduced_set_minimum = 0.75;
/// Weight ρ of the unconstrained ES in the IMCC (MAR33.6).
inline constexpr double imcc_rho = 0.5;
/// Correlation of the non-idiosyncratic stress scenarios in the SES (MAR33.17).
inline constexpr double ses_rho = 0.6;
/// Shortest liquidity horizon of a non-modellable factor's stress scenario (MAR33.16).
inline constexpr int ses_minimum_horizon = 20;
/// Two window ES within this relative distance are tied; the earliest window wins.
inline constexpr double window_tie_tolerance = 1e-9;

/// The ES confidence level, 97.5%.
[[nodiscard]] inline confidence es_confidence() { return confidence::parse("0.975"); }

/// True for 10, 20, 40, 60 and 120.
[[nodiscard]] constexpr bool is_liquidity_horizon(int days) noexcept {
  return std::find(liquidity_horizons.begin(), liquidity_horizons.end(), days) != liquidity_horizons.end();
}

/// Horizon of a non-modellable factor's stress scenario: max(LH, 20) days.
[[nodiscard]] constexpr int ses_horizon(int liquidity_horizon) noexcept {
  return std::max(liquidity_horizon, ses_minimum_horizon);
}

// --- factor classification (factors.csv) ------------------------------------------------

/// MAR33's broad risk classes, in the order riskgrid reports them.
enum class risk_class { ir, credit, equity, fx, commodity };
inline constexpr std::array<risk_class, 5> risk_classes{risk_class::ir, risk_class::credit, risk_class::equity,
                                                        risk_class::fx, risk_class::commodity};

[[nodiscard]] constexpr std::string_view to_string(risk_class c) noexcept {
  switch (c) {
    case risk_class::ir: return "ir";
    case risk_class::credit: return "credit";
    case risk_class::equity: return "equity";
    case risk_class::fx: return "fx";
    case risk_class::commodity: return "commodity";
  }
  return "?";
}

/// `ir|credit|equity|fx|commodity`, case-insensitive, `_` and `-` ignored (DESIGN.md §6).
[[nodiscard]] inline std::optional<risk_class> parse_risk_class(std::string_view text) {
  std::string folded;
  for (const char c : text) {
    if (c == '_' || c == '-') continue;
    folded.push_back(c >= 'A' && c <= 'Z' ? static_cast<char>(c - 'A' + 'a') : c);
  }
  for (const auto c : risk_classes)
    if (folded == to_string(c)) return c;
  return std::nullopt;
}

/// One risk factor's FRTB classification (a row of factors.csv).
struct factor_class {
  std::string name;
  risk_class cls = risk_class::equity;
  int liquidity_horizon = 10;
  bool modellable = true;
  bool reduced_set = false;   ///< in the reduced set R (modellable factors only)
  bool idiosyncratic = false; ///< SES aggregated at zero correlation (MAR33.17)
  std::size_t line = 0;       ///< where it was defined (0: not from a file)
};

/// Factor classifications by name (case-sensitive). Throws riskgrid::error on an empty or
/// duplicated name.
class factor_table {
 public:
  factor_table() = default;
  explicit factor_table(std::vector<factor_class> entries) : entries_(std::move(entries)) {
    for (std::size_t i = 0; i < entries_.size(); ++i) {
      if (entries_[i].name.empty()) throw error("factor_table: empty factor name");
      if (!index_.emplace(entries_[i].name, i).second)
        throw error("factor_table: duplicate factor '" + entries_[i].name + "'");
    }
  }
  [[nodiscard]] const std::vector<factor_class>& entries() const noexcept { return entries_; }
  [[nodiscard]] std::size_t size() const noexcept { return entries_.size(); }
  /// The factor's classification, or nullptr.
  [[nodiscard]] const factor_class* find(std::string_view name) const {
    const auto it = index_.find(std::string(name));
    return it == index_.end() ? nullptr : &entries_[it->second];
  }

 private:
  std::vector<factor_class> entries_;
  std::unordered_map<std::string, std::size_t> index_;
};

namespace detail {

// `A.B.C` split at the dots.
[[nodiscard]] inline std::vector<std::string_view> dotted(std::string_view name) {
  std::vector<std::string_view> parts;
  std::size_t start = 0;
  while (true) {
    const auto dot = name.find('.', start);
    parts.push_back(name.substr(start, dot == std::string_view::npos ? std::string_view::npos : dot - start));
    if (dot == std::string_view::npos) return parts;
    start = dot + 1;
  }
}

[[nodiscard]] inline bool is_ccy(std::string_view s) noexcept {
  return s.size() == 3 && std::all_of(s.begin(), s.end(), [](char c) { return c >= 'A' && c <= 'Z'; });
}

}  // namespace detail

/// Interest-rate currencies with a 10-day horizon (MAR33.12): EUR, USD, GBP, AUD, JPY,
/// SEK, CAD and the bank's domestic currency.
[[nodiscard]] inline bool is_specified_rate_currency(std::string_view ccy, std::string_view domestic = {}) {
  static constexpr std::array<std::string_view, 7> specified{"EUR", "USD", "GBP", "AUD", "JPY", "SEK", "CAD"};
  return (!domestic.empty() && ccy == domestic) ||
         std::find(specified.begin(), specified.end(), ccy) != specified.end();
}

/// FX pairs with a 10-day horizon (MAR33.12 and its footnote): USD against EUR, JPY, GBP,
/// AUD, CAD, CHF, MXN, CNY, NZD, RUB, HKD, SGD, TRY, KRW, SEK, ZAR, INR, NOK, BRL, and
/// EUR/JPY, EUR/GBP, EUR/CHF, JPY/AUD, either way round; plus their first-order crosses,
/// read as: pairs C1/C2 for which some currency Z makes C1/Z and C2/Z both specified
/// (so any two of the USD list, e.g. EUR/AUD).
[[nodiscard]] inline bool is_specified_fx_pair(std::string_view c1, std::string_view c2) {
  static constexpr std::array<std::string_view, 19> usd{"EUR", "JPY", "GBP", "AUD", "CAD", "CHF", "MXN",
                                                        "CNY", "NZD", "RUB", "HKD", "SGD", "TRY", "KRW",
                                                        "SEK", "ZAR", "INR", "NOK", "BRL"};
  static constexpr std::array<std::pair<std::string_view, std::string_view>, 4> others{
      {{"EUR", "JPY"}, {"EUR", "GBP"}, {"EUR", "CHF"}, {"JPY", "AUD"}}};
  const auto direct = [&](std::string_view a, std::string_view b) {
    if (a == b) return false;
    if (a == "USD") return std::find(usd.begin(), usd.end(), b) != usd.end();
    if (b == "USD") return std::find(usd.begin(), usd.end(), a) != usd.end();
    for (const auto& [x, y] : others)
      if ((a == x && b == y) || (a == y && b == x)) return true;
    return false;
  };
  if (direct(c1, c2)) return true;
  std::vector<std::string_view> all(usd.begin(), usd.end());
  all.push_back("USD");
  for (const auto z : all)
    if (direct(c1, z) && direct(c2, z)) return true;
  return false;
}

/// The MAR33.12 liquidity horizon of a factor named by riskgrid's conventions
/// (DESIGN.md §6), used when factors.csv leaves the horizon empty:
/// - ir `IR.<CCY>.<tenor>`: 10 for a specified currency (is_specified_rate_currency,
///   `domestic` included), else 20;
/// - equity `EQ.<NAME>.SPOT` 10 (large cap: a small-cap name needs an explicit 20),
///   `.VOL` 20 (large cap), `.DIV` 60 (equity: other types);
/// - fx `FX.<C1C2>.SPOT` 10 for a specified pair (is_specified_fx_pair), else 20;
///   `.VOL` 40;
/// - credit and commodity: none (the table needs the issuer's quality or the commodity
///   group, which names do not carry), nor for a name that does not fit its class.
[[nodiscard]] inline std::optional<int> default_liquidity_horizon(std::string_view name, risk_class cls,
                                                                  std::string_view domestic = {}) {
  const auto parts = detail::dotted(name);
  if (parts.size() != 3) return std::nullopt;
  switch (cls) {
    case risk_class::ir:
      if (parts[0] != "IR" || !detail::is_ccy(parts[1]) || parts[2].empty()) return std::nullopt;
      return is_specified_rate_currency(parts[1], domestic) ? 10 : 20;
    case risk_class::equity:
      if (parts[0] != "EQ" || parts[1].empty()) return std::nullopt;
      if (parts[2] == "SPOT") return 10;
      if (parts[2] == "VOL") return 20;
      if (parts[2] == "DIV") return 60;
      return std::nullopt;
    case risk_class::fx: {
      if (parts[0] != "FX" || parts[1].size() != 6) return std::nullopt;
      const auto c1 = parts[1].substr(0, 3), c2 = parts[1].substr(3);
      if (!detail::is_ccy(c1) || !detail::is_ccy(c2)) return std::nullopt;
      if (parts[2] == "SPOT") return is_specified_fx_pair(c1, c2) ? 10 : 20;
      if (parts[2] == "VOL") return 40;
      return std::nullopt;
    }
    case risk_class::credit:
    case risk_class::commodity: return std::nullopt;
  }
  return std::nullopt;
}

// --- expected shortfall on P&L samples ------------------------------------------------------

/// ES at `alpha` of the P&L sample `pnl` (losses = −P&L; scenario k of the sample is
/// pnl[k]) by risk::var_es, DESIGN.md §4's exact estimator. Throws model_error naming the
/// sample position of a non-finite P&L, riskgrid::error on an empty sample.
/// O(n log k) with k = floor(n·(1 − α)) + 1.
[[nodiscard]] inline double expected_shortfall(std::span<const double> pnl, const confidence& alpha) {
  if (pnl.empty()) throw error("expected_shortfall: empty P&L sample");
  for (std::size_t i = 0; i < pnl.size(); ++i)
    if (!std::isfinite(pnl[i]))
      throw model_error("P&L of scenario " + std::to_string(i) + " is not finite: " + to_shortest(pnl[i]));
  const auto k = static_cast<std::size_t>(alpha.tail(pnl.size()).var_rank());
  std::vector<tail_entry> losses(pnl.size()), tail(k);
  for (std::size_t i = 0; i < pnl.size(); ++i) losses[i] = {-pnl[i], i};
  std::partial_sort_copy(losses.begin(), losses.end(), tail.begin(), tail.end(), worse);
  return var_es(tail, pnl.size(), alpha).es;
}

/// ES of every window of `window` consecutive scenarios of `pnl`: element w is the ES of
/// pnl[w, w + window), for w in [0, pnl.size() − window]. Scenarios keep their index in
/// `pnl` for the tie order, which does not change an ES. Throws riskgrid::error unless
/// 1 ≤ window ≤ pnl.size(); model_error on a non-finite P&L. O(n·window·log k).
[[nodiscard]] inline std::vector<double> sliding_expected_shortfall(std::span<const double> pnl, std::size_t window,
                                                                    const confidence& alpha) {
  if (window == 0 || window > pnl.size())
    throw error("sliding_expected_shortfall: window of " + std::to_string(window) + " scenarios over " +
                std::to_string(pnl.size()));
  for (std::size_t i = 0; i < pnl.size(); ++i)
    if (!std::isfinite(pnl[i]))
      throw model_error("P&L of scenario " + std::to_string(i) + " is not finite: " + to_shortest(pnl[i]));
  const auto k = static_cast<std::size_t>(alpha.tail(window).var_rank());
  std::vector<tail_entry> losses(pnl.size()), tail(k);
  for (std::size_t i = 0; i < pnl.size(); ++i) losses[i] = {-pnl[i], i};
  std::vector<double> out(pnl.size() - window + 1);
  for (std::size_t w = 0; w < out.size(); ++w) {
    const auto first = losses.begin() + static_cast<std::ptrdiff_t>(w);
    std::partial_sort_copy(first, first + static_cast<std::ptrdiff_t>(window), tail.begin(), tail.end(), worse);
    out[w] = var_es(tail, window, alpha).es;
  }
  return out;
}

// --- liquidity-horizon cascade (MAR33.4) ------------------------------------------------------

/// One term of the cascade: ES_T(P, j) and its weight sqrt((LH_j − LH_{j−1})/T), LH_0 = 0.
struct cascade_term {
  int liquidity_horizon = 10;
  double es = 0.0;     ///< ES_T(P, j): only factors with LH ≥ LH_j shocked
  double scale = 1.0;  ///< sqrt((LH_j − LH_{j−1}) / T)
  double term = 0.0;   ///< es · scale
};

/// The liquidity-adjusted ES and the terms it is made of.
struct liquidity_adjusted_es {
  std::array<cascade_term, horizon_count> terms{};
  double es = 0.0;  ///< sqrt(Σ_j term_j²)
};

/// sqrt((LH_j − LH_{j−1}) / T) for j = 0..4 (LH_0 = 0): 1, 1, √2, √2, √6.
[[nodiscard]] inline double cascade_scale(std::size_t j) {
  const int previous = j == 0 ? 0 : liquidity_horizons[j - 1];
  return std::sqrt(static_cast<double>(liquidity_horizons[j] - previous) / static_cast<double>(base_horizon));
}

/// ES = sqrt( ES_T(P)² + Σ_{j≥2} ( ES_T(P, j) · sqrt((LH_j − LH_{j−1})/T) )² ) (MAR33.4),
/// from es_by_horizon[j] = ES_T(P, j + 1); squares summed in ascending j.
/// E.g. ES 10, 8, 6, 4, 2 give sqrt(100 + 64 + 72 + 32 + 24) = sqrt(292).
[[nodiscard]] inline liquidity_adjusted_es liquidity_adjust(std::span<const double, horizon_count> es_by_horizon) {
  liquidity_adjusted_es out;
  double squares = 0.0;
  for (std::size_t j = 0; j < horizon_count; ++j) {
    auto& t = out.terms[j];
    t.liquidity_horizon = liquidity_horizons[j];
    t.es = es_by_horizon[j];
    t.scale = cascade_scale(j);
    t.term = t.es * t.scale;
    squares += t.term * t.term;
  }
  out.es = std::sqrt(squares);
  return out;
}

/// The cascade over P&L samples: pnl_by_horizon[j] is the P&L with the factors of LH ≥
/// LH_{j+1} shocked; an empty span stands for no such factor (ES 0).
[[nodiscard]] inline liquidity_adjusted_es liquidity_adjusted(
    const std::array<std::span<const double>, horizon_count>& pnl_by_horizon, const confidence& alpha) {
  std::array<double, horizon_count> es{};
  for (std::size_t j = 0; j < horizon_count; ++j)
    es[j] = pnl_by_horizon[j].empty() ? 0.0 : expected_shortfall(pnl_by_horizon[j], alpha);
  return liquidity_adjust(es);
}

// --- stressed calibration (MAR33.5) -------------------------------------------------------------

/// ES = ES_R,S · max(ES_F,C / ES_R,C, 1) and the reduced-set check.
struct stressed_es {
  double es_rs = 0.0;  ///< reduced set, stress window (liquidity-adjusted)
  double es_fc = 0.0;  ///< full set, current window
  double es_rc = 0.0;  ///< reduced set, current window
  double ratio = 1.0;  ///< max(ES_F,C / ES_R,C, 1)
  double es = 0.0;     ///< ES_R,S · ratio
  /// ES_R,C / ES_F,C; nullopt when ES_F,C ≤ 0 (no loss to explain).
  std::optional<double> explained;
  /// explained ≥ 0.75 (MAR33.5(2)(a)); true when there is nothing to explain.
  bool reduced_set_ok = true;
};

/// The stress calibration of one scope (the whole book or one risk class).
/// Floor: the ratio is at least 1. When ES_R,C ≤ 0 the quotient means nothing: the ratio
/// is 1 if ES_F,C ≤ 0 too (the full set shows no loss either), and model_error if
/// ES_F,C > 0 (the reduced set explains none of a real loss: no calibration exists).
[[nodiscard]] inline stressed_es stress_calibrate(double es_rs, double es_fc, double es_rc) {
  stressed_es out;
  out.es_rs = es_rs;
  out.es_fc = es_fc;
  out.es_rc = es_rc;
  if (es_fc > 0.0) {
    out.explained = es_rc / es_fc;
    out.reduced_set_ok = *out.explained >= reduced_set_minimum;
  }
  if (es_rc > 0.0) {
    out.ratio = std::max(es_fc / es_rc, 1.0);
  } else if (es_fc > 0.0) {
    throw model_error("the reduced set shows no loss in the current window (ES_R,C = " + to_shortest(es_rc) +
                      ") while the full set does (ES_F,C = " + to_shortest(es_fc) +
                      "): ES_F,C / ES_R,C is undefined");
  }
  out.es = es_rs * out.ratio;
  return out;
}

// --- IMCC (MAR33.6) -------------------------------------------------------------------------------

struct imcc_result {
  double unconstrained = 0.0;    ///< IMCC(C): all risk classes shocked together
  double constrained_sum = 0.0;  ///< Σ_i IMCC(C_i), classes in the order given
  double imcc = 0.0;             ///< ρ·IMCC(C) + (1 − ρ)·Σ_i IMCC(C_i), ρ = 0.5
};

[[nodiscard]] inline imcc_result imcc(double unconstrained, std::span<const double> constrained) {
  imcc_result out;
  out.unconstrained = unconstrained;
  for (const double c : constrained) out.constrained_sum += c;
  out.imcc = imcc_rho * unconstrained + (1.0 - imcc_rho) * out.constrained_sum;
  return out;
}

// --- stress scenarios of non-modellable factors (MAR33.16–17) ---------------------------------------

struct ses_result {
  double idiosyncratic = 0.0;  ///< sqrt(Σ_i ISES_i²): zero correlation
  double correlated = 0.0;     ///< sqrt((ρ·Σ_j SES_j)² + (1 − ρ²)·Σ_j SES_j²), ρ = 0.6
  double ses = 0.0;            ///< their sum
};

/// SES = sqrt(Σ_i ISES_i²) + sqrt((ρ·Σ_j SES_j)² + (1 − ρ²)·Σ_j SES_j²) (MAR33.17), sums
/// in the order given. Each stress scenario is a capital charge, so it is ≥ 0 (callers
/// floor a gain at 0); throws riskgrid::error on a negative or non-finite one.
[[nodiscard]] inline ses_result aggregate_ses(std::span<const double> idiosyncratic, std::span<const double> others) {
  const auto check = [](double x) {
    if (!(x >= 0.0) || !std::isfinite(x))
      throw error("aggregate_ses: a stress scenario charge must be finite and non-negative, got " + to_shortest(x));
  };
  ses_result out;
  double squares = 0.0;
  for (const double x : idiosyncratic) {
    check(x);
    squares += x * x;
  }
  out.idiosyncratic = std::sqrt(squares);
  double sum = 0.0;
  squares = 0.0;
  for (const double x : others) {
    check(x);
    sum += x;
    squares += x * x;
  }
  out.correlated = std::sqrt((ses_rho * sum) * (ses_rho * sum) + (1.0 - ses_rho * ses_rho) * squares);
  out.ses = out.idiosyncratic + out.correlated;
  return out;
}

// --- stress-window search (MAR33.5(2)(c)) --------------------------------------------------------

/// The first index of the largest value, ties included: the earliest w whose value is
/// within `window_tie_tolerance` (relative) of the maximum, i.e.
/// value[w] ≥ max − 1e-9·|max|. Throws riskgrid::error on an empty or non-finite series.
[[nodiscard]] inline std::size_t worst_window(std::span<const double> es_by_window) {
  if (es_by_window.empty()) throw error("worst_window: no window");
  double top = es_by_window[0];
  for (const double x : es_by_window) {
    if (!std::isfinite(x)) throw error("worst_window: non-finite ES " + to_shortest(x));
    top = std::max(top, x);
  }
  const double bar = top - window_tie_tolerance * std::abs(top);
  for (std::size_t w = 0; w < es_by_window.size(); ++w)
    if (es_by_window[w] >= bar) return w;
  return 0;  // unreachable: top itself clears the bar
}

struct stress_window {
  std::size_t first = 0;  ///< window index = its first scenario = its first history row
  double es = 0.0;        ///< its liquidity-adjusted ES
  liquidity_adjusted_es terms;
  std::vector<double> es_by_window;  ///< liquidity-adjusted ES of every window
};

/// The stress-window search: pnl_by_horizon[j] holds the P&L of the `scenarios`
/// overlapping h-day scenarios of a long history (scenario i = rows i … i + h − 1) with
/// the factors of LH ≥ LH_{j+1} shocked (an empty span: no such factor, ES 0); a window of
/// `window_scenarios` consecutive scenarios (250 rows at h = 10: 241) is scored by its
/// liquidity-adjusted ES, and the worst one wins, the earliest among ties (worst_window).
/// Window w holds scenarios [w, w + window_scenarios), i.e. history rows
/// [w, w + window_scenarios + h − 1). Every P&L vector is computed once over the whole
/// history and the window slides over it. Throws riskgrid::error when a non-empty span
/// does not hold `scenarios` P&L or a window does not fit (1 ≤ window_scenarios ≤
/// scenarios).
[[nodiscard]] inline stress_window find_stress_window(
    const std::array<std::span<const double>, horizon_count>& pnl_by_horizon, std::size_t scenarios,
    std::size_t window_scenarios, const confidence& alpha) {
  const std::size_t n = scenarios;
  for (const auto& p : pnl_by_horizon)
    if (!p.empty() && p.size() != n)
      throw error("find_stress_window: a P&L vector of " + std::to_string(p.size()) + " scenarios, expected " +
                  std::to_string(n));
  if (window_scenarios == 0 || window_scenarios > n)
    throw error("find_stress_window: window of " + std::to_string(window_scenarios) + " scenarios over " +
                std::to_string(n));
  const auto windows = n - window_scenarios + 1;
  std::array<std::vector<double>, horizon_count> es;
  for (std::size_t j = 0; j < horizon_count; ++j)
    es[j] = pnl_by_horizon[j].empty() ? std::vector<double>(windows, 0.0)
                                      : sliding_expected_shortfall(pnl_by_horizon[j], window_scenarios, alpha);
  stress_window out;
  out.es_by_window.resize(windows);
  for (std::size_t w = 0; w < windows; ++w) {
    const std::array<double, horizon_count> at{es[0][w], es[1][w], es[2][w], es[3][w], es[4][w]};
    out.es_by_window[w] = liquidity_adjust(at).es;
  }
  out.first = worst_window(out.es_by_window);
  out.es = out.es_by_window[out.first];
  const std::array<double, horizon_count> at{es[0][out.first], es[1][out.first], es[2][out.first],
                                             es[3][out.first], es[4][out.first]};
  out.terms = liquidity_adjust(at);
  return out;
}

}  // namespace riskgrid::risk::frtb
