// riskgrid-var: Monte Carlo VaR and ES of a portfolio, on one core or under mpirun.
//
// Every rank loads and validates the inputs (so all ranks fail alike, before the first
// collective), the MPI executor runs the pipeline, rank 0 prints the table and writes the
// JSON atomically. Exit status: 0 ok, 2 bad input or option, 3 internal error.

#include <chrono>
#include <cstdio>
#include <exception>
#include <iostream>
#include <optional>
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

struct options {
  std::string portfolio, market, covariance, as_of, base_ccy = "USD", confidence = "0.99,0.975";
  std::string out, model = "gaussian";
  std::uint64_t scenarios = 100000, seed = 42, chunk_size = 8192;
  int horizon_days = 1;
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

struct job {
  riskgrid::market::base_market market;
  riskgrid::scenario::covariance covariance;
  std::optional<riskgrid::scenario::gaussian_model> model;
  std::optional<riskgrid::portfolio::book> book;
  std::vector<riskgrid::confidence> levels;
};

// Everything that can fail on bad input, before any collective.
void load(const options& o, job& j) {
  j.levels = parse_levels(o.confidence);
  if (o.scenarios == 0) throw riskgrid::input_error("--scenarios", "must be at least 1");
  if (o.chunk_size == 0) throw riskgrid::input_error("--chunk-size", "must be at least 1");
  if (o.horizon_days < 1) throw riskgrid::input_error("--horizon-days", "must be at least 1, got " + std::to_string(o.horizon_days));
  if (o.model != "gaussian")
    throw riskgrid::input_error("--model", "unknown model '" + o.model + "' (this version has: gaussian)");
  if (!riskgrid::parse_iso_date(o.as_of))
    throw riskgrid::input_error("--as-of", "expected a date YYYY-MM-DD, got '" + o.as_of + "'");
  if (!riskgrid::market::is_currency_code(o.base_ccy))
    throw riskgrid::input_error("--base-ccy", "expected three upper-case letters, got '" + o.base_ccy + "'");
  j.market = riskgrid::io::load_market(o.market);
  j.covariance = riskgrid::io::load_covariance(o.covariance);
  try {
    j.model.emplace(j.covariance, riskgrid::scenario::gaussian_options{o.seed, o.horizon_days});
  } catch (const riskgrid::model_error& e) {
    throw riskgrid::input_error(o.covariance, e.what());
  }
  const auto trades = riskgrid::io::load_portfolio(o.portfolio);
  j.book.emplace(trades, j.market, j.model->factors(), riskgrid::portfolio::book_options{o.base_ccy});
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
  app.add_option("--covariance", o.covariance, "covariance.csv of daily shocks")->required();
  app.add_option("--as-of", o.as_of, "valuation date YYYY-MM-DD")->required();
  app.add_option("--base-ccy", o.base_ccy, "base currency")->capture_default_str();
  app.add_option("--model", o.model, "scenario model: gaussian")->capture_default_str();
  app.add_option("--scenarios", o.scenarios, "number of Monte Carlo scenarios")->check(non_negative_integer)->capture_default_str();
  app.add_option("--confidence", o.confidence, "comma-separated confidence levels")->capture_default_str();
  app.add_option("--seed", o.seed, "random seed")->check(non_negative_integer)->capture_default_str();
  app.add_option("--horizon-days", o.horizon_days, "horizon in days")->capture_default_str();
  app.add_option("--chunk-size", o.chunk_size, "scenarios per chunk (results do not depend on it)")->check(non_negative_integer)->capture_default_str();
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
    load(o, j);
  } catch (const riskgrid::error& e) {
    failure = e.what();
  }
  // Collective validation: all ranks go on, or all stop with status 2.
  const int failed = boost::mpi::all_reduce(world, failure.empty() ? 0 : 1, std::plus<int>());
  if (failed != 0) {
    if (root) std::cerr << "error: " << (failure.empty() ? "input rejected on another rank" : failure) << '\n';
    return exit_bad_input;
  }

  const riskgrid::risk::var_es_aggregator prototype(o.scenarios, j.levels);
  const riskgrid::exec::pipeline pipeline(*j.model, *j.book, prototype,
                                          {.scenarios = o.scenarios, .chunk_size = o.chunk_size});
  const riskgrid::exec::mpi executor(world);
  world.barrier();
  const auto start = std::chrono::steady_clock::now();
  const auto state = riskgrid::exec::run(pipeline, executor);
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
  report.scenarios = o.scenarios;
  report.horizon_days = o.horizon_days;
  report.seed = o.seed;
  report.ranks = world.size();
  report.threads = 1;
  report.base_value = j.book->base_value();
  report.measures = measures;
  report.trades = j.book->trades();
  report.seconds = seconds;
  report.revaluations_per_second =
      seconds > 0.0 ? static_cast<double>(o.scenarios) * static_cast<double>(j.book->size()) / seconds : 0.0;

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
    std::cerr << "note: " << f << " is not in the covariance: not shocked\n";
  for (const auto& m : measures)
    if (m.thin_tail())
      std::cerr << "warning: confidence " << m.confidence.text() << " with " << o.scenarios
                << " scenarios leaves fewer than one scenario in the tail; ES is the worst loss\n";
  std::printf("riskgrid-var %s: %s model, %llu scenarios, horizon %d day(s), seed %llu, %d rank(s)\n",
              riskgrid::version_string, o.model.c_str(), static_cast<unsigned long long>(o.scenarios),
              o.horizon_days, static_cast<unsigned long long>(o.seed), world.size());
  std::printf("portfolio: %zu trades, base value %s %s, as of %s\n\n", j.book->size(),
              grouped(report.base_value).c_str(), o.base_ccy.c_str(), o.as_of.c_str());
  std::printf("%12s %20s %20s\n", "confidence", ("VaR (" + o.base_ccy + ")").c_str(), ("ES (" + o.base_ccy + ")").c_str());
  for (const auto& m : measures)
    std::printf("%12s %20s %20s\n", m.confidence.text().c_str(), grouped(m.var).c_str(), grouped(m.es).c_str());
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
