// riskgrid-var: Monte Carlo VaR and ES of a portfolio, on one core or under mpirun.
//
// Every rank loads and validates the inputs (so all ranks fail alike, before the first
// collective), the executor runs the pipeline (exec::threads when run alone with
// --threads > 1, else exec::mpi with --schedule), rank 0 prints the table and writes the
// JSON atomically. Exit status: 0 ok, 2 bad input or option, 3 internal error.

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <exception>
#include <filesystem>
#include <iostream>
#include <cmath>
#include <optional>
#include <variant>
#include <sstream>
#include <string>
#include <vector>

#include <unistd.h>

#include <CLI/CLI.hpp>
#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>
#include <xsimd/xsimd.hpp>

#include "riskgrid/exec/attribution_job.hpp"
#include "riskgrid/exec/checkpoint.hpp"
#include "riskgrid/exec/elastic.hpp"
#include "riskgrid/exec/incremental_job.hpp"
#include "riskgrid/exec/mpi.hpp"
#include "riskgrid/exec/progress.hpp"
#include "riskgrid/exec/tail_pnl_job.hpp"
#include "riskgrid/riskgrid.hpp"

#include "cli_support.hpp"

namespace {

using riskgrid_cli::exit_bad_input;
using riskgrid_cli::exit_internal;
using riskgrid_cli::grouped;
using riskgrid_cli::option_error;
constexpr unsigned max_threads = 1024;

struct options {
  std::string portfolio, market, covariance, history, as_of, base_ccy = "USD", confidence = "0.99,0.975";
  std::string out, model = "gaussian", schedule = "static";
  std::uint64_t scenarios = 100000, seed = 42, chunk_size = 8192;
  unsigned threads = 0;  // 0: not given (all cores alone, 1 per rank under mpirun)
  int horizon_days = 1;
  double dof = 5.0, lambda = 0.94;
  bool sobol = false, antithetic = false;
  bool repair_correlation = false;  // --repair-correlation: nearest correlation repair of a non-PSD covariance
  bool quiet = false;
  std::string checkpoint;   // --checkpoint DIR: resumable run
  bool elastic = false;     // --elastic: share DIR with other launches
  double claim_ttl = 300.0;  // --claim-ttl seconds
  std::string attribution = "full";  // --attribution full|components|none
  std::string tail_csv;              // --tail-csv FILE: the worst scenarios by desk
  std::string pla_csv;               // --pla-csv FILE: date, hpl, rtpl per scenario (dated models)
  std::string incremental = "none";  // --incremental none|desks|trades|all|ID,ID,...
  std::string plot;                  // --plot FILE.svg: histogram of the P&L with VaR/ES marked
  double memory_budget = 0.0;        // --memory-budget MB: above it, the multi-pass bounded-memory VaR/ES
};

std::vector<riskgrid::confidence> parse_levels(const std::string& list) {
  std::vector<riskgrid::confidence> levels;
  std::stringstream in(list);
  std::string item;
  while (std::getline(in, item, ','))
    levels.push_back(riskgrid::confidence::parse(item, "--confidence"));
  if (levels.empty()) throw riskgrid::input_error("--confidence", "no confidence level given");
  return levels;
}

// --schedule: case-insensitive, `_` and `-` ignored (as enumerations in the inputs).
riskgrid::exec::schedule parse_schedule(const std::string& text) {
  const auto key = riskgrid::portfolio::detail::fold_enum(text);
  if (key == "static") return riskgrid::exec::schedule::static_cyclic;
  if (key == "dynamic") return riskgrid::exec::schedule::dynamic;
  throw riskgrid::input_error("--schedule", "expected static or dynamic, got '" + text + "'");
}

namespace rs = riskgrid::scenario;
using model_variant = std::variant<rs::gaussian_model, rs::student_t_model, rs::historical_model,
                                   rs::filtered_historical_model, rs::bootstrap_model>;

struct job {
  riskgrid::market::base_market market;
  std::optional<model_variant> model;
  std::uint64_t scenarios = 0;
  std::optional<riskgrid::portfolio::book> book;
  std::vector<riskgrid::portfolio::trade> trades;
  riskgrid::portfolio::book_options book_options;
  std::string attribution = "full";  // folded --attribution
  // --incremental: the desks (indices in book.desks()) and trades (book indices) whose
  // incremental VaR/ES the run computes, and the selection's canonical text.
  std::vector<std::size_t> incremental_desks, incremental_trades;
  std::string incremental_key;
  std::vector<riskgrid::confidence> levels;
  riskgrid::exec::schedule schedule = riskgrid::exec::schedule::static_cyclic;
  unsigned threads = 1;
  std::string repair_note;  // what --repair-correlation did, for stderr
};

// --incremental: none, desks (every desk), trades (every trade), all (both), or a
// comma-separated list of trade ids. The keywords are matched like enumerations, so they
// shadow trade ids of the same spelling; list entries are exact, case-sensitive ids.
void parse_incremental(const options& o, job& j) {
  const auto& book = *j.book;
  const auto key = riskgrid::portfolio::detail::fold_enum(o.incremental);
  const bool desks = key == "desks" || key == "all", trades = key == "trades" || key == "all";
  if (key != "none" && j.attribution == "none")
    throw riskgrid::input_error("--incremental", "needs --attribution full or components, got --attribution none");
  if (desks)
    for (std::size_t d = 0; d < book.desks().size(); ++d) j.incremental_desks.push_back(d);
  if (trades)
    for (std::size_t t = 0; t < book.size(); ++t) j.incremental_trades.push_back(t);
  if (key != "none" && !desks && !trades) {
    std::stringstream in(o.incremental);
    std::string id;
    std::vector<bool> listed(book.size(), false);
    while (std::getline(in, id, ',')) {
      const auto first = id.find_first_not_of(" \t"), last = id.find_last_not_of(" \t");
      id = first == std::string::npos ? std::string() : id.substr(first, last - first + 1);
      if (id.empty())
        throw riskgrid::input_error("--incremental", "expected none, desks, trades, all or trade ids separated by commas, got '" +
                                                         o.incremental + "'");
      const auto it = std::find_if(book.trades().begin(), book.trades().end(), [&](const auto& t) { return t.id == id; });
      if (it == book.trades().end())
        throw riskgrid::input_error("--incremental", "no trade '" + id + "' in " + o.portfolio);
      const auto t = static_cast<std::size_t>(it - book.trades().begin());
      if (listed[t]) throw riskgrid::input_error("--incremental", "trade '" + id + "' listed twice");
      listed[t] = true;
      j.incremental_trades.push_back(t);
    }
    if (j.incremental_trades.empty() || o.incremental.back() == ',')
      throw riskgrid::input_error("--incremental", "expected none, desks, trades, all or trade ids separated by commas, got '" +
                                                       o.incremental + "'");
  }
  for (const auto d : j.incremental_desks) j.incremental_key.append("desk ").append(book.desks()[d]).append("\n");
  for (const auto t : j.incremental_trades) j.incremental_key.append("trade ").append(book.trades()[t].id).append("\n");
}

// Everything that can fail on bad input, before any collective.
void load(const options& o, int ranks, bool threads_given, bool scenarios_given, job& j) {
  j.levels = parse_levels(o.confidence);
  if (threads_given && o.threads == 0) throw riskgrid::input_error("--threads", "must be at least 1");
  if (o.threads > max_threads)
    throw riskgrid::input_error("--threads", "at most " + std::to_string(max_threads) + ", got " + std::to_string(o.threads));
  if (ranks > 1 && o.threads > 1)
    throw riskgrid::input_error("--threads", "one thread per rank under mpirun (" + std::to_string(ranks) +
                                                 " ranks), got " + std::to_string(o.threads) +
                                                 ": start one rank per core instead");
  j.threads = threads_given ? o.threads : ranks == 1 ? riskgrid::exec::threads::default_workers() : 1;
  j.threads = std::min(j.threads, max_threads);
  j.schedule = parse_schedule(o.schedule);
  if (o.scenarios == 0) throw riskgrid::input_error("--scenarios", "must be at least 1");
  if (o.dof <= 2.0 || !std::isfinite(o.dof))
    throw riskgrid::input_error("--dof", "must be a finite number greater than 2, got " + riskgrid::to_shortest(o.dof));
  if (o.chunk_size == 0) throw riskgrid::input_error("--chunk-size", "must be at least 1");
  if (o.horizon_days < 1) throw riskgrid::input_error("--horizon-days", "must be at least 1, got " + std::to_string(o.horizon_days));
  if (!riskgrid::parse_iso_date(o.as_of))
    throw riskgrid::input_error("--as-of", "expected a date YYYY-MM-DD, got '" + o.as_of + "'");
  if (!riskgrid::market::is_currency_code(o.base_ccy))
    throw riskgrid::input_error("--base-ccy", "expected three upper-case letters, got '" + o.base_ccy + "'");
  const std::string model = riskgrid::portfolio::detail::fold_enum(o.model);
  const bool monte_carlo = model == "gaussian" || model == "studentt";
  const bool historical = model == "historical" || model == "filteredhistorical" || model == "bootstrap";
  if (!monte_carlo && !historical)
    throw riskgrid::input_error("--model", "expected gaussian, student-t, historical, filtered-historical or bootstrap, got '" + o.model + "'");
  if (o.sobol && model != "gaussian") throw riskgrid::input_error("--sobol", "only with --model gaussian");
  if (o.antithetic && !monte_carlo) throw riskgrid::input_error("--antithetic", "only with --model gaussian or student-t");
  if (o.repair_correlation && !monte_carlo)
    throw riskgrid::input_error("--repair-correlation", "only with --model gaussian or student-t");
  const auto variates = o.antithetic ? rs::variates::antithetic : rs::variates::plain;
  j.market = riskgrid::io::load_market(o.market);
  j.scenarios = o.scenarios;
  if (monte_carlo) {
    if (o.covariance.empty()) throw riskgrid::input_error("--covariance", "required by --model " + o.model);
    auto covariance = riskgrid::io::load_covariance(o.covariance);
    if (o.repair_correlation) {
      try {
        auto repair = rs::repair_covariance(covariance);
        if (repair.repaired) {
          j.repair_note = "note: " + o.covariance + " is not positive semi-definite (smallest eigenvalue " +
                          riskgrid::to_shortest(repair.smallest_eigenvalue) +
                          "); --repair-correlation replaced its correlations by the nearest correlation matrix "
                          "(Higham 2002): Frobenius distance " + riskgrid::to_shortest(repair.correlation_distance) +
                          " in correlation, " + riskgrid::to_shortest(repair.covariance_distance) +
                          " in covariance\n";
          covariance = std::move(repair.covariance);
        }
      } catch (const riskgrid::model_error& e) {
        throw riskgrid::input_error(o.covariance, e.what());
      }
    }
    try {
      if (model == "gaussian")
        j.model.emplace(std::in_place_type<rs::gaussian_model>, covariance,
                        rs::gaussian_options{o.seed, o.horizon_days, variates,
                                             o.sobol ? rs::sequence::sobol : rs::sequence::pseudo_random});
      else
        j.model.emplace(std::in_place_type<rs::student_t_model>, covariance,
                        rs::student_t_options{o.seed, o.horizon_days, o.dof, variates});
    } catch (const riskgrid::model_error& e) {
      throw riskgrid::input_error(o.covariance, e.what());
    } catch (const riskgrid::input_error&) {
      throw;
    } catch (const riskgrid::error& e) {
      throw riskgrid::input_error(model == "studentt" ? "--dof" : "--model", e.what());
    }
  } else {
    if (o.history.empty()) throw riskgrid::input_error("--history", "required by --model " + o.model);
    const auto history = riskgrid::io::load_history(o.history);
    try {
      if (model == "historical") {
        j.model.emplace(std::in_place_type<rs::historical_model>, history, rs::historical_options{o.horizon_days});
        j.scenarios = std::get<rs::historical_model>(*j.model).scenario_count();
      } else if (model == "filteredhistorical") {
        if (!(o.lambda > 0.0 && o.lambda < 1.0))
          throw riskgrid::input_error("--lambda", "must lie strictly between 0 and 1, got " + riskgrid::to_shortest(o.lambda));
        j.model.emplace(std::in_place_type<rs::filtered_historical_model>, history,
                        rs::filtered_historical_options{{.decay = o.lambda}, o.horizon_days});
        j.scenarios = std::get<rs::filtered_historical_model>(*j.model).scenario_count();
      } else {
        j.model.emplace(std::in_place_type<rs::bootstrap_model>, history, rs::bootstrap_options{o.seed, o.horizon_days});
      }
    } catch (const riskgrid::input_error&) {
      throw;
    } catch (const riskgrid::error& e) {
      throw riskgrid::input_error(o.history, e.what());
    }
    if (model != "bootstrap" && scenarios_given && o.scenarios != j.scenarios)
      throw riskgrid::input_error("--scenarios", "--model " + o.model + " has one scenario per " +
                                                     std::to_string(o.horizon_days) + "-day window: " +
                                                     std::to_string(j.scenarios) + ", got " + std::to_string(o.scenarios));
  }
  const auto& factors = std::visit([](const auto& m) -> const rs::factor_set& { return m.factors(); }, *j.model);
  j.trades = riskgrid::io::load_portfolio(o.portfolio);
  j.book_options = {o.base_ccy, riskgrid::parse_iso_date(o.as_of)};
  j.book.emplace(j.trades, j.market, factors, j.book_options);
  const auto mode = riskgrid::portfolio::detail::fold_enum(o.attribution);
  if (mode != "full" && mode != "components" && mode != "none")
    throw riskgrid::input_error("--attribution", "expected full, components or none, got '" + o.attribution + "'");
  j.attribution = mode;
  parse_incremental(o, j);
}

// A CSV field, quoted per RFC 4180 when it holds a comma, a quote or a line break.
std::string csv_field(const std::string& text) {
  if (text.find_first_of(",\"\r\n") == std::string::npos) return text;
  std::string out = "\"";
  for (const char c : text) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

// --tail-csv: one row per worst scenario, worst first. `top_desks` names up to three
// desks that lose in the scenario, largest loss first.
template <class DateOf>
std::string tail_table(const std::vector<std::string>& desks, const std::vector<riskgrid::risk::tail_entry>& worst,
                       const riskgrid::exec::pnl_rows& by_desk, const DateOf& date_of) {
  std::string out = "rank,scenario,date,pnl,top_desks";
  for (const auto& d : desks) out += "," + csv_field(d);
  out += "\n";
  for (std::size_t r = 0; r < by_desk.rows(); ++r) {
    const auto row = by_desk.row(r);
    std::vector<std::size_t> order(row.size());
    for (std::size_t d = 0; d < order.size(); ++d) order[d] = d;
    std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) { return row[a] < row[b]; });
    std::string top;
    for (std::size_t k = 0; k < std::min<std::size_t>(3, order.size()) && row[order[k]] < 0.0; ++k)
      top += (top.empty() ? "" : ";") + desks[order[k]];
    out += std::to_string(r + 1) + "," + std::to_string(worst[r].scenario) + "," + date_of(worst[r].scenario) + "," +
           riskgrid::to_shortest(-worst[r].loss) + "," + csv_field(top);
    for (const double x : row) out += "," + riskgrid::to_shortest(x);
    out += "\n";
  }
  return out;
}

// --plot: bins by Rice's rule, ceil(2·N^(1/3)), kept within 10 … 100 so the bars stay
// readable; integer arithmetic, so every rank and build agrees.
std::size_t plot_bins(std::uint64_t scenarios) {
  std::size_t bins = 10;
  while (bins < 100 && static_cast<std::uint64_t>(bins) * bins * bins < 8 * scenarios) ++bins;
  return bins;
}

// "0.975" → "97.5%": the confidence as written, in percent (the decimal point moved, no
// arithmetic); a level not written as 0.ddd is shown as written.
std::string percent_text(const riskgrid::confidence& level) {
  const std::string text = level.text();
  if (!text.starts_with("0.")) return text;
  std::string digits = text.substr(2);
  while (digits.size() < 2) digits += '0';
  std::string whole = digits.substr(0, 2);
  if (whole[0] == '0') whole.erase(0, 1);
  return whole + (digits.size() > 2 ? "." + digits.substr(2) : std::string()) + "%";
}

// The SVG of --plot: a P&L axis (gains to the right), so VaR and ES, positive losses,
// are drawn at −VaR and −ES; only inputs and results enter, never ranks or timing.
std::string plot_svg(const options& o, const job& j, const std::vector<riskgrid::risk::var_es_result>& measures,
                     const riskgrid::risk::histogram_aggregator& histogram) {
  const std::string model = riskgrid::portfolio::detail::fold_enum(o.model);
  riskgrid::io::svg_histogram_options plot;
  plot.title = "riskgrid-var: " + o.model + " model, N = " + grouped(static_cast<double>(j.scenarios), 0) +
               " scenarios, " + std::to_string(o.horizon_days) + "-day horizon";
  plot.subtitle = "Portfolio P&L in " + o.base_ccy + ": " + std::to_string(j.book->size()) + " trades, as of " + o.as_of +
                  (model == "historical" || model == "filteredhistorical" ? std::string()
                                                                            : ", seed " + std::to_string(o.seed)) +
                  "; " + std::to_string(histogram.counts().size()) + " bins from the worst to the best scenario";
  plot.x_label = "P&L (" + o.base_ccy + "), losses to the left; lines at \u2212VaR and \u2212ES";
  static const char* const dashes[] = {"", "7 4", "2 3"};
  // Whole units for the usual sizes; cents when a whole unit would hide the figure.
  const auto amount = [&](double x) { return grouped(x, std::abs(x) >= 1000.0 ? 0 : 2) + " " + o.base_ccy; };
  for (std::size_t l = 0; l < measures.size(); ++l) {
    const auto& m = measures[l];
    const std::string level = percent_text(m.confidence), dash = dashes[std::min<std::size_t>(l, 2)];
    plot.markers.push_back({-m.var, "VaR " + level, "VaR " + level + " = " + amount(m.var),
                            "#c0392b", dash});
    plot.markers.push_back({-m.es, "ES " + level, "ES " + level + " = " + amount(m.es),
                            "#6c3483", dash});
  }
  return riskgrid::io::svg_histogram(histogram, plot);
}

// --pla-csv: the book of the portfolio's delta-gamma sensitivities (bump-and-revalue on
// the base market, portfolio/sensitivities.hpp) in the factors the model shocks; the
// others never move under this model, in the HPL either. Only a model whose scenarios
// are dated days can feed the PLA test.
riskgrid::portfolio::book risk_theoretical_book(const options& o, const job& j) {
  const bool dated = std::visit(
      [](const auto& m) { return requires { m.scenario_date(riskgrid::scenario_id{0}); }; }, *j.model);
  if (!dated)
    throw riskgrid::input_error("--pla-csv", "needs a model with dated scenarios (historical or filtered-historical), got --model " +
                                                 o.model);
  const auto& factors = std::visit([](const auto& m) -> const rs::factor_set& { return m.factors(); }, *j.model);
  auto trades = riskgrid::portfolio::to_sensitivity_trades(riskgrid::portfolio::sensitivities(j.trades, j.market, j.book_options));
  std::erase_if(trades, [&](const riskgrid::portfolio::trade& t) { return !factors.find(t.factor); });
  return riskgrid::portfolio::book(trades, j.market, factors, j.book_options);
}

// Everything that changes the bits of a chunk state, for --checkpoint: two runs share
// records iff these entries are equal. Options this function does not know (added
// later) enter as given, so a new option can only make the check stricter.
riskgrid::exec::job_manifest manifest_of(const options& o, const job& j, const CLI::App& app) {
  const std::string model = riskgrid::portfolio::detail::fold_enum(o.model);
  const bool historical = model == "historical" || model == "filteredhistorical" || model == "bootstrap";
  std::string levels;
  for (const auto& level : j.levels) levels += (levels.empty() ? "" : ",") + riskgrid::to_shortest(level.value());
  riskgrid::exec::job_manifest m;
  m.add("program", "riskgrid-var var_es_aggregator")
      .add("riskgrid", riskgrid::version_string)
      .add("model", model)
      .add("scenarios", std::to_string(j.scenarios))
      .add("chunk_size", std::to_string(o.chunk_size))
      .add("block_size", std::to_string(riskgrid::exec::pipeline_options{}.block_size))
      .add("confidence", levels)
      .add("horizon_days", std::to_string(o.horizon_days))
      .add("as_of", o.as_of)
      .add("base_ccy", o.base_ccy);
  if (model != "historical" && model != "filteredhistorical") m.add("seed", std::to_string(o.seed));
  if (model == "studentt") m.add("dof", riskgrid::to_shortest(o.dof));
  if (model == "filteredhistorical") m.add("lambda", riskgrid::to_shortest(o.lambda));
  m.add("variates", o.antithetic ? "antithetic" : "plain").add("sequence", o.sobol ? "sobol" : "pseudo-random");
  m.add_file("portfolio", o.portfolio).add_file("market", o.market);
  if (historical) m.add_file("history", o.history);
  else m.add_file("covariance", o.covariance);
  static const std::vector<std::string> known = {
      "--portfolio", "--market", "--covariance", "--history", "--as-of", "--base-ccy", "--model", "--dof",
      "--lambda", "--sobol", "--antithetic", "--scenarios", "--confidence", "--seed", "--horizon-days",
      "--chunk-size",
      // These change how and where the run happens, never its bits.
      "--threads", "--schedule", "--out", "--quiet", "--checkpoint", "--elastic", "--claim-ttl", "--attribution", "--incremental", "--tail-csv", "--plot", "--pla-csv", "--memory-budget", "--help",
      "--version"};
  for (const CLI::Option* option : app.get_options()) {
    const std::string name = option->get_name();
    if (option->count() == 0 || std::find(known.begin(), known.end(), name) != known.end()) continue;
    std::string given;
    for (const auto& value : option->results()) given += (given.empty() ? "" : " ") + value;
    m.add("option " + name, given);
  }
  return m;
}

// --memory-budget: 0 when the in-memory tail (tail_keeper's 2·capacity entries of 16
// bytes) fits the budget, else the entries a pass of bounded_var_es may collect. Features
// that need the whole tail are refused rather than silently run over the budget.
std::uint64_t bounded_mode(const options& o, const job& j) {
  if (!(o.memory_budget > 0.0 && o.memory_budget < 1e12))
    throw riskgrid::input_error("--memory-budget", "expected a number of MB greater than 0, got " +
                                                       riskgrid::to_shortest(o.memory_budget));
  const double budget = o.memory_budget * 1e6;
  const auto capacity = std::max(riskgrid::risk::required_tail_capacity(j.scenarios, j.levels),
                                 riskgrid::risk::attribution_tail_capacity(j.scenarios, j.levels));
  const double tail_bytes = 32.0 * static_cast<double>(capacity);
  if (tail_bytes <= budget) return 0;
  const std::string why = "the in-memory tail of " + std::to_string(j.scenarios) + " scenarios needs " +
                          riskgrid::to_shortest(std::ceil(tail_bytes / 1e4) / 100) +
                          " MB, over the budget, and the bounded-memory mode cannot ";
  if (j.attribution != "none")
    throw riskgrid::input_error("--memory-budget", why + "attribute VaR/ES (it needs the whole tail): add --attribution none or raise the budget");
  if (!o.tail_csv.empty()) throw riskgrid::input_error("--memory-budget", why + "write --tail-csv: raise the budget");
  if (!o.checkpoint.empty()) throw riskgrid::input_error("--memory-budget", why + "checkpoint its passes: drop --checkpoint or raise the budget");
  return std::max<std::uint64_t>(1, static_cast<std::uint64_t>(budget / 16.0));
}

int run(int argc, char** argv, const boost::mpi::communicator& world) {
  const bool root = world.rank() == 0;
  options o;
  // CLI11 would wrap "-1" into a huge unsigned value: accept digits only.
  const CLI::Validator non_negative_integer(
      [](std::string& text) -> std::string {
        if (!text.empty() && text.find_first_not_of("0123456789") == std::string::npos) return {};
        return "expected a non-negative integer, got '" + text + "'";
      },
      "UINT");
  CLI::App app{"riskgrid-var: Monte Carlo VaR and ES of a portfolio (DESIGN.md §4)", "riskgrid-var"};
  app.add_option("--portfolio", o.portfolio, "portfolio.csv")->required();
  app.add_option("--market", o.market, "market.csv")->required();
  app.add_option("--covariance", o.covariance, "covariance.csv of daily shocks (gaussian, student-t)");
  app.add_option("--history", o.history, "history.csv of daily shocks (historical, filtered-historical, bootstrap)");
  app.add_option("--as-of", o.as_of, "valuation date YYYY-MM-DD")->required();
  app.add_option("--base-ccy", o.base_ccy, "base currency")->capture_default_str();
  app.add_option("--model", o.model, "scenario model: gaussian, student-t, historical, filtered-historical, bootstrap")
      ->capture_default_str();
  app.add_option("--dof", o.dof, "degrees of freedom of the Student-t model (> 2)")->capture_default_str();
  app.add_option("--lambda", o.lambda, "EWMA decay of the filtered-historical model (0 < lambda < 1)")->capture_default_str();
  app.add_flag("--sobol", o.sobol, "Sobol quasi-random normals (gaussian)");
  app.add_flag("--antithetic", o.antithetic, "antithetic variates (gaussian, student-t)");
  app.add_flag("--repair-correlation", o.repair_correlation,
               "replace a covariance that is not positive semi-definite by the nearest correlation matrix "
               "(Higham 2002) scaled by its standard deviations (gaussian, student-t)");
  const auto* scenarios_option =
      app.add_option("--scenarios", o.scenarios, "number of scenarios (historical models: one per window)")
          ->check(non_negative_integer)
          ->capture_default_str();
  app.add_option("--confidence", o.confidence, "comma-separated confidence levels")->capture_default_str();
  app.add_option("--seed", o.seed, "random seed")->check(non_negative_integer)->capture_default_str();
  app.add_option("--horizon-days", o.horizon_days, "horizon in days")->capture_default_str();
  app.add_option("--chunk-size", o.chunk_size, "scenarios per chunk (results do not depend on it)")->check(non_negative_integer)->capture_default_str();
  const auto* threads_option =
      app.add_option("--threads", o.threads,
                     "worker threads when run alone (default: all cores; 1 per rank under mpirun)")
          ->check(non_negative_integer);
  app.add_option("--schedule", o.schedule, "chunk scheduling under mpirun: static or dynamic")->capture_default_str();
  app.add_option("--out", o.out, "results JSON file");
  app.add_option("--tail-csv", o.tail_csv,
                 "CSV of the worst scenarios (the ES tail of the lowest confidence): rank, scenario, date "
                 "(historical models), P&L, the desks losing most, and the P&L of every desk");
  app.add_option("--pla-csv", o.pla_csv,
                 "pla.csv for riskgrid-pla: date, hypothetical P&L (full revaluation) and risk-theoretical P&L "
                 "(delta-gamma from bump-and-revalue sensitivities) of every scenario (historical, filtered-historical)");
  app.add_option("--plot", o.plot,
                 "SVG histogram of the portfolio P&L (base currency, losses to the left) with -VaR and -ES "
                 "marked; costs one more pass over the scenarios");
  app.add_option("--attribution", o.attribution,
                 "per desk and trade: full (Euler components and each desk's own VaR/ES, one extra pass "
                 "over the scenarios), components (components only, a pass over the tail scenarios), none")
      ->capture_default_str();
  app.add_option("--incremental", o.incremental,
                 "incremental VaR/ES, VaR(P) - VaR(P without the position), exact on the same scenarios: "
                 "none, desks, trades, all (desks and trades) or trade ids separated by commas; one more "
                 "pass over all scenarios, whatever the number of positions")
      ->capture_default_str();
  const auto* budget_option =
      app.add_option("--memory-budget", o.memory_budget,
                     "MB (10^6 bytes) for the VaR/ES tail: when the in-memory tail (32 bytes per scenario of the "
                     "deepest rank) would exceed it, compute the same VaR/ES bits by exact multi-pass selection in "
                     "memory independent of the scenario count (2-3 passes; needs --attribution none, no --tail-csv, "
                     "no --checkpoint)");
  app.add_flag("--quiet", o.quiet, "print nothing but errors (no table, no progress)");
  app.add_option("--checkpoint", o.checkpoint,
                 "directory of durable chunk records: a rerun with the same inputs resumes from it");
  app.add_flag("--elastic", o.elastic,
               "with --checkpoint: share the directory with other launches, claiming chunks (docs/cluster.md)");
  app.add_option("--claim-ttl", o.claim_ttl, "--elastic: seconds after which another launch takes over a claim")
      ->capture_default_str();
  // The SIMD architecture compiled in, so that builds for different CPUs can be told apart.
  app.set_version_flag("--version", std::string(riskgrid::version_string) + " (simd " + xsimd::default_arch::name() + ")");
  try {
    app.parse(argc, argv);
  } catch (const CLI::Success& e) {
    if (root) app.exit(e);
    return 0;
  } catch (const CLI::ParseError& e) {
    if (root) std::cerr << "error: " << option_error(e) << '\n';
    return exit_bad_input;
  }

  job j;
  std::string failure;
  std::optional<riskgrid::exec::checkpoint_store> store;
  std::optional<riskgrid::portfolio::book> pla_book;  // --pla-csv
  std::uint64_t bounded_entries = 0;                  // --memory-budget exceeded: entries a pass may collect
  try {
    load(o, world.size(), threads_option->count() != 0, scenarios_option->count() != 0, j);
    if (budget_option->count() != 0) bounded_entries = bounded_mode(o, j);
    if (!o.pla_csv.empty()) pla_book.emplace(risk_theoretical_book(o, j));
    if (o.elastic && o.checkpoint.empty()) throw riskgrid::input_error("--elastic", "requires --checkpoint DIR");
    if (!(o.claim_ttl > 0.0 && o.claim_ttl < 1e9))
      throw riskgrid::input_error("--claim-ttl", "expected a number of seconds > 0, got " + riskgrid::to_shortest(o.claim_ttl));
    // Every rank opens the checkpoint (the manifest is created once, atomically), so a
    // checkpoint of another job stops all ranks alike.
    if (!o.checkpoint.empty()) store.emplace(o.checkpoint, manifest_of(o, j, app));
  } catch (const riskgrid::error& e) {
    failure = e.what();
  }
  // Collective validation: all ranks go on, or all stop with status 2.
  const int failed = boost::mpi::all_reduce(world, failure.empty() ? 0 : 1, std::plus<int>());
  if (failed != 0) {
    if (root) std::cerr << "error: " << (failure.empty() ? "input rejected on another rank" : failure) << '\n';
    return exit_bad_input;
  }

  const riskgrid::risk::var_es_aggregator prototype(bounded_entries != 0 ? 1 : j.scenarios, j.levels);
  std::optional<riskgrid::risk::bounded_var_es> bounded;
  if (bounded_entries != 0) bounded.emplace(j.scenarios, j.levels, riskgrid::risk::bounded_var_es_options{bounded_entries});
  // Progress on rank 0's stderr: a bar on a terminal, plain lines in a log.
  const auto progress_style = !root || o.quiet   ? riskgrid::exec::progress_style::off
                              : ::isatty(2) != 0 ? riskgrid::exec::progress_style::bar
                                                 : riskgrid::exec::progress_style::lines;
  const riskgrid::exec::chunk_plan plan(j.scenarios, o.chunk_size);
  riskgrid::exec::progress_meter meter(
      std::cerr, plan.chunk_count(), j.scenarios,
      {.style = progress_style});
  std::optional<riskgrid::io::checkpoint_report> checkpoint;
  const auto execute = [&](const auto& job) {
    if (world.size() == 1 && j.threads > 1) return riskgrid::exec::run(job, riskgrid::exec::threads(j.threads));
    return riskgrid::exec::run(job, riskgrid::exec::mpi(world, j.schedule));
  };
  const auto run_pipeline = [&](const auto& model) {
    const riskgrid::exec::pipeline pipeline(model, *j.book, prototype,
                                            {.scenarios = j.scenarios, .chunk_size = o.chunk_size});
    const riskgrid::exec::progress_job observed(pipeline, meter);
    if (!store) return execute(observed);
    const riskgrid::exec::checkpointed_job resumable(observed, *store);
    auto state = prototype;
    if (o.elastic) {
      // Every rank is an independent worker on the shared directory (as are other
      // launches); once all chunks are durable, rank 0 merges the records.
      const riskgrid::exec::elastic workers(
          {.workers = j.threads,
           .claim_ttl = std::chrono::milliseconds(static_cast<std::int64_t>(o.claim_ttl * 1000.0)),
           .identity = "rank" + std::to_string(world.rank())});
      workers.work(resumable);
      const auto computed = boost::mpi::all_reduce(world, resumable.counts().computed, std::plus<std::uint64_t>());
      if (root) state = workers.merge(resumable);
      const auto counts = resumable.counts();
      checkpoint = {o.checkpoint, true, plan.chunk_count(),
                    plan.chunk_count() - std::min(plan.chunk_count(), computed), computed, counts.discarded};
    } else {
      state = execute(resumable);
      const auto sum = [&](std::uint64_t x) { return boost::mpi::all_reduce(world, x, std::plus<std::uint64_t>()); };
      const auto counts = resumable.counts();
      checkpoint = {o.checkpoint, false, plan.chunk_count(), sum(counts.loaded), sum(counts.computed),
                    sum(counts.discarded)};
    }
    return state;
  };
  world.barrier();
  const auto start = std::chrono::steady_clock::now();
  // --memory-budget exceeded: the passes of bounded_var_es replace the main pass; a
  // non-finite P&L stops every rank alike in pass 1 and is reported with the measures.
  std::exception_ptr bounded_failure;
  const auto run_bounded = [&](const auto& model) {
    bounded->run([&](riskgrid::risk::rank_selection_pass pass) {
      const riskgrid::exec::pipeline pipeline(model, *j.book, std::move(pass),
                                              {.scenarios = j.scenarios, .chunk_size = o.chunk_size});
      riskgrid::exec::progress_meter pass_meter(std::cerr, plan.chunk_count(), j.scenarios,
                                                {.style = progress_style});
      return execute(riskgrid::exec::progress_job(pipeline, pass_meter));
    });
  };
  if (bounded) {
    try {
      std::visit(run_bounded, *j.model);
    } catch (const riskgrid::model_error&) {
      bounded_failure = std::current_exception();
    }
  }
  const auto state = bounded ? prototype : std::visit(run_pipeline, *j.model);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  meter.finish();
  // Elastic mode: only rank 0 merged.
  if (o.elastic && !root) return 0;

  std::vector<riskgrid::risk::var_es_result> measures;
  try {
    if (bounded_failure) std::rethrow_exception(bounded_failure);
    measures = bounded ? bounded->results() : state.results();
  } catch (const riskgrid::model_error& e) {
    if (root) std::cerr << "error: " << o.portfolio << ": " << e.what() << '\n';
    return exit_bad_input;
  }

  const auto run_pnl = bounded ? bounded->pnl() : state.pnl();

  // Attribution (DESIGN.md §2): Euler components from a second pass over the tail
  // scenarios only, regenerated from their indices; each desk's own VaR/ES from a pass
  // over the desk's trades. Collective like the main pass (elastic: rank 0 alone).
  std::vector<riskgrid::io::measure_attribution> attribution;
  const auto attribution_start = std::chrono::steady_clock::now();
  if (j.attribution != "none") {
    const auto run_here = [&](const auto& job) {
      if (o.elastic) return riskgrid::exec::run(job, riskgrid::exec::threads(std::max(1U, j.threads)));
      return execute(job);
    };
    const auto& book = *j.book;
    attribution.resize(measures.size());
    const auto worst = state.tail().worst_first();  // sorted in place, no copy of the tail
    const riskgrid::risk::attribution_plan tail_plan(worst, j.scenarios, j.levels);
    const auto sums = std::visit(
        [&](const auto& model) { return run_here(riskgrid::exec::attribution_job(model, book, tail_plan)); },
        *j.model);
    for (std::size_t l = 0; l < measures.size(); ++l) {
      auto& a = attribution[l];
      for (const auto& desk : book.desks()) a.desks.push_back({desk, 0.0, 0.0, std::nullopt, std::nullopt});
      for (std::size_t t = 0; t < book.size(); ++t) {
        const double var = sums.component(tail_plan, t, 2 * l + 1), es = sums.component(tail_plan, t, 2 * l);
        a.trades.push_back({book.trades()[t].id, var, es, std::nullopt, std::nullopt});
        // Marginal per unit of quantity (bonds and swaps: empty = 1); a sensitivity trade
        // has no quantity, only its delta and gamma.
        const auto& trade = j.trades[t];
        const auto quantity = trade.type == riskgrid::portfolio::trade_type::sensitivity
                                  ? std::optional<double>()
                                  : std::optional<double>(trade.quantity.value_or(1.0));
        a.trades.back().marginal_var = riskgrid::risk::marginal_per_unit(var, quantity);
        a.trades.back().marginal_es = riskgrid::risk::marginal_per_unit(es, quantity);
        a.desks[book.desk_of(t)].component_var += var;
        a.desks[book.desk_of(t)].component_es += es;
      }
    }
    if (j.attribution == "full") {
      const auto& factors = std::visit([](const auto& m) -> const rs::factor_set& { return m.factors(); }, *j.model);
      for (std::size_t d = 0; d < book.desks().size(); ++d) {
        std::vector<riskgrid::portfolio::trade> desk_trades;
        for (std::size_t t = 0; t < j.trades.size(); ++t)
          if (book.desk_of(t) == d) desk_trades.push_back(j.trades[t]);
        const riskgrid::portfolio::book desk_book(desk_trades, j.market, factors, j.book_options);
        std::optional<riskgrid::exec::checkpoint_store> desk_store;
        if (store) {
          auto manifest = manifest_of(o, j, app);
          manifest.add("desk", book.desks()[d]);
          desk_store.emplace(std::filesystem::path(o.checkpoint) / ("desk-" + std::to_string(d)), manifest);
        }
        const auto desk_state = std::visit(
            [&](const auto& model) {
              const riskgrid::exec::pipeline pipeline(model, desk_book, prototype,
                                                      {.scenarios = j.scenarios, .chunk_size = o.chunk_size});
              if (!desk_store) return run_here(pipeline);
              return run_here(riskgrid::exec::checkpointed_job(pipeline, *desk_store));
            },
            *j.model);
        const auto own = desk_state.results();
        for (std::size_t l = 0; l < measures.size(); ++l) {
          attribution[l].desks[d].standalone_var = own[l].var;
          attribution[l].desks[d].standalone_es = own[l].es;
        }
      }
    }
    // --incremental: one pass over all scenarios for every requested desk and trade
    // (exec::incremental_job), checkpointed in DIR/incremental-<crc64 of the selection>.
    if (!j.incremental_key.empty()) {
      std::vector<std::vector<std::size_t>> sets;
      for (const auto d : j.incremental_desks) {
        auto& members = sets.emplace_back();
        for (std::size_t t = 0; t < book.size(); ++t)
          if (book.desk_of(t) == d) members.push_back(t);
      }
      for (const auto t : j.incremental_trades) sets.push_back({t});
      const riskgrid::risk::incremental_aggregator empty(j.scenarios, j.levels, sets.size());
      std::optional<riskgrid::exec::checkpoint_store> incremental_store;
      if (store) {
        auto manifest = manifest_of(o, j, app);
        manifest.add("pass", "incremental").add("positions", std::to_string(sets.size()));
        char name[40];
        std::snprintf(name, sizeof name, "incremental-%016llx",
                      static_cast<unsigned long long>(riskgrid::exec::crc64(j.incremental_key)));
        incremental_store.emplace(std::filesystem::path(o.checkpoint) / name, manifest);
      }
      const auto without = std::visit(
          [&](const auto& model) {
            const riskgrid::exec::incremental_job job(model, book, sets, empty,
                                                      {.scenarios = j.scenarios, .chunk_size = o.chunk_size});
            if (!incremental_store) return run_here(job);
            return run_here(riskgrid::exec::checkpointed_job(job, *incremental_store));
          },
          *j.model);
      for (std::size_t s = 0; s < sets.size(); ++s) {
        const auto rest = without.results(s);
        for (std::size_t l = 0; l < measures.size(); ++l) {
          auto& p = s < j.incremental_desks.size() ? attribution[l].desks[j.incremental_desks[s]]
                                                   : attribution[l].trades[j.incremental_trades[s - j.incremental_desks.size()]];
          p.incremental_var = measures[l].var - rest[l].var;
          p.incremental_es = measures[l].es - rest[l].es;
        }
      }
    }
  }
  // The worst scenarios by desk, regenerated like the attribution pass.
  std::string tail_text;
  if (!o.tail_csv.empty()) {
    const auto worst = state.tail().sorted();
    std::uint64_t rows = 1;
    for (const auto& level : j.levels) {
      const auto tail = level.tail(j.scenarios);
      rows = std::max<std::uint64_t>(rows, tail.whole + (tail.numerator != 0 ? 1 : 0));
    }
    rows = std::min<std::uint64_t>(rows, worst.size());
    std::vector<riskgrid::scenario_id> ids(rows);
    for (std::size_t r = 0; r < rows; ++r) ids[r] = worst[r].scenario;
    const auto& book = *j.book;
    std::vector<std::size_t> desk_of(book.size());
    for (std::size_t t = 0; t < book.size(); ++t) desk_of[t] = book.desk_of(t);
    const auto by_desk = std::visit(
        [&](const auto& model) {
          const riskgrid::exec::tail_pnl_job job(model, book, ids, desk_of, book.desks().size());
          if (o.elastic) return riskgrid::exec::run(job, riskgrid::exec::threads(std::max(1U, j.threads)));
          return execute(job);
        },
        *j.model);
    if (root) tail_text = tail_table(book.desks(), worst, by_desk, [&](riskgrid::scenario_id i) {
      return std::visit(
          [&](const auto& model) -> std::string {
            if constexpr (requires { model.scenario_date(i); }) return riskgrid::format_iso_date(model.scenario_date(i));
            else return {};
          },
          *j.model);
    });
  }
  // --pla-csv: HPL (full revaluation) and RTPL (the sensitivity book) of every scenario,
  // each summed over its book's trades in book order by tail_pnl_job over all scenario
  // ids, so the file has the same bytes on any executor and rank count.
  std::string pla_text;
  if (pla_book) {
    std::vector<riskgrid::scenario_id> ids(j.scenarios);
    for (std::size_t i = 0; i < ids.size(); ++i) ids[i] = i;
    const auto pnl_of = [&](const riskgrid::portfolio::book& b) {
      return std::visit(
          [&](const auto& model) {
            const riskgrid::exec::tail_pnl_job job(model, b, ids, std::vector<std::size_t>(b.size(), 0), 1);
            if (o.elastic) return riskgrid::exec::run(job, riskgrid::exec::threads(std::max(1U, j.threads)));
            return execute(job);
          },
          *j.model);
    };
    const auto hpl = pnl_of(*j.book);
    const auto rtpl = pnl_of(*pla_book);
    if (root) {
      std::vector<riskgrid::date> days;
      std::vector<double> hpl_values, rtpl_values;
      for (std::size_t i = 0; i < ids.size(); ++i) {
        days.push_back(std::visit(
            [&](const auto& model) -> riskgrid::date {
              if constexpr (requires { model.scenario_date(ids[i]); }) return model.scenario_date(ids[i]);
              else return {};
            },
            *j.model));
        hpl_values.push_back(hpl.row(i)[0]);
        rtpl_values.push_back(rtpl.row(i)[0]);
      }
      pla_text = riskgrid::io::format_pla_csv(days, hpl_values, rtpl_values);
    }
  }
  const double attribution_seconds =
      std::chrono::duration<double>(std::chrono::steady_clock::now() - attribution_start).count();
  // --plot: the P&L histogram, from one more pass over the scenarios. Its edges span the
  // exact min and max of the first pass (the same bits at any rank count), so edges and
  // counts are a pure function of the inputs and no scenario falls outside the picture; a
  // pilot on a few scenarios would be cheaper but would clip the tails the plot is for.
  std::optional<riskgrid::risk::histogram_aggregator> histogram;
  if (!o.plot.empty()) {
    const auto pnl = run_pnl;
    const riskgrid::risk::histogram_aggregator empty(
        riskgrid::risk::covering_edges(pnl.min, pnl.max, plot_bins(j.scenarios)));
    std::optional<riskgrid::exec::checkpoint_store> plot_store;
    if (store) {
      auto manifest = manifest_of(o, j, app);
      manifest.add("pass", "histogram").add("bins", std::to_string(empty.counts().size()));
      plot_store.emplace(std::filesystem::path(o.checkpoint) / "histogram", manifest);
    }
    const auto run_plot = [&](const auto& job) {
      if (o.elastic) return riskgrid::exec::run(job, riskgrid::exec::threads(std::max(1U, j.threads)));
      return execute(job);
    };
    histogram = std::visit(
        [&](const auto& model) {
          const riskgrid::exec::pipeline pipeline(model, *j.book, empty,
                                                  {.scenarios = j.scenarios, .chunk_size = o.chunk_size});
          if (!plot_store) return run_plot(pipeline);
          return run_plot(riskgrid::exec::checkpointed_job(pipeline, *plot_store));
        },
        *j.model);
  }
  if (!root) return 0;

  riskgrid::io::run_report report;
  report.as_of = o.as_of;
  report.base_currency = o.base_ccy;
  report.model = o.model;
  report.scenarios = j.scenarios;
  report.horizon_days = o.horizon_days;
  report.seed = o.seed;
  report.ranks = world.size();
  report.threads = static_cast<int>(j.threads);
  report.base_value = j.book->base_value();
  report.measures = measures;
  report.attribution = attribution;
  report.attribution_seconds = attribution_seconds;
  report.pnl = run_pnl;
  report.trades = j.book->trades();
  report.seconds = seconds;
  report.revaluations_per_second =
      seconds > 0.0 ? static_cast<double>(j.scenarios) * static_cast<double>(j.book->size()) / seconds : 0.0;
  report.checkpoint = checkpoint;

  if (!o.out.empty() || !o.tail_csv.empty() || !o.plot.empty() || !o.pla_csv.empty()) {
    try {
      // All or nothing: both files are written and synced under staging names first.
      std::vector<std::pair<std::string, std::string>> files;
      if (!o.tail_csv.empty()) files.emplace_back(o.tail_csv, tail_text);
      if (!o.pla_csv.empty()) files.emplace_back(o.pla_csv, pla_text);
      if (histogram) files.emplace_back(o.plot, plot_svg(o, j, measures, *histogram));
      if (!o.out.empty()) files.emplace_back(o.out, riskgrid::io::to_json(report).dump(2) + "\n");
      riskgrid::io::write_files_atomic(files);
    } catch (const riskgrid::error& e) {
      std::cerr << "error: " << e.what() << '\n';
      return exit_bad_input;
    }
  }
  if (o.quiet) return 0;
  std::cerr << j.repair_note;
  for (const auto& f : j.book->unshocked_factors())
    std::cerr << "note: " << f << " is not shocked by the model\n";
  for (const auto& m : measures)
    if (m.thin_tail())
      std::cerr << "warning: confidence " << m.confidence.text() << " with " << j.scenarios
                << " scenarios leaves fewer than one scenario in the tail; ES is the worst loss\n";
  if (bounded)
    std::cerr << "note: --memory-budget: the in-memory tail would exceed " << riskgrid::to_shortest(o.memory_budget)
              << " MB; VaR/ES by exact selection in " << bounded->passes() << " passes over the scenarios\n";
  if (checkpoint)
    std::cerr << "checkpoint: " << checkpoint->directory << ": " << checkpoint->chunks << " chunks, "
              << checkpoint->loaded << " loaded, " << checkpoint->computed << " computed by this run"
              << (checkpoint->discarded != 0 ? ", " + std::to_string(checkpoint->discarded) + " damaged record(s) recomputed"
                                             : std::string())
              << '\n';
  std::printf("riskgrid-var %s: %s model, %llu scenarios, horizon %d day(s), seed %llu, %d rank(s), %u thread(s)%s\n",
              riskgrid::version_string, o.model.c_str(), static_cast<unsigned long long>(j.scenarios),
              o.horizon_days, static_cast<unsigned long long>(o.seed), world.size(), j.threads,
              world.size() > 1 && j.schedule == riskgrid::exec::schedule::dynamic ? ", dynamic schedule" : "");
  std::printf("portfolio: %zu trades, base value %s %s, as of %s\n\n", j.book->size(),
              grouped(report.base_value).c_str(), o.base_ccy.c_str(), o.as_of.c_str());
  std::printf("%12s %18s %33s %18s %14s\n", "confidence", ("VaR (" + o.base_ccy + ")").c_str(), "VaR 95% interval",
              ("ES (" + o.base_ccy + ")").c_str(), "ES std error");
  for (const auto& m : measures) {
    const std::string interval = "[" + (m.var_ci_low ? grouped(*m.var_ci_low) : std::string("-inf")) + ", " +
                                 (m.var_ci_high ? grouped(*m.var_ci_high) : std::string("inf")) + "]";
    std::printf("%12s %18s %33s %18s %14s\n", m.confidence.text().c_str(), grouped(m.var).c_str(), interval.c_str(),
                grouped(m.es).c_str(), grouped(m.es_stderr).c_str());
  }
  for (std::size_t l = 0; l < attribution.size(); ++l) {
    std::printf("\nby desk at %s (%s):\n%14s %18s %18s %18s %18s\n", measures[l].confidence.text().c_str(),
                o.base_ccy.c_str(), "desk", "VaR alone", "VaR component", "ES alone", "ES component");
    const auto alone = [](const std::optional<double>& x) { return x ? grouped(*x) : std::string("-"); };
    for (const auto& d : attribution[l].desks)
      std::printf("%14s %18s %18s %18s %18s\n", d.name.c_str(), alone(d.standalone_var).c_str(),
                  grouped(d.component_var).c_str(), alone(d.standalone_es).c_str(), grouped(d.component_es).c_str());
  }
  // --incremental: the desks, and the trades when few enough to read (all are in the JSON).
  constexpr std::size_t incremental_rows = 20;
  for (std::size_t l = 0; l < attribution.size() && !j.incremental_key.empty(); ++l) {
    std::printf("\nincremental at %s (%s): VaR(P) - VaR(P without it), ES likewise\n%14s %18s %18s\n",
                measures[l].confidence.text().c_str(), o.base_ccy.c_str(), "position", "VaR", "ES");
    for (const auto d : j.incremental_desks)
      std::printf("%14s %18s %18s\n", attribution[l].desks[d].name.c_str(),
                  grouped(*attribution[l].desks[d].incremental_var).c_str(),
                  grouped(*attribution[l].desks[d].incremental_es).c_str());
    for (std::size_t k = 0; k < std::min(incremental_rows, j.incremental_trades.size()); ++k) {
      const auto& t = attribution[l].trades[j.incremental_trades[k]];
      std::printf("%14s %18s %18s\n", t.name.c_str(), grouped(*t.incremental_var).c_str(),
                  grouped(*t.incremental_es).c_str());
    }
    if (j.incremental_trades.size() > incremental_rows)
      std::printf("%14s %zu more trades in the JSON\n", "...", j.incremental_trades.size() - incremental_rows);
  }
  const auto pnl = run_pnl;
  std::printf("\nP&L: mean %s, stdev %s, min %s, max %s\n", grouped(pnl.mean).c_str(), grouped(pnl.stdev).c_str(),
              grouped(pnl.min).c_str(), grouped(pnl.max).c_str());
  std::printf("\n%.3f s, %.3g revaluations/s%s%s\n", seconds, report.revaluations_per_second,
              o.out.empty() ? "" : ", results in ", o.out.c_str());
  return 0;
}

}  // namespace

int main(int argc, char** argv) {
  boost::mpi::environment env(argc, argv);
  boost::mpi::communicator world;
  try {
    return run(argc, argv, world);
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << '\n';
    // Other ranks may be inside a collective: abort them rather than hang.
    if (world.size() > 1) env.abort(exit_internal);
    return exit_internal;
  }
}
