#include <atomic>
#include <chrono>
#include <cstdint>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/threads.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"

namespace rg = riskgrid;
using rg::confidence;

namespace {
using riskgrid::testing::sensitivity;
using riskgrid::testing::equity;

// A small book on three correlated factors: two stocks (one in EUR) and a gamma position.
struct small_book {
  rg::market::base_market market = [] {
    rg::market::base_market m;
    m.add("EQ.ACME.SPOT", 250.0);
    m.add("FX.EURUSD.SPOT", 1.1);
    m.add("EQ.SAP.SPOT", 200.0);
    return m;
  }();
  rg::scenario::gaussian_model model{
      rg::scenario::covariance{rg::scenario::factor_set({"EQ.ACME.SPOT", "EQ.SAP.SPOT", "FX.EURUSD.SPOT"}),
                               [] {
                                 Eigen::MatrixXd sigma(3, 3);
                                 sigma << 4e-4, 1e-4, 5e-5, 1e-4, 3e-4, 2e-5, 5e-5, 2e-5, 5e-5;
                                 return sigma;
                               }()},
      {.seed = 11, .horizon_days = 1}};
  rg::portfolio::book book{{equity("E1", "ACME", "USD", 1000), equity("E2", "SAP", "EUR", -700),
                            sensitivity("S1", "FX.EURUSD.SPOT", 2e5, -3e6)},
                           market,
                           model.factors(),
                           {}};
};

std::vector<std::byte> bytes_of(const rg::risk::var_es_aggregator& a) {
  rg::byte_writer w;
  a.save(w);
  return w.bytes();
}

// Wraps a job: can throw in one chunk, delay one chunk, and checks that no chunk starts
// more than `window` chunks ahead of the first chunk not yet finished (the merge point
// can only be behind that).
template <class Job>
class instrumented_job {
 public:
  using state_type = typename Job::state_type;

  instrumented_job(const Job& job, std::size_t window) : job_(&job), window_(window), done_(job.chunk_count()) {}

  std::uint64_t throw_at = UINT64_MAX;
  std::uint64_t slow_chunk = UINT64_MAX;

  [[nodiscard]] std::uint64_t chunk_count() const { return job_->chunk_count(); }
  [[nodiscard]] state_type empty() const { return job_->empty(); }
  [[nodiscard]] state_type run_chunk(std::uint64_t c) const {
    {
      const std::lock_guard lock(mutex_);
      std::uint64_t prefix = 0;
      while (prefix < done_.size() && done_[prefix]) ++prefix;
      if (c >= prefix + window_) ahead_violations_.fetch_add(1);
    }
    if (c == throw_at) throw std::runtime_error("chunk " + std::to_string(c) + " failed");
    if (c == slow_chunk) std::this_thread::sleep_for(std::chrono::milliseconds(50));
    auto state = job_->run_chunk(c);
    const std::lock_guard lock(mutex_);
    done_[c] = true;
    runs_.fetch_add(1);
    return state;
  }

  [[nodiscard]] int ahead_violations() const { return ahead_violations_.load(); }
  [[nodiscard]] std::uint64_t runs() const { return runs_.load(); }

 private:
  const Job* job_;
  std::size_t window_;
  mutable std::mutex mutex_;
  mutable std::vector<bool> done_;
  mutable std::atomic<int> ahead_violations_{0};
  mutable std::atomic<std::uint64_t> runs_{0};
};

}  // namespace

TEST_CASE("The threads executor models exec::executor", "[exec][threads]") {
  using job = rg::exec::pipeline<rg::scenario::gaussian_model, rg::portfolio::book, rg::risk::var_es_aggregator>;
  STATIC_REQUIRE(rg::exec::executor<rg::exec::threads, job>);
  CHECK(rg::exec::threads().workers() >= 1);
  CHECK(rg::exec::threads(3).workers() == 3);
  CHECK(rg::exec::threads(3).reorder_window() == 12);
  CHECK(rg::exec::threads({.workers = 2, .reorder_window = 5}).reorder_window() == 5);
  CHECK_THROWS_AS(rg::exec::threads(0u), rg::error);
}

TEST_CASE("The threads executor gives the serial executor's bytes for any number of threads",
          "[exec][threads]") {
  const small_book s;
  const std::vector<confidence> levels{confidence(0.99), confidence(0.975), confidence(0.9)};
  const std::uint64_t n = 20011;
  // Chunk counts: 2 (below most thread counts), 4 (equal to one), 21, and 541 (far above).
  for (const std::uint64_t chunk : {10006u, 5003u, 1000u, 37u}) {
    const rg::risk::var_es_aggregator prototype(n, levels);
    const rg::exec::pipeline pipeline(s.model, s.book, prototype, {.scenarios = n, .chunk_size = chunk});
    const auto reference = bytes_of(rg::exec::run(pipeline, rg::exec::serial{}));
    for (const unsigned workers : {1u, 2u, 3u, 4u, 8u}) {
      INFO("chunk size " << chunk << " (" << pipeline.chunk_count() << " chunks), " << workers << " threads");
      const auto state = rg::exec::run(pipeline, rg::exec::threads(workers));
      CHECK(state.count() == n);
      CHECK(bytes_of(state) == reference);
    }
    // The smallest reorder window makes every worker wait for the merge point.
    const auto narrow = rg::exec::run(pipeline, rg::exec::threads({.workers = 4, .reorder_window = 1}));
    CHECK(bytes_of(narrow) == reference);
  }
}

TEST_CASE("The threads executor runs no chunk further ahead of the merge point than its window",
          "[exec][threads]") {
  const small_book s;
  const std::uint64_t n = 6000;
  const rg::risk::var_es_aggregator prototype(n, {confidence(0.99)});
  const rg::exec::pipeline pipeline(s.model, s.book, prototype, {.scenarios = n, .chunk_size = 20});
  const auto reference = bytes_of(rg::exec::run(pipeline, rg::exec::serial{}));
  for (const std::size_t window : {1u, 3u, 8u}) {
    instrumented_job job(pipeline, window);
    job.slow_chunk = 0;  // the others would race ahead without the bound
    const auto state = rg::exec::run(job, rg::exec::threads({.workers = 4, .reorder_window = window}));
    INFO("window " << window);
    CHECK(job.ahead_violations() == 0);
    CHECK(job.runs() == pipeline.chunk_count());
    CHECK(bytes_of(state) == reference);
  }
}

TEST_CASE("An exception thrown in a chunk surfaces from run() after the workers stop", "[exec][threads]") {
  const small_book s;
  const std::uint64_t n = 5000;
  const rg::risk::var_es_aggregator prototype(n, {confidence(0.99)});
  const rg::exec::pipeline pipeline(s.model, s.book, prototype, {.scenarios = n, .chunk_size = 50});
  for (const unsigned workers : {1u, 2u, 4u}) {
    for (const std::uint64_t bad : {std::uint64_t{0}, std::uint64_t{37}, pipeline.chunk_count() - 1}) {
      instrumented_job job(pipeline, 4 * workers);
      job.throw_at = bad;
      INFO(workers << " threads, failing chunk " << bad);
      CHECK_THROWS_WITH(rg::exec::run(job, rg::exec::threads(workers)), "chunk " + std::to_string(bad) + " failed");
      CHECK(job.runs() < pipeline.chunk_count());
    }
  }
}
