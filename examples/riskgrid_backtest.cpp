// riskgrid-backtest: VaR backtest of a P&L history (DESIGN.md §6, issue 5 item 4).
//
// Reads backtest.csv (date, pnl, var_99, var_975[, hpl]), counts exceptions at 99% and
// 97.5% over the full series and the last 250 rows, runs the Kupiec and Christoffersen
// tests, and derives the Basel traffic light, the FRTB multiplier and the desk test from
// the last 250 rows. Prints a table and writes the JSON atomically.
// Exit status: 0 ok, 2 bad input or option, 3 internal error.

#include <cstdio>
#include <exception>
#include <iostream>
#include <string>
#include <tuple>
#include <utility>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/io/backtest_csv.hpp"
#include "riskgrid/io/results_json.hpp"
#include "riskgrid/risk/backtest.hpp"
#include "riskgrid/version.hpp"

namespace {

namespace rr = riskgrid::risk;
using riskgrid_cli::exit_bad_input;

struct options {
  std::string input, out;
  bool quiet = false;
};

nlohmann::ordered_json level_json(const rr::backtest_level_result& r, double expected_rate) {
  const auto& s = r.statistics;
  nlohmann::ordered_json j;
  j["n"] = s.n;
  j["exceptions"] = s.exceptions;
  j["expected_exceptions"] = static_cast<double>(s.n) * expected_rate;
  j["exceptions_actual"] = r.exceptions_actual;
  if (r.exceptions_hypothetical) j["exceptions_hypothetical"] = *r.exceptions_hypothetical;
  j["basis"] = std::string(rr::to_string(r.basis));
  j["kupiec_lr"] = s.kupiec_lr;
  j["kupiec_p"] = s.kupiec_p;
  j["christoffersen_ind_lr"] = s.christoffersen_ind_lr;
  j["christoffersen_ind_p"] = s.christoffersen_ind_p;
  j["christoffersen_cc_lr"] = s.christoffersen_cc_lr;
  j["christoffersen_cc_p"] = s.christoffersen_cc_p;
  j["transitions"] = {{"n00", s.transitions[0]}, {"n01", s.transitions[1]}, {"n10", s.transitions[2]},
                      {"n11", s.transitions[3]}};
  return j;
}

nlohmann::ordered_json to_json(const std::string& input, const riskgrid::io::backtest_input& in,
                               const rr::backtest_result& r) {
  const auto date = [&](std::size_t row) { return riskgrid::format_iso_date(in.dates[row]); };
  const auto window = [&](const rr::backtest_window& w) {
    nlohmann::ordered_json j;
    j["start_date"] = date(w.first);
    j["end_date"] = date(w.first + w.rows - 1);
    j["rows"] = w.rows;
    j["0.99"] = level_json(w.level_99, rr::backtest_rate_99);
    j["0.975"] = level_json(w.level_975, rr::backtest_rate_975);
    return j;
  };
  nlohmann::ordered_json j;
  j["version"] = RISKGRID_VERSION_STRING;
  j["input"] = input;
  j["rows"] = r.rows;
  j["start_date"] = date(0);
  j["end_date"] = date(r.rows - 1);
  j["hypothetical_pnl"] = !in.series.hpl.empty();
  j["windows"] = {{"full", window(r.full)}, {"last250", window(r.last_250)}};
  j["basel"] = {{"window", "last250"},
                {"exceptions", r.last_250.level_99.statistics.exceptions},
                {"zone", std::string(rr::to_string(r.basel.zone))},
                {"plus_factor", r.basel.plus_factor},
                {"multiplier", r.basel.multiplier()}};
  j["frtb"] = {{"window", "last250"},
               {"exceptions_99", r.last_250.level_99.statistics.exceptions},
               {"exceptions_975", r.last_250.level_975.statistics.exceptions},
               {"multiplier", r.frtb_multiplier},
               {"desk_eligible", r.desk == rr::desk_eligibility::eligible}};
  return j;
}

void print_table(const std::string& input, const riskgrid::io::backtest_input& in, const rr::backtest_result& r) {
  const auto date = [&](std::size_t row) { return riskgrid::format_iso_date(in.dates[row]); };
  std::printf("riskgrid-backtest %s: %s, %zu days from %s to %s, %s\n\n", riskgrid::version_string, input.c_str(),
              r.rows, date(0).c_str(), date(r.rows - 1).c_str(),
              in.series.hpl.empty() ? "actual P&L" : "actual and hypothetical P&L (the greater count)");
  std::printf("%-8s %-10s %-10s %5s %6s %10s %8s %-12s %9s %9s %9s %9s %9s %9s\n", "window", "from", "to", "days",
              "level", "exceptions", "expected", "P&L", "Kupiec LR", "p", "ind LR", "p", "cc LR", "p");
  for (const auto& [name, w] : {std::pair<const char*, const rr::backtest_window*>{"full", &r.full},
                                std::pair<const char*, const rr::backtest_window*>{"last250", &r.last_250}}) {
    for (const auto& [level, rate, lr] :
         {std::tuple{"0.99", rr::backtest_rate_99, &w->level_99}, std::tuple{"0.975", rr::backtest_rate_975, &w->level_975}}) {
      const auto& s = lr->statistics;
      std::printf("%-8s %-10s %-10s %5zu %6s %10llu %8.2f %-12s %9.4f %9s %9.4f %9s %9.4f %9s\n", name,
                  date(w->first).c_str(), date(w->first + w->rows - 1).c_str(), w->rows, level,
                  static_cast<unsigned long long>(s.exceptions), static_cast<double>(s.n) * rate,
                  std::string(rr::to_string(lr->basis)).c_str(), s.kupiec_lr, riskgrid_cli::p_value(s.kupiec_p).c_str(),
                  s.christoffersen_ind_lr, riskgrid_cli::p_value(s.christoffersen_ind_p).c_str(), s.christoffersen_cc_lr,
                  riskgrid_cli::p_value(s.christoffersen_cc_p).c_str());
    }
  }
  const auto x99 = r.last_250.level_99.statistics.exceptions, x975 = r.last_250.level_975.statistics.exceptions;
  std::printf("\nBasel traffic light (last %zu days, 99%%): %llu exceptions, %s, plus factor %.2f (multiplier %.2f)\n",
              r.last_250.rows, static_cast<unsigned long long>(x99), std::string(rr::to_string(r.basel.zone)).c_str(),
              r.basel.plus_factor, r.basel.multiplier());
  std::printf("FRTB: multiplier m_c %.2f; desk %s (%llu exceptions at 99%%, limit 12; %llu at 97.5%%, limit 30)\n",
              r.frtb_multiplier, r.desk == rr::desk_eligibility::eligible ? "eligible" : "NOT eligible",
              static_cast<unsigned long long>(x99), static_cast<unsigned long long>(x975));
}

int run(int argc, char** argv) {
  options o;
  CLI::App app{"riskgrid-backtest: VaR backtest (exceptions, Kupiec, Christoffersen, Basel, FRTB)", "riskgrid-backtest"};
  app.add_option("--input", o.input, "backtest.csv: date, pnl, var_99, var_975[, hpl]")->required();
  app.add_option("--out", o.out, "results JSON file");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  app.set_version_flag("--version", riskgrid::version_string);
  if (const auto stop = riskgrid_cli::parse_command_line(app, argc, argv)) return *stop;
  try {
    const auto in = riskgrid::io::load_backtest(o.input);
    const auto result = rr::backtest(in.series);
    if (!o.out.empty()) riskgrid::io::write_file_atomic(o.out, to_json(o.input, in, result).dump(2) + "\n");
    if (o.quiet) return 0;
    if (result.rows < rr::backtest_days)
      std::cerr << "warning: " << o.input << " has " << result.rows << " days; the Basel and FRTB tables assume "
                << rr::backtest_days << "\n";
    print_table(o.input, in, result);
    return 0;
  } catch (const riskgrid::input_error& e) {
    std::cerr << "error: " << e.what() << '\n';
    return exit_bad_input;
  }
}

}  // namespace

int main(int argc, char** argv) {
  try {
    return run(argc, argv);
  } catch (const std::exception& e) {
    std::cerr << "error: internal: " << e.what() << '\n';
    return riskgrid_cli::exit_internal;
  }
}
