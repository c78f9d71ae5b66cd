#pragma once

#include <cstdint>

#include "riskgrid/exec/concepts.hpp"

namespace riskgrid::exec {

/// Runs every chunk in order on the calling thread. The reference executor.
struct serial {
  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run(const Job& job) const {
    auto total = job.empty();
    for (std::uint64_t c = 0; c < job.chunk_count(); ++c) {
      total.merge(job.run_chunk(c));
      detail::notify_merged(job, c);
    }
    return total;
  }
  [[nodiscard]] static constexpr int workers() noexcept { return 1; }
};

/// Runs `job` on `executor`: the pipeline code is the same for every executor.
template <class Job, class Executor>
  requires executor<Executor, Job>
[[nodiscard]] typename Job::state_type run(const Job& job, const Executor& executor) {
  return executor.run(job);
}

}  // namespace riskgrid::exec
