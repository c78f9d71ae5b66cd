// Runs under mpiexec at 1, 2, 3 and 4 ranks (see tests/CMakeLists.txt). Every rank
// computes the serial reference itself, so equality here at every rank count means
// the MPI results are the same bits at every rank count.

#include <cstring>
#include <string>
#include <vector>

#include <boost/mpi/communicator.hpp>
#include <catch2/catch.hpp>

#include "riskgrid/exec/mpi.hpp"
#include "riskgrid/riskgrid.hpp"

namespace rg = riskgrid;

namespace {

// Every eighth trade of the sample except the Americans: every other trade type, and a
// book cheap enough to revalue some thirty times per rank under the sanitizers, where the
// SIMD kernels are not inlined (the executor's determinism does not depend on the pricers).
std::vector<rg::portfolio::trade> executor_trades() {
  const auto all = rg::io::load_portfolio(RISKGRID_SOURCE_DIR "/examples/data/portfolio.csv");
  std::vector<rg::portfolio::trade> kept;
  for (std::size_t i = 0; i < all.size(); i += 8) {
    if (all[i].type != rg::portfolio::trade_type::american) kept.push_back(all[i]);
  }
  return kept;
}

struct sample {
  rg::market::base_market market = rg::io::load_market(RISKGRID_SOURCE_DIR "/examples/data/market.csv");
  rg::scenario::covariance covariance = rg::io::load_covariance(RISKGRID_SOURCE_DIR "/examples/data/covariance.csv");
  rg::scenario::gaussian_model model{covariance, {.seed = 20261126, .horizon_days = 10}};
  rg::portfolio::book book{executor_trades(), market, model.factors(),
                           {.base_currency = "USD", .as_of = rg::parse_iso_date("2026-11-25")}};
};

std::vector<std::byte> bytes_of(const rg::risk::var_es_aggregator& a) {
  rg::byte_writer w;
  a.save(w);
  return w.bytes();
}

}  // namespace

TEST_CASE("The MPI executor gives the serial executor's bits at any rank count", "[mpi][exec]") {
  const boost::mpi::communicator world;
  const sample s;
  const std::vector<rg::confidence> levels{rg::confidence(0.99), rg::confidence(0.975), rg::confidence(0.9)};
  const std::uint64_t n = 2000;
  // Chunk sizes: many chunks, a count not divisible by the ranks, fewer chunks than ranks.
  for (const std::uint64_t chunk : {50u, 167u, 1250u, 2000u}) {
    const rg::risk::var_es_aggregator prototype(n, levels);
    const rg::exec::pipeline pipeline(s.model, s.book, prototype, {.scenarios = n, .chunk_size = chunk});
    const auto serial = rg::exec::run(pipeline, rg::exec::serial{});
    const auto distributed = rg::exec::run(pipeline, rg::exec::mpi(world));
    INFO("chunk size " << chunk << ", rank " << world.rank() << " of " << world.size());
    CHECK(distributed.count() == n);
    CHECK(bytes_of(distributed) == bytes_of(serial));
    const auto a = serial.results(), b = distributed.results();
    for (std::size_t i = 0; i < levels.size(); ++i) {
      CHECK(std::memcmp(&a[i].var, &b[i].var, sizeof(double)) == 0);
      CHECK(std::memcmp(&a[i].es, &b[i].es, sizeof(double)) == 0);
    }
  }
}

TEST_CASE("The dynamic MPI schedule gives the serial executor's bits at any rank count", "[mpi][exec]") {
  const boost::mpi::communicator world;
  const sample s;
  const std::vector<rg::confidence> levels{rg::confidence(0.99), rg::confidence(0.975), rg::confidence(0.9)};
  const std::uint64_t n = 2000;
  for (const std::uint64_t chunk : {50u, 167u, 1250u, 2000u, 97u}) {
    const rg::risk::var_es_aggregator prototype(n, levels);
    const rg::exec::pipeline pipeline(s.model, s.book, prototype, {.scenarios = n, .chunk_size = chunk});
    const auto serial = bytes_of(rg::exec::run(pipeline, rg::exec::serial{}));
    const auto dynamic = rg::exec::run(pipeline, rg::exec::mpi(world, rg::exec::schedule::dynamic));
    INFO("chunk size " << chunk << ", rank " << world.rank() << " of " << world.size());
    CHECK(dynamic.count() == n);
    CHECK(bytes_of(dynamic) == serial);
    // The tightest settings: one assignment ahead, a reorder window of one chunk (rank 0
    // then waits for every chunk in order), one send in flight.
    const auto tight = rg::exec::run(
        pipeline, rg::exec::mpi(world, {.scheduling = rg::exec::schedule::dynamic, .send_window = 1, .lookahead = 1,
                                        .reorder_window = 1}));
    CHECK(bytes_of(tight) == serial);
    const auto wide = rg::exec::run(
        pipeline, rg::exec::mpi(world, {.scheduling = rg::exec::schedule::dynamic, .lookahead = 8, .reorder_window = 1000}));
    CHECK(bytes_of(wide) == serial);
    // The static schedule, chosen explicitly, is the default one.
    const auto cyclic = rg::exec::run(pipeline, rg::exec::mpi(world, rg::exec::schedule::static_cyclic));
    CHECK(bytes_of(cyclic) == serial);
  }
}

TEST_CASE("The MPI executor's send window does not change the result", "[mpi][exec]") {
  const boost::mpi::communicator world;
  const sample s;
  const std::vector<rg::confidence> levels{rg::confidence(0.99)};
  const std::uint64_t n = 1081;
  const rg::risk::var_es_aggregator prototype(n, levels);
  const rg::exec::pipeline pipeline(s.model, s.book, prototype, {.scenarios = n, .chunk_size = 40});
  const auto window1 = rg::exec::run(pipeline, rg::exec::mpi(world, 1));
  const auto window16 = rg::exec::run(pipeline, rg::exec::mpi(world, 16));
  CHECK(bytes_of(window1) == bytes_of(window16));
}
