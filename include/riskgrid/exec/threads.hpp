#pragma once

#include <algorithm>
#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <exception>
#include <mutex>
#include <optional>
#include <thread>
#include <utility>
#include <vector>

#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/concepts.hpp"

namespace riskgrid::exec {

/// Sizes of an exec::threads pool.
struct threads_options {
  /// Worker threads, ≥ 1; 0 means std::thread::hardware_concurrency() (1 if unknown).
  unsigned workers = 0;
  /// Most chunks a worker may run ahead of the merge point; 0 means 4 × workers. Bounds
  /// the finished-but-unmerged states held at once, whatever the number of chunks.
  std::size_t reorder_window = 0;
};

/// Runs a job on a pool of std::threads created for each run() (DESIGN.md §2: a laptop's
/// cores, no MPI needed).
///
/// Workers claim chunks dynamically from an atomic counter (uneven chunks balance
/// themselves) and park each finished state in a reorder buffer; the calling thread
/// merges the contiguous prefix of finished chunks into the total as soon as it is
/// complete, strictly in chunk order, so the result is the same bits as exec::serial for
/// any number of workers. A worker that claims chunk c waits until c < merged +
/// reorder_window before running it: at most reorder_window chunk states exist at once
/// (plus the total and the one being merged), independent of the chunk count.
///
/// Exceptions: the first exception thrown by a chunk (or by a merge) stops the remaining
/// work; run() rethrows it after every worker has stopped. Any other exception thrown
/// while other chunks fail is dropped.
///
/// Thread-safety: job.run_chunk() is called concurrently from several threads (it is
/// const and pure, see exec::chunked_job); merge() runs on the calling thread only.
/// One executor object may serve concurrent run() calls.
class threads {
 public:
  /// std::thread::hardware_concurrency() workers (1 if it is unknown).
  threads() : threads(threads_options{}) {}

  /// Throws riskgrid::error if workers == 0.
  explicit threads(unsigned workers) : threads(threads_options{.workers = checked(workers)}) {}

  explicit threads(threads_options options)
      : workers_(options.workers != 0 ? options.workers : default_workers()),
        window_(options.reorder_window != 0 ? options.reorder_window : 4 * std::size_t{workers_}) {}

  /// The merge, in chunk order, of the states of all of the job's chunks.
  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run(const Job& job) const {
    using state = typename Job::state_type;
    const std::uint64_t chunks = job.chunk_count();
    auto total = job.empty();
    if (chunks == 0) return total;
    const std::size_t window = static_cast<std::size_t>(std::min<std::uint64_t>(window_, chunks));
    const unsigned pool_size = static_cast<unsigned>(std::min<std::uint64_t>(workers_, chunks));

    struct shared_state {
      std::mutex mutex;
      std::condition_variable space;  // workers wait for the merge point to advance
      std::condition_variable ready;  // the caller waits for the next chunk in order
      std::vector<std::optional<state>> slots;  // chunk c in slot c % window
      std::uint64_t merged = 0;                 // chunks [0, merged) taken by the merger
      std::exception_ptr failure;
      bool stop = false;
      std::atomic<std::uint64_t> next{0};

      void fail(std::exception_ptr e) {
        const std::lock_guard lock(mutex);
        if (!failure) failure = std::move(e);
        stop = true;
        space.notify_all();
        ready.notify_all();
      }
    } shared;
    shared.slots.resize(window);

    const auto work = [&job, &shared, chunks, window] {
      try {
        for (;;) {
          const std::uint64_t c = shared.next.fetch_add(1, std::memory_order_relaxed);
          if (c >= chunks) return;
          {
            std::unique_lock lock(shared.mutex);
            shared.space.wait(lock, [&] { return shared.stop || c < shared.merged + window; });
            if (shared.stop) return;
          }
          auto result = job.run_chunk(c);
          const std::lock_guard lock(shared.mutex);
          if (shared.stop) return;
          shared.slots[static_cast<std::size_t>(c % window)].emplace(std::move(result));
          if (c == shared.merged) shared.ready.notify_one();
        }
      } catch (...) {
        shared.fail(std::current_exception());
      }
    };

    std::vector<std::thread> pool_threads;
    // Joins on every exit path, including a failed thread creation or merge.
    struct joiner {
      shared_state& shared;
      std::vector<std::thread>& pool;
      ~joiner() {
        {
          const std::lock_guard lock(shared.mutex);
          shared.stop = true;
          shared.space.notify_all();
        }
        for (auto& t : pool)
          if (t.joinable()) t.join();
      }
    };
    {
      const joiner join_all{shared, pool_threads};
      try {
        pool_threads.reserve(pool_size);
        for (unsigned i = 0; i < pool_size; ++i) pool_threads.emplace_back(work);
        for (std::uint64_t c = 0; c < chunks; ++c) {
          std::optional<state> chunk_state;
          {
            std::unique_lock lock(shared.mutex);
            auto& slot = shared.slots[static_cast<std::size_t>(c % window)];
            shared.ready.wait(lock, [&] { return shared.stop || slot.has_value(); });
            if (shared.stop) break;
            chunk_state.swap(slot);
            shared.merged = c + 1;
            shared.space.notify_all();
          }
          total.merge(*chunk_state);
          detail::notify_merged(job, c);
        }
      } catch (...) {
        shared.fail(std::current_exception());
      }
    }
    if (shared.failure) std::rethrow_exception(shared.failure);
    return total;
  }

  [[nodiscard]] int workers() const noexcept { return static_cast<int>(workers_); }
  [[nodiscard]] std::size_t reorder_window() const noexcept { return window_; }

  /// std::thread::hardware_concurrency(), or 1 when the platform does not know.
  [[nodiscard]] static unsigned default_workers() noexcept {
    const unsigned n = std::thread::hardware_concurrency();
    return n == 0 ? 1 : n;
  }

 private:
  static unsigned checked(unsigned workers) {
    if (workers == 0) throw error("threads executor: at least one worker is needed, got 0");
    return workers;
  }

  unsigned workers_;
  std::size_t window_;
};

}  // namespace riskgrid::exec
