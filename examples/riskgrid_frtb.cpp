// riskgrid-frtb: FRTB internal models approach (Basel MAR33) for a portfolio, by full
// revaluation under historical 10-day overlapping shocks.
//
// It loads the portfolio, the market, factors.csv and two histories of daily shocks: the
// current one (its latest 250 rows are the current window C) and a long one, searched for
// the stress window S. For every scope (the whole book, then each risk class alone) it
// computes the liquidity-horizon cascade of ES at 97.5% for the full set F and the reduced
// set R of modellable factors on C and for R on S, calibrates ES = ES_R,S·max(ES_F,C /
// ES_R,C, 1), and combines IMCC = 0.5·ES(all) + 0.5·Σ ES(class). Non-modellable factors
// are left out of the ES; each gets a stress scenario, aggregated into the SES
// (MAR33.16–17). The formulas live in riskgrid/risk/frtb.hpp; this program only decides
// which factors each P&L vector shocks and revalues the book once per (subset, history).
//
// Exit status: 0 ok, 2 bad input or option (one line `error: ...`, no output file),
// 3 internal error.

#include <algorithm>
#include <array>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <exception>
#include <iostream>
#include <map>
#include <optional>
#include <span>
#include <sstream>
#include <string>
#include <utility>
#include <vector>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"

// Only what it uses: not the Monte Carlo models (Eigen).
#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/factors_csv.hpp"
#include "riskgrid/io/history_csv.hpp"
#include "riskgrid/io/market_csv.hpp"
#include "riskgrid/io/portfolio_csv.hpp"
#include "riskgrid/io/results_json.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/risk/frtb.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/shock_block.hpp"
#include "riskgrid/scenario/subset_historical_model.hpp"
#include "riskgrid/version.hpp"

namespace {

using riskgrid_cli::exit_bad_input;
using riskgrid_cli::exit_internal;
using riskgrid_cli::grouped;
using riskgrid_cli::option_error;

namespace frtb = riskgrid::risk::frtb;
namespace rs = riskgrid::scenario;
using json = nlohmann::ordered_json;

struct options {
  std::string portfolio, market, as_of, factors, current_history, stress_history, out, base_ccy = "USD";
  bool quiet = false;
};

/// A loaded history and where its header is, for errors that point at a column.
struct loaded_history {
  std::string path;
  std::size_t header_line = 0;
  rs::history h;
};

loaded_history read_history(const std::string& path) {
  const auto table = riskgrid::io::csv_table::read_file(path, riskgrid::io::header_case::sensitive);
  return {path, table.header_line(), riskgrid::io::load_history(table)};
}

struct inputs {
  riskgrid::market::base_market market;
  frtb::factor_table factors;
  loaded_history current, stress;
  rs::factor_set layout;  // current history's factors, then the stress history's others
  std::optional<riskgrid::portfolio::book> book;
};

// Everything that can fail on bad input, before any computation.
void load(const options& o, inputs& in) {
  const auto as_of = riskgrid::parse_iso_date(o.as_of);
  if (!as_of) throw riskgrid::input_error("--as-of", "expected a date YYYY-MM-DD, got '" + o.as_of + "'");
  if (!riskgrid::market::is_currency_code(o.base_ccy))
    throw riskgrid::input_error("--base-ccy", "expected three upper-case letters, got '" + o.base_ccy + "'");
  in.market = riskgrid::io::load_market(o.market);
  in.factors = riskgrid::io::load_factors(o.factors, {.domestic_currency = o.base_ccy});
  in.current = read_history(o.current_history);
  in.stress = o.stress_history == o.current_history ? in.current : read_history(o.stress_history);
  for (const auto* l : {&in.current, &in.stress}) {
    if (l->h.rows() < frtb::window_rows)
      throw riskgrid::input_error(l->path, std::to_string(l->h.rows()) + " rows of shocks, FRTB needs at least " +
                                               std::to_string(frtb::window_rows) + " (one 250-day window)");
    for (std::size_t f = 0; f < l->h.factors.size(); ++f)
      if (in.factors.find(l->h.factors.name(f)) == nullptr)
        throw riskgrid::input_error(l->path, l->header_line, f + 2,
                                    "factor '" + l->h.factors.name(f) + "' is not classified in " + o.factors);
  }
  // The long history must hold the reduced set (DESIGN.md §6): every reduced-set factor the
  // current window shocks must be shocked in the stress window too.
  for (const auto& f : in.factors.entries())
    if (f.reduced_set && in.current.h.factors.find(f.name) && !in.stress.h.factors.find(f.name))
      throw riskgrid::input_error(in.stress.path, in.stress.header_line, 0,
                                  "no column for reduced-set factor '" + f.name +
                                      "' (the current history has one): the stress history must hold the reduced set");
  auto names = in.current.h.factors.names();
  for (const auto& n : in.stress.h.factors.names())
    if (!in.current.h.factors.find(n)) names.push_back(n);
  in.layout = rs::factor_set(std::move(names));
  riskgrid::portfolio::book_options book_options;
  book_options.base_currency = o.base_ccy;
  book_options.as_of = *as_of;
  const auto trades = riskgrid::io::load_portfolio(o.portfolio);
  in.book.emplace(trades, in.market, in.layout, book_options);
}

/// P&L of every scenario of `model` (blocks of 256, in order).
std::vector<double> revalue_all(const rs::subset_historical_model& model, const riskgrid::portfolio::book& book) {
  const auto n = model.scenario_count();
  std::vector<double> pnl(n, 0.0);
  const std::size_t capacity = std::min<std::size_t>(256, n);
  rs::shock_block block(model.factors().size(), capacity);
  for (std::size_t first = 0; first < n; first += capacity) {
    const riskgrid::scenario_range range{first, std::min(capacity, n - first)};
    model.generate(range, block);
    book.revalue(block, std::span<double>(pnl.data() + first, range.count));
  }
  return pnl;
}

/// Revalues each distinct (history, shocked subset) once. A subset with no shocked factor
/// has no P&L vector (an empty span): its ES is 0 by definition.
class pnl_store {
 public:
  explicit pnl_store(const riskgrid::portfolio::book& book) : book_(&book) {}
  std::span<const double> get(int model_id, const rs::subset_historical_model& model) {
    if (model.shocked_count() == 0) return {};
    auto key = std::make_pair(model_id, model.shocked_flags());
    auto it = store_.find(key);
    if (it == store_.end()) it = store_.emplace(std::move(key), revalue_all(model, *book_)).first;
    return it->second;
  }
  [[nodiscard]] std::size_t revaluations() const noexcept {
    std::size_t n = 0;
    for (const auto& [key, pnl] : store_) n += pnl.size();
    return n;
  }

 private:
  const riskgrid::portfolio::book* book_;
  std::map<std::pair<int, std::vector<bool>>, std::vector<double>> store_;
};

struct scope_result {
  std::string name;
  std::optional<frtb::risk_class> cls;
  frtb::liquidity_adjusted_es fc, rc, rs;
  frtb::stressed_es calibrated;
};

struct nmrf_result {
  const frtb::factor_class* factor = nullptr;
  int horizon = 20;
  std::string source;  // "stress", "current" or "" (no history column)
  std::size_t scenarios = 0, window_scenarios = 0, first_row = 0;
  std::string start_date, end_date;
  double es = 0.0, ses = 0.0;
};

struct results {
  std::size_t stress_first = 0, windows_searched = 0;
  std::vector<double> es_by_window;  // liquidity-adjusted reduced-set ES of every window
  std::string stress_start, stress_end, current_start, current_end;
  std::vector<scope_result> scopes;
  frtb::imcc_result imcc;
  std::vector<nmrf_result> nmrfs;
  frtb::ses_result ses;
  std::size_t revaluations = 0;
};

results compute(const options& o, const inputs& in) {
  const auto alpha = frtb::es_confidence();
  const auto& layout = in.layout;
  const auto current_window = rs::last_rows(in.current.h, frtb::window_rows);
  const rs::subset_historical_model current(current_window, {frtb::base_horizon}, layout);
  const rs::subset_historical_model stress(in.stress.h, {frtb::base_horizon}, layout);
  const std::size_t window_scenarios = frtb::window_rows - frtb::base_horizon + 1;  // 241
  pnl_store store(*in.book);
  enum : int { current_id = 0, stress_id = 1 };

  std::vector<const frtb::factor_class*> info(layout.size());
  for (std::size_t f = 0; f < layout.size(); ++f) info[f] = in.factors.find(layout.name(f));
  // The modellable factors of the scope (all classes, or one), of the reduced set or the
  // full set, with a liquidity horizon of at least LH_j.
  const auto subset = [&](std::optional<frtb::risk_class> cls, bool reduced, std::size_t j) {
    std::vector<bool> keep(layout.size());
    for (std::size_t f = 0; f < layout.size(); ++f) {
      const auto& c = *info[f];
      keep[f] = c.modellable && (!reduced || c.reduced_set) && (!cls || c.cls == *cls) &&
                c.liquidity_horizon >= frtb::liquidity_horizons[j];
    }
    return keep;
  };
  using cascade_pnl = std::array<std::span<const double>, frtb::horizon_count>;
  const auto cascade = [&](int id, const rs::subset_historical_model& model, std::optional<frtb::risk_class> cls,
                           bool reduced) {
    cascade_pnl out;
    for (std::size_t j = 0; j < frtb::horizon_count; ++j) out[j] = store.get(id, model.restricted(subset(cls, reduced, j)));
    return out;
  };
  const auto window = [](const cascade_pnl& p, std::size_t first, std::size_t count) {
    cascade_pnl out;
    for (std::size_t j = 0; j < p.size(); ++j) out[j] = p[j].empty() ? p[j] : p[j].subspan(first, count);
    return out;
  };

  results r;
  const auto date_of = [](const rs::history& h, std::size_t row) { return riskgrid::format_iso_date(h.dates[row]); };
  r.current_start = date_of(in.current.h, in.current.h.rows() - frtb::window_rows);
  r.current_end = date_of(in.current.h, in.current.h.rows() - 1);

  // The stress window: the worst liquidity-adjusted reduced-set ES over all 250-row
  // windows of the long history, each P&L vector computed once and the window slid over it.
  const auto search = frtb::find_stress_window(cascade(stress_id, stress, std::nullopt, true), stress.scenario_count(),
                                               window_scenarios, alpha);
  r.stress_first = search.first;
  r.windows_searched = search.es_by_window.size();
  r.es_by_window = search.es_by_window;
  r.stress_start = date_of(in.stress.h, search.first);
  r.stress_end = date_of(in.stress.h, search.first + frtb::window_rows - 1);

  std::vector<std::pair<std::string, std::optional<frtb::risk_class>>> scopes{{"all", std::nullopt}};
  for (const auto cls : frtb::risk_classes)
    if (std::any_of(in.factors.entries().begin(), in.factors.entries().end(),
                    [&](const frtb::factor_class& f) { return f.modellable && f.cls == cls; }))
      scopes.emplace_back(std::string(frtb::to_string(cls)), cls);
  for (const auto& [name, cls] : scopes) {
    scope_result s{name, cls, {}, {}, {}, {}};
    s.fc = frtb::liquidity_adjusted(cascade(current_id, current, cls, false), alpha);
    s.rc = frtb::liquidity_adjusted(cascade(current_id, current, cls, true), alpha);
    s.rs = frtb::liquidity_adjusted(window(cascade(stress_id, stress, cls, true), search.first, window_scenarios), alpha);
    try {
      s.calibrated = frtb::stress_calibrate(s.rs.es, s.fc.es, s.rc.es);
    } catch (const riskgrid::model_error& e) {
      throw riskgrid::input_error(o.factors, "scope " + name + ": " + e.what());
    }
    r.scopes.push_back(std::move(s));
  }
  std::vector<double> constrained;
  for (std::size_t i = 1; i < r.scopes.size(); ++i) constrained.push_back(r.scopes[i].calibrated.es);
  r.imcc = frtb::imcc(r.scopes[0].calibrated.es, constrained);

  // Non-modellable factors: the factor alone, shocked by its overlapping max(LH, 20)-day
  // moves; its stress scenario is the ES at 97.5% of that P&L over its own worst 250-row
  // window of the long history (the current history if the long one lacks it), floored at 0.
  std::vector<double> idiosyncratic, others;
  int next_id = 2;
  for (const auto& f : in.factors.entries()) {
    if (f.modellable) continue;
    nmrf_result n;
    n.factor = &f;
    n.horizon = frtb::ses_horizon(f.liquidity_horizon);
    const loaded_history* source = in.stress.h.factors.find(f.name) ? &in.stress
                                   : in.current.h.factors.find(f.name) ? &in.current
                                                                        : nullptr;
    if (source != nullptr) {
      n.source = source == &in.stress ? "stress" : "current";
      std::vector<bool> keep(layout.size(), false);
      keep[*layout.find(f.name)] = true;
      const auto model = rs::subset_historical_model(source->h, {n.horizon}, layout).restricted(keep);
      const auto pnl = store.get(next_id++, model);
      n.scenarios = model.scenario_count();
      n.window_scenarios = frtb::window_rows - static_cast<std::size_t>(n.horizon) + 1;
      if (!pnl.empty()) {
        const auto es = frtb::sliding_expected_shortfall(pnl, n.window_scenarios, alpha);
        n.first_row = frtb::worst_window(es);
        n.es = es[n.first_row];
      }
      n.start_date = date_of(source->h, n.first_row);
      n.end_date = date_of(source->h, n.first_row + frtb::window_rows - 1);
      n.ses = std::max(n.es, 0.0);
    }
    (f.idiosyncratic ? idiosyncratic : others).push_back(n.ses);
    r.nmrfs.push_back(std::move(n));
  }
  r.ses = frtb::aggregate_ses(idiosyncratic, others);
  r.revaluations = store.revaluations();
  return r;
}

json cascade_json(const frtb::liquidity_adjusted_es& c) {
  json terms = json::array();
  for (const auto& t : c.terms)
    terms.push_back({{"liquidity_horizon", t.liquidity_horizon}, {"es", t.es}, {"scale", t.scale}, {"term", t.term}});
  return {{"es", c.es}, {"terms", terms}};
}

json to_json(const options& o, const inputs& in, const results& r) {
  json j;
  j["version"] = RISKGRID_VERSION_STRING;
  j["as_of"] = o.as_of;
  j["base_currency"] = o.base_ccy;
  j["confidence"] = frtb::es_confidence().value();
  j["horizon_days"] = frtb::base_horizon;
  j["window_rows"] = frtb::window_rows;
  j["base_value"] = in.book->base_value();
  j["trades"] = in.book->size();
  j["current_window"] = {{"start_date", r.current_start},
                         {"end_date", r.current_end},
                         {"rows", frtb::window_rows},
                         {"scenarios", frtb::window_rows - frtb::base_horizon + 1}};
  j["stress_window"] = {{"start_date", r.stress_start},
                        {"end_date", r.stress_end},
                        {"first_row", r.stress_first},
                        {"rows", frtb::window_rows},
                        {"scenarios", frtb::window_rows - frtb::base_horizon + 1},
                        {"windows_searched", r.windows_searched},
                        {"history_rows", in.stress.h.rows()},
                        {"es_rs", r.es_by_window[r.stress_first]},
                        {"es_by_window", r.es_by_window}};
  j["imcc"] = r.imcc.imcc;
  j["unconstrained_es"] = r.imcc.unconstrained;
  j["constrained_es_sum"] = r.imcc.constrained_sum;
  j["ses"] = r.ses.ses;
  j["total"] = r.imcc.imcc + r.ses.ses;
  const auto& all = r.scopes.front().calibrated;
  j["reduced_set_check"] = {{"minimum", frtb::reduced_set_minimum},
                            {"explained", all.explained ? json(*all.explained) : json()},
                            {"passed", all.reduced_set_ok}};
  auto& scopes = j["scopes"] = json::object();
  for (const auto& s : r.scopes) {
    const auto& c = s.calibrated;
    scopes[s.name] = {{"es_fc", c.es_fc},
                      {"es_rc", c.es_rc},
                      {"es_rs", c.es_rs},
                      {"ratio", c.ratio},
                      {"es", c.es},
                      {"reduced_set_explained", c.explained ? json(*c.explained) : json()},
                      {"reduced_set_check_passed", c.reduced_set_ok},
                      {"cascade", {{"fc", cascade_json(s.fc)}, {"rc", cascade_json(s.rc)}, {"rs", cascade_json(s.rs)}}}};
  }
  json factors = json::object();
  for (const auto& n : r.nmrfs) {
    const bool shocked = !n.source.empty();
    factors[n.factor->name] = {{"risk_class", std::string(frtb::to_string(n.factor->cls))},
                               {"liquidity_horizon", n.factor->liquidity_horizon},
                               {"horizon_days", n.horizon},
                               {"idiosyncratic", n.factor->idiosyncratic},
                               {"history", shocked ? json(n.source) : json()},
                               {"start_date", shocked ? json(n.start_date) : json()},
                               {"end_date", shocked ? json(n.end_date) : json()},
                               {"scenarios", n.window_scenarios},
                               {"es", n.es},
                               {"ses", n.ses}};
  }
  j["ses_detail"] = {{"rho", frtb::ses_rho},
                     {"idiosyncratic", r.ses.idiosyncratic},
                     {"correlated", r.ses.correlated},
                     {"factors", factors}};
  return j;
}

void print(const options& o, const inputs& in, const results& r, double seconds) {
  const auto pct = [](double x) {
    char b[32];
    std::snprintf(b, sizeof b, "%.1f%%", 100.0 * x);
    return std::string(b);
  };
  std::printf("riskgrid-frtb %s: FRTB internal models approach (MAR33), ES 97.5%% on 10-day overlapping shocks\n",
              riskgrid::version_string);
  std::printf("portfolio: %zu trades, base value %s %s, as of %s\n", in.book->size(),
              grouped(in.book->base_value()).c_str(), o.base_ccy.c_str(), o.as_of.c_str());
  std::printf("current window C: %s .. %s (last %zu of %zu rows of %s, %zu scenarios)\n", r.current_start.c_str(),
              r.current_end.c_str(), frtb::window_rows, in.current.h.rows(), in.current.path.c_str(),
              frtb::window_rows - frtb::base_horizon + 1);
  std::printf("stress window S:  %s .. %s (rows %zu-%zu of %zu of %s, worst of %zu windows by reduced-set ES)\n\n",
              r.stress_start.c_str(), r.stress_end.c_str(), r.stress_first + 1, r.stress_first + frtb::window_rows,
              in.stress.h.rows(), in.stress.path.c_str(), r.windows_searched);

  std::printf("Liquidity-horizon cascade: ES_T(P,j) with only the factors of LH >= LH_j shocked, weights\n"
              "sqrt((LH_j - LH_j-1)/10) = 1, 1, 1.414, 1.414, 2.449; ES = sqrt(sum of squared weighted terms)\n");
  std::printf("%-10s %-4s", "scope", "set");
  for (const int lh : frtb::liquidity_horizons) std::printf(" %15s", ("LH " + std::to_string(lh)).c_str());
  std::printf(" %16s\n", "adjusted ES");
  for (const auto& s : r.scopes)
    for (const auto& [label, c] : {std::pair{"F,C", &s.fc}, std::pair{"R,C", &s.rc}, std::pair{"R,S", &s.rs}}) {
      std::printf("%-10s %-4s", s.name.c_str(), label);
      for (const auto& t : c->terms) std::printf(" %15s", grouped(t.es).c_str());
      std::printf(" %16s\n", grouped(c->es).c_str());
    }

  std::printf("\nStress calibration: ES = ES_R,S * max(ES_F,C / ES_R,C, 1); reduced set must explain >= 75%% of ES_F,C\n");
  std::printf("%-10s %16s %16s %9s %16s %9s %16s\n", "scope", "ES_F,C", "ES_R,C", "R,C/F,C", "ES_R,S", "ratio", "ES");
  for (const auto& s : r.scopes) {
    const auto& c = s.calibrated;
    std::printf("%-10s %16s %16s %9s %16s %9.4f %16s%s\n", s.name.c_str(), grouped(c.es_fc).c_str(),
                grouped(c.es_rc).c_str(), c.explained ? pct(*c.explained).c_str() : "-", grouped(c.es_rs).c_str(),
                c.ratio, grouped(c.es).c_str(), c.reduced_set_ok ? "" : "  (below 75%)");
  }
  std::printf("\nIMCC = 0.5 * %s (unconstrained) + 0.5 * %s (sum of constrained) = %s\n",
              grouped(r.imcc.unconstrained).c_str(), grouped(r.imcc.constrained_sum).c_str(),
              grouped(r.imcc.imcc).c_str());

  std::printf("\nNon-modellable factors: ES 97.5%% of the factor's own max(LH,20)-day shocks over its worst 250-row window\n");
  std::printf("%-18s %-10s %4s %4s %-5s %-25s %16s\n", "factor", "class", "LH", "h", "idio", "window", "SES");
  for (const auto& n : r.nmrfs)
    std::printf("%-18s %-10s %4d %4d %-5s %-25s %16s\n", n.factor->name.c_str(),
                std::string(frtb::to_string(n.factor->cls)).c_str(), n.factor->liquidity_horizon, n.horizon,
                n.factor->idiosyncratic ? "yes" : "no",
                n.source.empty() ? "(no history)" : (n.start_date + " .. " + n.end_date).c_str(),
                grouped(n.ses).c_str());
  std::printf("SES = sqrt(sum ISES^2) + sqrt((0.6 sum SES)^2 + 0.64 sum SES^2) = %s + %s = %s\n",
              grouped(r.ses.idiosyncratic).c_str(), grouped(r.ses.correlated).c_str(), grouped(r.ses.ses).c_str());
  std::printf("\nIMCC + SES = %s %s\n", grouped(r.imcc.imcc + r.ses.ses).c_str(), o.base_ccy.c_str());
  std::printf("\n%.3f s, %zu scenario revaluations of the book%s%s\n", seconds, r.revaluations,
              o.out.empty() ? "" : ", results in ", o.out.c_str());
}

int run(int argc, char** argv) {
  options o;
  CLI::App app{"riskgrid-frtb: FRTB internal models approach capital (Basel MAR33; DESIGN.md §4)", "riskgrid-frtb"};
  app.add_option("--portfolio", o.portfolio, "portfolio.csv")->required();
  app.add_option("--market", o.market, "market.csv")->required();
  app.add_option("--as-of", o.as_of, "valuation date YYYY-MM-DD")->required();
  app.add_option("--factors", o.factors, "factors.csv: risk class, liquidity horizon, modellable, reduced set")
      ->required();
  app.add_option("--current-history", o.current_history, "history.csv whose latest 250 rows are the current window")
      ->required();
  app.add_option("--stress-history", o.stress_history, "long history.csv searched for the stress window")->required();
  app.add_option("--base-ccy", o.base_ccy, "base currency")->capture_default_str();
  app.add_option("--out", o.out, "results JSON file");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  app.set_version_flag("--version", riskgrid::version_string);
  if (const auto stop = riskgrid_cli::parse_command_line(app, argc, argv)) return *stop;

  inputs in;
  results r;
  const auto start = std::chrono::steady_clock::now();
  try {
    load(o, in);
    r = compute(o, in);
  } catch (const riskgrid::input_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_bad_input;
  } catch (const riskgrid::model_error& e) {
    // A P&L that is not finite: the portfolio's values under the shocks.
    std::cerr << "error: " << o.portfolio << ": " << e.what() << '\n';
    return exit_bad_input;
  }
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  if (!o.out.empty()) {
    try {
      riskgrid::io::write_file_atomic(o.out, to_json(o, in, r).dump(2) + "\n");
    } catch (const riskgrid::error& e) {
      std::cerr << "error: " << e.what() << '\n';
      return exit_bad_input;
    }
  }
  if (o.quiet) return 0;
  for (const auto& f : in.book->unshocked_factors())
    std::cerr << "note: " << f << " has no column in either history: not shocked\n";
  if (r.current_end > o.as_of)  // ISO dates order as strings
    std::cerr << "warning: the current history ends on " << r.current_end << ", after the as-of date " << o.as_of
              << '\n';
  for (const auto& s : r.scopes)
    if (!s.calibrated.reduced_set_ok) {
      char share[32];
      std::snprintf(share, sizeof share, "%.1f%%", 100.0 * *s.calibrated.explained);
      std::cerr << "warning: scope " << s.name << ": the reduced set explains " << share
                << " of the full-set ES in the current window (ES_R,C / ES_F,C = "
                << riskgrid::to_shortest(*s.calibrated.explained) << "), below the 75% of MAR33.5(2)(a)\n";
    }
  for (const auto& n : r.nmrfs)
    if (n.source.empty())
      std::cerr << "note: non-modellable factor " << n.factor->name << " has no history column: no stress scenario, SES 0\n";
  print(o, in, r, seconds);
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << '\n';
    return exit_internal;
  }
}
