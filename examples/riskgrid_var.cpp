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
#include <iostream>
#include <cmath>
#include <optional>
#include <variant>
#include <sstream>
#include <string>
#include <vector>

#include <CLI/CLI.hpp>
#include <boost/mpi/collectives/all_reduce.hpp>
#include <boost/mpi/communicator.hpp>
#include <boost/mpi/environment.hpp>

#include "riskgrid/exec/mpi.hpp"
#include "riskgrid/riskgrid.hpp"

namespace {

constexpr int exit_bad_input = 2;
constexpr int exit_internal = 3;
constexpr unsigned max_threads = 1024;

struct options {
  std::string portfolio, market, covariance, history, as_of, base_ccy = "USD", confidence = "0.99,0.975";
  std::string out, model = "gaussian", schedule = "static";
  std::uint64_t scenarios = 100000, seed = 42, chunk_size = 8192;
  unsigned threads = 0;  // 0: not given (all cores alone, 1 per rank under mpirun)
  int horizon_days = 1;
  double dof = 5.0, lambda = 0.94;
  bool sobol = false, antithetic = false;
  bool quiet = false;
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

std::string grouped(double x) {
  char buffer[64];
  std::snprintf(buffer, sizeof buffer, "%.2f", x);
  const std::string plain(buffer);
  const std::size_t sign = plain[0] == '-' ? 1 : 0;
  const std::size_t int_digits = plain.find('.') - sign;
  std::string out = plain.substr(0, sign);
  for (std::size_t i = 0; i < int_digits; ++i) {
    if (i != 0 && (int_digits - i) % 3 == 0) out += ',';
    out += plain[sign + i];
  }
  return out + plain.substr(sign + int_digits);
}

// CLI11's messages reshaped to DESIGN.md §6's `error: --flag: reason` where CLI11 says
// which option is at fault.
std::string option_error(const CLI::ParseError& e) {
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
  std::vector<riskgrid::confidence> levels;
  riskgrid::exec::schedule schedule = riskgrid::exec::schedule::static_cyclic;
  unsigned threads = 1;
};

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
  const auto variates = o.antithetic ? rs::variates::antithetic : rs::variates::plain;
  j.market = riskgrid::io::load_market(o.market);
  j.scenarios = o.scenarios;
  if (monte_carlo) {
    if (o.covariance.empty()) throw riskgrid::input_error("--covariance", "required by --model " + o.model);
    const auto covariance = riskgrid::io::load_covariance(o.covariance);
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
  const auto trades = riskgrid::io::load_portfolio(o.portfolio);
  j.book.emplace(trades, j.market, factors, riskgrid::portfolio::book_options{o.base_ccy});
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
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  app.set_version_flag("--version", riskgrid::version_string);
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
  try {
    load(o, world.size(), threads_option->count() != 0, scenarios_option->count() != 0, j);
  } catch (const riskgrid::error& e) {
    failure = e.what();
  }
  // Collective validation: all ranks go on, or all stop with status 2.
  const int failed = boost::mpi::all_reduce(world, failure.empty() ? 0 : 1, std::plus<int>());
  if (failed != 0) {
    if (root) std::cerr << "error: " << (failure.empty() ? "input rejected on another rank" : failure) << '\n';
    return exit_bad_input;
  }

  const riskgrid::risk::var_es_aggregator prototype(j.scenarios, j.levels);
  const auto run_pipeline = [&](const auto& model) {
    const riskgrid::exec::pipeline pipeline(model, *j.book, prototype,
                                            {.scenarios = j.scenarios, .chunk_size = o.chunk_size});
    if (world.size() == 1 && j.threads > 1) return riskgrid::exec::run(pipeline, riskgrid::exec::threads(j.threads));
    return riskgrid::exec::run(pipeline, riskgrid::exec::mpi(world, j.schedule));
  };
  world.barrier();
  const auto start = std::chrono::steady_clock::now();
  const auto state = std::visit(run_pipeline, *j.model);
  const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();

  std::vector<riskgrid::risk::var_es_result> measures;
  try {
    measures = state.results();
  } catch (const riskgrid::model_error& e) {
    if (root) std::cerr << "error: " << o.portfolio << ": " << e.what() << '\n';
    return exit_bad_input;
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
  report.pnl = state.pnl();
  report.trades = j.book->trades();
  report.seconds = seconds;
  report.revaluations_per_second =
      seconds > 0.0 ? static_cast<double>(j.scenarios) * static_cast<double>(j.book->size()) / seconds : 0.0;

  if (!o.out.empty()) {
    try {
      riskgrid::io::write_file_atomic(o.out, riskgrid::io::to_json(report).dump(2) + "\n");
    } catch (const riskgrid::error& e) {
      std::cerr << "error: " << e.what() << '\n';
      return exit_bad_input;
    }
  }
  if (o.quiet) return 0;
  for (const auto& f : j.book->unshocked_factors())
    std::cerr << "note: " << f << " is not shocked by the model\n";
  for (const auto& m : measures)
    if (m.thin_tail())
      std::cerr << "warning: confidence " << m.confidence.text() << " with " << j.scenarios
                << " scenarios leaves fewer than one scenario in the tail; ES is the worst loss\n";
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
  const auto pnl = state.pnl();
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
