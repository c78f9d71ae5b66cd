#pragma once

#include <cstdint>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <optional>
#include <string>
#include <utility>
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

/// A desk's or a trade's share of one measure: Euler components (they add up to the
/// portfolio's VaR and ES), for desks the desk's own VaR and ES, for trades the marginal
/// VaR and ES per unit of quantity (risk::marginal_per_unit; null without a quantity),
/// and, for the positions riskgrid-var --incremental names, the incremental VaR and ES,
/// ρ(P) − ρ(P without the position): keys written only for those positions.
struct position_attribution {
  std::string name;
  double component_var = 0.0;
  double component_es = 0.0;
  std::optional<double> standalone_var, standalone_es;
  std::optional<double> marginal_var{}, marginal_es{};
  std::optional<double> incremental_var{}, incremental_es{};
};

/// Attribution of one measure (one confidence level), desks and trades in book order.
struct measure_attribution {
  std::vector<position_attribution> desks;
  std::vector<position_attribution> trades;
};

/// How a run with a checkpoint directory obtained its chunks (riskgrid-var
/// --checkpoint): `loaded` from records of earlier or concurrent launches, `computed` by
/// this launch (all its ranks), `discarded` records found damaged and recomputed.
struct checkpoint_report {
  std::string directory;
  bool elastic = false;
  std::uint64_t chunks = 0;
  std::uint64_t loaded = 0;
  std::uint64_t computed = 0;
  std::uint64_t discarded = 0;
};

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
  std::vector<measure_attribution> attribution;  ///< one per measure, or empty
  risk::pnl_summary pnl;
  std::vector<portfolio::trade_summary> trades;
  double seconds = 0.0;
  double revaluations_per_second = 0.0;
  double attribution_seconds = 0.0;  ///< the attribution passes, after `seconds`
  std::optional<checkpoint_report> checkpoint;  ///< with --checkpoint only
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
  for (std::size_t i = 0; i < r.measures.size(); ++i) {
    const auto& m = r.measures[i];
    measures.push_back({{"confidence", m.confidence.value()},
                        {"var", m.var},
                        {"es", m.es},
                        {"var_ci95", nlohmann::ordered_json::array({bound(m.var_ci_low), bound(m.var_ci_high)})},
                        {"es_stderr", m.es_stderr}});
    if (i >= r.attribution.size()) continue;
    auto& desks = measures.back()["desks"] = nlohmann::ordered_json::object();
    // Incremental figures exist only for the positions asked for (they cost a pass).
    const auto add_incremental = [](nlohmann::ordered_json& out, const position_attribution& p) {
      if (p.incremental_var) out["incremental_var"] = *p.incremental_var;
      if (p.incremental_es) out["incremental_es"] = *p.incremental_es;
    };
    for (const auto& d : r.attribution[i].desks) {
      desks[d.name] = {{"standalone_var", bound(d.standalone_var)},
                       {"standalone_es", bound(d.standalone_es)},
                       {"component_var", d.component_var},
                       {"component_es", d.component_es}};
      add_incremental(desks[d.name], d);
    }
    auto& trades = measures.back()["trades"] = nlohmann::ordered_json::object();
    for (const auto& t : r.attribution[i].trades) {
      trades[t.name] = {{"component_var", t.component_var},
                        {"component_es", t.component_es},
                        {"marginal_var", bound(t.marginal_var)},
                        {"marginal_es", bound(t.marginal_es)}};
      add_incremental(trades[t.name], t);
    }
  }
  j["pnl"] = {{"mean", r.pnl.mean}, {"stdev", r.pnl.stdev}, {"min", r.pnl.min}, {"max", r.pnl.max}};
  auto& trades = j["trades"] = nlohmann::ordered_json::array();
  for (const auto& t : r.trades)
    trades.push_back({{"id", t.id},
                      {"desk", t.desk},
                      {"type", std::string(portfolio::to_string(t.type))},
                      {"base_value", t.base_value}});
  if (r.checkpoint)
    j["checkpoint"] = {{"directory", r.checkpoint->directory},
                       {"elastic", r.checkpoint->elastic},
                       {"chunks", r.checkpoint->chunks},
                       {"chunks_loaded", r.checkpoint->loaded},
                       {"chunks_computed", r.checkpoint->computed},
                       {"records_discarded", r.checkpoint->discarded}};
  j["timing"] = {{"seconds", r.seconds},
                 {"revaluations_per_second", r.revaluations_per_second},
                 {"attribution_seconds", r.attribution_seconds}};
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

/// Writes several (path, text) files all or nothing, as far as POSIX allows: every file
/// is written and synced under a staging name beside its path first (an error there
/// removes them all and leaves every path untouched), then each is renamed into place.
inline void write_files_atomic(const std::vector<std::pair<std::string, std::string>>& files) {
  const std::string suffix = ".staged." + std::to_string(static_cast<unsigned long>(::getpid()));
  std::vector<std::string> staged;
  const auto discard = [&] {
    for (const auto& s : staged) std::remove(s.c_str());
  };
  for (const auto& [path, text] : files) {
    try {
      write_file_atomic(path + suffix, text);
    } catch (const error&) {
      discard();
      throw input_error(path, "cannot write file");
    }
    staged.push_back(path + suffix);
  }
  for (std::size_t i = 0; i < files.size(); ++i) {
    std::error_code ec;
    std::filesystem::rename(staged[i], files[i].first, ec);
    if (ec) {
      for (std::size_t k = i; k < staged.size(); ++k) std::remove(staged[k].c_str());
      throw input_error(files[i].first, "cannot write file: " + ec.message());
    }
    const auto parent = std::filesystem::path(files[i].first).parent_path();
    detail::sync_path(parent.empty() ? "." : parent.string(), O_RDONLY | O_DIRECTORY);
  }
}

}  // namespace riskgrid::io
