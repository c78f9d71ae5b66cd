#pragma once

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <mutex>
#include <ostream>
#include <string>

#include "riskgrid/exec/concepts.hpp"

namespace riskgrid::exec {

/// How a progress_meter reports.
enum class progress_style {
  off,    ///< nothing
  bar,    ///< a bar redrawn in place with `\r` (for a terminal)
  lines,  ///< plain lines, every `line_interval` or every 10 % (for logs)
};

/// Options of a progress_meter.
struct progress_options {
  progress_style style = progress_style::lines;
  /// Plain lines: at most this long between two lines while chunks finish.
  std::chrono::steady_clock::duration line_interval = std::chrono::seconds(10);
  /// Nothing is printed before this much time has passed: short runs stay silent.
  std::chrono::steady_clock::duration quiet_start = std::chrono::seconds(1);
  /// Bar: the shortest time between two redraws.
  std::chrono::steady_clock::duration redraw_interval = std::chrono::milliseconds(250);
};

/// Chunks done / total, scenarios per second and the remaining time, on a stream
/// (riskgrid-var: stderr, rank 0 only). Reports only; never affects a result.
///
/// Rate and ETA count the chunks done since construction, so chunks loaded from a
/// checkpoint at the start make the first estimates optimistic. Thread-safe: chunk_done
/// may be called from any thread.
class progress_meter {
 public:
  using clock = std::chrono::steady_clock;

  /// `chunks` and `scenarios` of the whole job; `out` must outlive the meter.
  progress_meter(std::ostream& out, std::uint64_t chunks, std::uint64_t scenarios, progress_options options = {},
                 clock::time_point start = clock::now())
      : out_(&out), chunks_(chunks), scenarios_(scenarios), options_(options), start_(start), last_(start) {}

  progress_meter(const progress_meter&) = delete;
  progress_meter& operator=(const progress_meter&) = delete;
  ~progress_meter() { finish(); }

  /// One more chunk is done (at `now`); calls beyond the total are ignored.
  void chunk_done(clock::time_point now = clock::now()) {
    const std::lock_guard lock(mutex_);
    if (done_ == chunks_) return;
    ++done_;
    if (options_.style == progress_style::off || now - start_ < options_.quiet_start) return;
    if (options_.style == progress_style::bar) {
      if (now - last_ < options_.redraw_interval && done_ != chunks_) return;
      *out_ << '\r' << bar() << ' ' << status(now) << std::flush;
      drawn_ = true;
    } else {
      const auto decile = done_ * 10 / (chunks_ == 0 ? 1 : chunks_);
      if (now - last_ < options_.line_interval && decile == decile_ && done_ != chunks_) return;
      decile_ = decile;
      *out_ << "progress: " << status(now) << '\n' << std::flush;
      drawn_ = true;
    }
    last_ = now;
  }

  /// Ends a bar with a newline (idempotent; the destructor calls it).
  void finish() {
    const std::lock_guard lock(mutex_);
    if (drawn_ && options_.style == progress_style::bar) *out_ << '\n' << std::flush;
    drawn_ = false;
  }

  [[nodiscard]] std::uint64_t done() const {
    const std::lock_guard lock(mutex_);
    return done_;
  }

  /// `12/40 chunks (30.0%), 1.25e+05 scenarios/s, ETA 0:00:12`.
  [[nodiscard]] std::string status(clock::time_point now) const {
    const double seconds = std::chrono::duration<double>(now - start_).count();
    const double fraction = chunks_ == 0 ? 1.0 : static_cast<double>(done_) / static_cast<double>(chunks_);
    const double rate = seconds > 0.0 ? fraction * static_cast<double>(scenarios_) / seconds : 0.0;
    char buffer[160];
    std::snprintf(buffer, sizeof buffer, "%llu/%llu chunks (%.1f%%), %.3g scenarios/s, ETA %s",
                  static_cast<unsigned long long>(done_), static_cast<unsigned long long>(chunks_), 100.0 * fraction,
                  rate, fraction > 0.0 ? clock_text(seconds * (1.0 - fraction) / fraction).c_str() : "-");
    return buffer;
  }

 private:
  [[nodiscard]] std::string bar() const {
    constexpr std::uint64_t width = 30;
    const std::uint64_t filled = chunks_ == 0 ? width : done_ * width / chunks_;
    std::string text(width + 2, '.');
    text.front() = '[';
    text.back() = ']';
    std::fill_n(text.begin() + 1, filled, '#');
    return text;
  }

  static std::string clock_text(double seconds) {
    const auto s = static_cast<long long>(std::llround(std::max(0.0, seconds)));
    char buffer[48];
    std::snprintf(buffer, sizeof buffer, "%lld:%02lld:%02lld", s / 3600, s / 60 % 60, s % 60);
    return buffer;
  }

  std::ostream* out_;
  std::uint64_t chunks_, scenarios_;
  progress_options options_;
  clock::time_point start_, last_;
  mutable std::mutex mutex_;
  std::uint64_t done_ = 0, decile_ = 0;
  bool drawn_ = false;
};

/// A chunked job that tells a progress_meter about every merged chunk (the
/// chunk_merged hook every executor calls); otherwise the wrapped job unchanged. Holds
/// references: `job` and `meter` must outlive it.
template <chunked_job Job>
class progress_job {
 public:
  using state_type = typename Job::state_type;

  progress_job(const Job& job, progress_meter& meter) : job_(&job), meter_(&meter) {}

  [[nodiscard]] std::uint64_t chunk_count() const { return job_->chunk_count(); }
  [[nodiscard]] state_type empty() const { return job_->empty(); }
  [[nodiscard]] state_type run_chunk(std::uint64_t c) const { return job_->run_chunk(c); }
  void chunk_merged(std::uint64_t c) const {
    detail::notify_merged(*job_, c);
    meter_->chunk_done();
  }

 private:
  const Job* job_;
  progress_meter* meter_;
};

}  // namespace riskgrid::exec
