#pragma once

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <charconv>
#include <chrono>
#include <cstdint>
#include <exception>
#include <filesystem>
#include <mutex>
#include <optional>
#include <random>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/checkpoint.hpp"
#include "riskgrid/exec/concepts.hpp"

namespace riskgrid::exec {

/// Options of exec::elastic.
struct elastic_options {
  /// Worker threads in this process, ≥ 1 (0 means 1).
  unsigned workers = 1;
  /// A claim not released within this time is taken over by another worker. Must exceed
  /// the time one chunk takes, or chunks are computed twice (harmless, wasted).
  std::chrono::milliseconds claim_ttl = std::chrono::minutes(5);
  /// Pause between two scans when every unfinished chunk is claimed by someone else.
  std::chrono::milliseconds poll_interval = std::chrono::milliseconds(200);
  /// Names this worker in its claim files (host, pid and thread are added), e.g. "rank3".
  std::string identity;
};

/// Claim files of an elastic checkpoint: `DIR/claims/chunk-<index>.claim`, holding
/// `owner=…`, a random `nonce=…` and `expires_ms=<Unix time>`.
///
/// acquire(): a complete claim is written to a temporary file and link(2)ed to the claim
/// name, which fails with EEXIST if the name exists (the atomic create-if-absent of
/// O_EXCL, without readers ever seeing a half-written claim). If the existing claim has
/// expired, the worker renames it to a private name (of two racing workers one rename
/// succeeds, the other gets ENOENT), checks that what it moved is the expired claim it
/// read (not a fresh claim made meanwhile by a third worker, which it puts back), deletes
/// it and links its own. release() deletes the claim if it still carries the worker's
/// nonce. Every race leaves at worst two workers computing the same chunk, which is
/// harmless: records are byte-identical and renamed into place atomically. Claims only
/// avoid wasted work; correctness rests on the records alone.
class claim_board {
 public:
  claim_board(const checkpoint_store& store, std::string owner, std::chrono::milliseconds ttl)
      : dir_((store.directory() / "claims").string()), owner_(std::move(owner)), ttl_(ttl) {
    std::error_code ec;
    std::filesystem::create_directories(dir_, ec);
    if (ec) throw error(dir_ + ": cannot create: " + ec.message());
  }

  [[nodiscard]] std::string claim_path(std::uint64_t chunk) const {
    char name[40];
    std::snprintf(name, sizeof name, "chunk-%012llu.claim", static_cast<unsigned long long>(chunk));
    return dir_ + "/" + name;
  }

  /// A claim of `chunk` for this worker, or nothing if a live claim of another holds it.
  /// Returns the nonce to release it with.
  [[nodiscard]] std::optional<std::uint64_t> acquire(std::uint64_t chunk) const {
    const std::string path = claim_path(chunk);
    for (int attempt = 0; attempt < 4; ++attempt) {
      const std::uint64_t nonce = fresh_nonce();
      const std::string text = "owner=" + owner_ + "\nnonce=" + detail::hex64(nonce) +
                               "\nexpires_ms=" + std::to_string(now_ms() + ttl_.count()) + "\n";
      const std::string temporary = detail::unique_temporary(path);
      {
        const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
        if (fd < 0) throw error(temporary + ": cannot create: " + detail::errno_text(errno));
        const bool ok = detail::write_all(fd, detail::as_byte_span(text));
        ::close(fd);
        if (!ok) {
          ::unlink(temporary.c_str());
          throw error(temporary + ": cannot write claim");
        }
      }
      const bool linked = ::link(temporary.c_str(), path.c_str()) == 0;
      const int code = errno;
      ::unlink(temporary.c_str());
      if (linked) return nonce;
      if (code != EEXIST) throw error(path + ": cannot create claim: " + detail::errno_text(code));
      const auto held = read(path);
      if (!held) continue;  // released meanwhile
      if (held->expires_ms > now_ms()) return std::nullopt;
      // Expired: move it aside; only one of several racing workers succeeds.
      const std::string aside = path + ".stale." + detail::hex64(nonce);
      if (::rename(path.c_str(), aside.c_str()) != 0) continue;
      const auto moved = read(aside);
      if (moved && moved->nonce != held->nonce) {
        // A fresh claim made after our read: put it back unless yet another exists.
        (void)::link(aside.c_str(), path.c_str());
        ::unlink(aside.c_str());
        return std::nullopt;
      }
      ::unlink(aside.c_str());
    }
    return std::nullopt;
  }

  /// Deletes this worker's claim of `chunk` (nothing if another worker took it over).
  void release(std::uint64_t chunk, std::uint64_t nonce) const {
    const std::string path = claim_path(chunk);
    const auto held = read(path);
    if (held && held->nonce == nonce) ::unlink(path.c_str());
  }

  [[nodiscard]] static std::int64_t now_ms() {
    return std::chrono::duration_cast<std::chrono::milliseconds>(std::chrono::system_clock::now().time_since_epoch())
        .count();
  }

 private:
  struct claim {
    std::uint64_t nonce = 0;
    std::int64_t expires_ms = 0;
  };

  // A claim that cannot be parsed counts as expired at once (claims are linked whole, so
  // it is debris, not a claim being written).
  static std::optional<claim> read(const std::string& path) {
    const auto bytes = detail::read_whole_file(path);
    if (!bytes) return std::nullopt;
    const std::string_view text(reinterpret_cast<const char*>(bytes->data()), bytes->size());
    claim c;
    for (std::size_t at = 0; at < text.size();) {
      const auto end = std::min(text.find('\n', at), text.size());
      const auto line = text.substr(at, end - at);
      at = end + 1;
      const auto eq = line.find('=');
      if (eq == std::string_view::npos) continue;
      const auto key = line.substr(0, eq), value = line.substr(eq + 1);
      if (key == "nonce") std::from_chars(value.data(), value.data() + value.size(), c.nonce, 16);
      if (key == "expires_ms") std::from_chars(value.data(), value.data() + value.size(), c.expires_ms);
    }
    return c;
  }

  static std::uint64_t fresh_nonce() {
    thread_local std::mt19937_64 engine(std::random_device{}() ^
                                        (static_cast<std::uint64_t>(::getpid()) << 32) ^
                                        static_cast<std::uint64_t>(now_ms()));
    return engine() | 1;  // never 0, the value of an unparseable claim
  }

  std::string dir_;
  std::string owner_;
  std::chrono::milliseconds ttl_;
};

/// Elastic execution for spot grids (DESIGN.md §5): any number of independent launches
/// (processes, hosts, mpiruns, job-array tasks) work on one checkpoint directory at once.
/// Each worker repeatedly scans the chunks, claims one without a record (claim_board),
/// runs it through the checkpointed job (which stores its record) and releases the claim;
/// claims of dead workers expire and are taken over. work() returns when every chunk has
/// a record; run() then merges all records in chunk order (recomputing any that turns out
/// invalid), so every launch that gets that far returns the same bits as exec::serial.
///
/// Filesystem requirements (docs/cluster.md): atomic rename(2) and link(2) with EEXIST
/// semantics, fsync, and close-to-open consistency between hosts (local filesystems,
/// NFSv3+, Lustre, GPFS, CephFS). Clocks of the hosts must agree to well within
/// claim_ttl. Eventually consistent object stores (S3 and the like) do not qualify.
///
/// Thread-safety: run()/work() may be called concurrently by any number of processes;
/// within one, the `workers` threads share the scan.
class elastic {
 public:
  explicit elastic(elastic_options options = {}) : options_(std::move(options)) {
    if (options_.workers == 0) options_.workers = 1;
  }

  /// Works until every chunk is durable, then merges them in chunk order.
  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run(const checkpointed_job<Job>& job) const {
    work(job);
    return merge(job);
  }

  /// The records of all chunks merged in chunk order (a chunk whose record is missing or
  /// invalid is recomputed and stored). Call after work() has returned somewhere.
  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type merge(const checkpointed_job<Job>& job) const {
    auto total = job.empty();
    for (std::uint64_t c = 0; c < job.chunk_count(); ++c) total.merge(job.run_chunk(c));
    return total;
  }

  /// Claims and computes chunks until every chunk has a record (possibly written by
  /// other launches). Calls job.chunk_merged(c) once for each chunk as it is seen done.
  template <chunked_job Job>
  void work(const checkpointed_job<Job>& job) const {
    const std::uint64_t chunks = job.chunk_count();
    std::vector<std::atomic<bool>> done(static_cast<std::size_t>(chunks));
    std::atomic<std::uint64_t> remaining{chunks};
    std::mutex failure_mutex;
    std::exception_ptr failure;
    std::atomic<bool> stop{false};
    const auto mark_done = [&](std::uint64_t c) {
      if (!done[static_cast<std::size_t>(c)].exchange(true)) {
        remaining.fetch_sub(1);
        job.chunk_merged(c);
      }
    };
    const auto worker = [&](unsigned index) {
      try {
        char host[256] = {};
        if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
        const claim_board board(job.store(),
                                options_.identity + (options_.identity.empty() ? "" : "@") + host + ":" +
                                    std::to_string(static_cast<long long>(::getpid())) + ":t" + std::to_string(index),
                                options_.claim_ttl);
        // Threads start their scans at different chunks so they do not queue on one claim.
        const std::uint64_t offset = chunks * index / options_.workers;
        while (remaining.load() != 0 && !stop.load()) {
          bool worked = false;
          for (std::uint64_t k = 0; k < chunks && !stop.load(); ++k) {
            const std::uint64_t c = (offset + k) % chunks;
            if (done[static_cast<std::size_t>(c)].load()) continue;
            if (job.store().has_record(c)) {
              mark_done(c);
              continue;
            }
            const auto nonce = board.acquire(c);
            if (!nonce) continue;
            if (!job.store().has_record(c)) (void)job.run_chunk(c);
            board.release(c, *nonce);
            mark_done(c);
            worked = true;
          }
          if (!worked && remaining.load() != 0) std::this_thread::sleep_for(options_.poll_interval);
        }
      } catch (...) {
        const std::lock_guard lock(failure_mutex);
        if (!failure) failure = std::current_exception();
        stop = true;
      }
    };
    std::vector<std::thread> pool;
    pool.reserve(options_.workers - 1);
    try {
      for (unsigned i = 1; i < options_.workers; ++i) pool.emplace_back(worker, i);
    } catch (...) {
      stop = true;
      for (auto& t : pool) t.join();
      throw;
    }
    worker(0);
    for (auto& t : pool) t.join();
    if (failure) std::rethrow_exception(failure);
  }

  [[nodiscard]] const elastic_options& options() const noexcept { return options_; }

 private:
  elastic_options options_;
};

}  // namespace riskgrid::exec
