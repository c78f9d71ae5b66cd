#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <vector>

#include <fcntl.h>
#include <unistd.h>

#include <nlohmann/json.hpp>

#include "riskgrid/core/error.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/version.hpp"

namespace riskgrid::io {

/// Everything the results JSON of riskgrid-var reports (keys of the foundation issue;
/// later versions add keys, never rename them).
struct run_report {
  std::string as_of;
  std::string base_currency = "USD";
  std::string model = "gaussian";
  std::uint64_t scenarios = 0;
  int horizon_days = 1;
  std::uint64_t seed = 0;
  int ranks = 1;
  int threads = 1;
  double base_value = 0.0;
  std::vector<risk::var_es_result> measures;
  risk::pnl_summary pnl;
  std::vector<portfolio::trade_summary> trades;
  double seconds = 0.0;
  double revaluations_per_second = 0.0;
};

/// The report as JSON. nlohmann::json prints doubles in their shortest round-trip form,
/// so the file can be compared bit for bit between runs (DESIGN.md §4).
[[nodiscard]] inline nlohmann::ordered_json to_json(const run_report& r) {
  nlohmann::ordered_json j;
  j["version"] = RISKGRID_VERSION_STRING;
  j["as_of"] = r.as_of;
  j["base_currency"] = r.base_currency;
  j["model"] = r.model;
  j["scenarios"] = r.scenarios;
  j["horizon_days"] = r.horizon_days;
  j["seed"] = r.seed;
  j["ranks"] = r.ranks;
  j["threads"] = r.threads;
  j["base_value"] = r.base_value;
  auto& measures = j["measures"] = nlohmann::ordered_json::array();
  // An interval end beyond the available ranks is null (no bound).
  const auto bound = [](const std::optional<double>& x) { return x ? nlohmann::ordered_json(*x) : nlohmann::ordered_json(); };
  for (const auto& m : r.measures)
    measures.push_back({{"confidence", m.confidence.value()},
                        {"var", m.var},
                        {"es", m.es},
                        {"var_ci95", nlohmann::ordered_json::array({bound(m.var_ci_low), bound(m.var_ci_high)})},
                        {"es_stderr", m.es_stderr}});
  j["pnl"] = {{"mean", r.pnl.mean}, {"stdev", r.pnl.stdev}, {"min", r.pnl.min}, {"max", r.pnl.max}};
  auto& trades = j["trades"] = nlohmann::ordered_json::array();
  for (const auto& t : r.trades)
    trades.push_back({{"id", t.id},
                      {"desk", t.desk},
                      {"type", std::string(portfolio::to_string(t.type))},
                      {"base_value", t.base_value}});
  j["timing"] = {{"seconds", r.seconds}, {"revaluations_per_second", r.revaluations_per_second}};
  return j;
}

namespace detail {

/// fsync of a file or directory; false if it could not be opened or synced.
inline bool sync_path(const std::string& path, int flags) noexcept {
  const int fd = ::open(path.c_str(), flags);
  if (fd < 0) return false;
  const bool ok = ::fsync(fd) == 0;
  ::close(fd);
  return ok;
}

}  // namespace detail

/// Writes `text` to `path` all or nothing: into a temporary file beside it, synced to
/// disk, then renamed over `path` (atomic on POSIX) and the directory synced, so a crash
/// or an error never leaves a partial output file. Throws input_error(path, …).
inline void write_file_atomic(const std::string& path, const std::string& text) {
  const std::string temporary = path + ".tmp." + std::to_string(static_cast<unsigned long>(::getpid()));
  {
    std::ofstream out(temporary, std::ios::binary | std::ios::trunc);
    if (!out) throw input_error(path, "cannot write file");
    out << text;
    out.flush();
    if (!out) {
      out.close();
      std::remove(temporary.c_str());
      throw input_error(path, "cannot write file");
    }
  }
  if (!detail::sync_path(temporary, O_RDONLY)) {
    std::remove(temporary.c_str());
    throw input_error(path, "cannot write file: sync failed");
  }
  std::error_code ec;
  std::filesystem::rename(temporary, path, ec);
  if (ec) {
    std::remove(temporary.c_str());
    throw input_error(path, "cannot write file: " + ec.message());
  }
  const auto parent = std::filesystem::path(path).parent_path();
  detail::sync_path(parent.empty() ? "." : parent.string(), O_RDONLY | O_DIRECTORY);
}

}  // namespace riskgrid::io
