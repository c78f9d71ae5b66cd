// riskgrid-pla: the FRTB P&L attribution test (MAR32.42, issue 5 item 5).
//
// Reads pla.csv (date, hpl, rtpl), takes the last 250 days, computes Spearman's rank
// correlation and the two-sample Kolmogorov–Smirnov statistic of HPL against RTPL and
// the PLA zone. Prints a table and writes the JSON atomically.
// Exit status: 0 ok, 2 bad input or option, 3 internal error.

#include <cstdio>
#include <exception>
#include <iostream>
#include <span>
#include <string>

#include <CLI/CLI.hpp>
#include <nlohmann/json.hpp>

#include "cli_support.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/io/pla_csv.hpp"
#include "riskgrid/io/results_json.hpp"
#include "riskgrid/risk/pla.hpp"
#include "riskgrid/version.hpp"

namespace {

namespace rr = riskgrid::risk;
using riskgrid_cli::exit_bad_input;

/// Window of the test (MAR32.41: the most recent 250 trading days).
constexpr std::size_t pla_days = 250;

struct options {
  std::string input, out;
  bool quiet = false;
};

int run(int argc, char** argv) {
  options o;
  CLI::App app{"riskgrid-pla: P&L attribution test, Spearman and Kolmogorov-Smirnov (MAR32.42)", "riskgrid-pla"};
  app.add_option("--input", o.input, "pla.csv: date, hpl, rtpl")->required();
  app.add_option("--out", o.out, "results JSON file");
  app.add_flag("--quiet", o.quiet, "print nothing but errors");
  app.set_version_flag("--version", riskgrid::version_string);
  if (const auto stop = riskgrid_cli::parse_command_line(app, argc, argv)) return *stop;
  try {
    const auto in = riskgrid::io::load_pla(o.input);
    const auto rows = in.hpl.size();
    if (rows < 2) throw riskgrid::input_error(o.input, "the test needs at least 2 days, got " + std::to_string(rows));
    const auto first = rows > pla_days ? rows - pla_days : 0;
    rr::pla_result result;
    try {
      result = rr::pla_test(std::span<const double>(in.hpl).subspan(first), std::span<const double>(in.rtpl).subspan(first));
    } catch (const riskgrid::model_error& e) {
      // A constant series over the window: name the file (the whole window is at fault).
      throw riskgrid::input_error(o.input, std::string(e.what()) + " over the last " + std::to_string(rows - first) + " days");
    }
    const auto start = riskgrid::format_iso_date(in.dates[first]), end = riskgrid::format_iso_date(in.dates.back());
    if (!o.out.empty()) {
      nlohmann::ordered_json j;
      j["version"] = RISKGRID_VERSION_STRING;
      j["input"] = o.input;
      j["rows"] = rows;
      j["start_date"] = start;
      j["end_date"] = end;
      j["n"] = result.n;
      j["spearman"] = result.spearman;
      j["ks"] = result.ks;
      j["zone"] = std::string(rr::to_string(result.zone));
      riskgrid::io::write_file_atomic(o.out, j.dump(2) + "\n");
    }
    if (o.quiet) return 0;
    if (result.n < pla_days)
      std::cerr << "warning: " << o.input << " has " << result.n << " days; the PLA test is defined on " << pla_days << "\n";
    std::printf("riskgrid-pla %s: %s, %zu days from %s to %s (of %zu in the file)\n\n", riskgrid::version_string,
                o.input.c_str(), result.n, start.c_str(), end.c_str(), rows);
    std::printf("%-22s %10.6f %s\n", "Spearman correlation", result.spearman, "(green > 0.80, red < 0.70)");
    std::printf("%-22s %10.6f %s\n", "Kolmogorov-Smirnov", result.ks, "(green < 0.09, red > 0.12)");
    std::printf("%-22s %10s\n", "PLA zone", std::string(rr::to_string(result.zone)).c_str());
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
