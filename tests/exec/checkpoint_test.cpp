#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include "riskgrid/exec/checkpoint.hpp"
#include "riskgrid/exec/elastic.hpp"
#include "riskgrid/exec/progress.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/threads.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"

namespace rg = riskgrid;
namespace fs = std::filesystem;

namespace {

// A job whose P&L is a fixed function of the scenario index; counts the chunks it runs.
struct counting_job {
  using state_type = rg::risk::var_es_aggregator;
  std::uint64_t scenarios = 5000, chunk = 250;
  mutable std::atomic<int> runs{0};

  [[nodiscard]] std::uint64_t chunk_count() const { return (scenarios + chunk - 1) / chunk; }
  [[nodiscard]] state_type empty() const { return state_type(scenarios, {rg::confidence(0.99), rg::confidence(0.9)}); }
  [[nodiscard]] state_type run_chunk(std::uint64_t c) const {
    ++runs;
    auto state = empty();
    const std::uint64_t first = c * chunk, count = std::min(chunk, scenarios - first);
    std::vector<double> pnl(count);
    for (std::uint64_t i = 0; i < count; ++i)
      pnl[i] = 1000.0 * std::sin(0.37 * static_cast<double>(first + i)) + static_cast<double>((first + i) % 7);
    state.push(rg::pnl_block{first, pnl});
    return state;
  }
};

std::vector<std::byte> bytes_of(const rg::risk::var_es_aggregator& a) {
  rg::byte_writer w;
  a.save(w);
  return w.bytes();
}

rg::exec::job_manifest manifest_with_seed(const std::string& seed) {
  rg::exec::job_manifest m;
  m.add("model", "test").add("seed", seed).add("chunk_size", "250");
  return m;
}

std::vector<char> read_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), {}};
}
void write_file(const std::string& path, const std::vector<char>& bytes) {
  std::ofstream out(path, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

}  // namespace

TEST_CASE("crc64 is CRC-64/XZ: the catalogue's check value", "[exec][checkpoint]") {
  CHECK(rg::exec::crc64(std::string_view("123456789")) == 0x995dc9bbdf1939faULL);
  CHECK(rg::exec::crc64(std::string_view("")) == 0);
}

TEST_CASE("A job manifest round-trips through its text and detects edits", "[exec][checkpoint]") {
  const auto m = manifest_with_seed("42");
  const auto parsed = rg::exec::job_manifest::parse(m.text());
  REQUIRE(parsed);
  CHECK(parsed->digest() == m.digest());
  CHECK(parsed->entries() == m.entries());
  auto edited = m.text();
  edited.replace(edited.find("42"), 2, "43");
  CHECK_FALSE(rg::exec::job_manifest::parse(edited));  // digest line no longer matches
  CHECK_FALSE(rg::exec::job_manifest::parse(m.text().substr(0, m.text().size() - 3)));
  CHECK(manifest_with_seed("43").digest() != m.digest());
}

TEST_CASE("A checkpointed job resumes: loaded chunks give the uncheckpointed bits", "[exec][checkpoint]") {
  const rg::testing::temp_dir dir;
  const counting_job job;
  const auto reference = bytes_of(rg::exec::serial{}.run(job));
  const rg::exec::checkpoint_store store(dir.path() / "ckpt", manifest_with_seed("42"));
  job.runs = 0;
  {
    const rg::exec::checkpointed_job first(job, store);
    // Only the first 7 chunks, as if the run had been killed after them.
    for (std::uint64_t c = 0; c < 7; ++c) (void)first.run_chunk(c);
    CHECK(first.counts().computed == 7);
  }
  CHECK(job.runs == 7);
  job.runs = 0;
  const rg::exec::checkpointed_job second(job, store);
  CHECK(bytes_of(rg::exec::threads(3).run(second)) == reference);
  CHECK(second.counts().loaded == 7);
  CHECK(second.counts().computed == job.chunk_count() - 7);
  CHECK(job.runs == static_cast<int>(job.chunk_count() - 7));
  job.runs = 0;
  const rg::exec::checkpointed_job third(job, store);
  CHECK(bytes_of(rg::exec::serial{}.run(third)) == reference);
  CHECK(third.counts().loaded == job.chunk_count());
  CHECK(job.runs == 0);
  // No temporary file is left behind.
  for (const auto& e : fs::directory_iterator(store.directory()))
    CHECK(e.path().filename().string().find(".tmp.") == std::string::npos);
}

TEST_CASE("Damaged checkpoint records are detected, ignored and rewritten", "[exec][checkpoint]") {
  const rg::testing::temp_dir dir;
  const counting_job job;
  const auto reference = bytes_of(rg::exec::serial{}.run(job));
  const rg::exec::checkpoint_store store(dir.path(), manifest_with_seed("42"));
  (void)rg::exec::serial{}.run(rg::exec::checkpointed_job(job, store));
  const auto good = read_file(store.record_path(3));
  REQUIRE(good.size() > 64);

  struct damage {
    const char* what;
    std::uint64_t chunk;
    std::vector<char> bytes;
  };
  std::vector<damage> cases;
  cases.push_back({"truncated payload", 1, {good.begin(), good.end() - 5}});
  cases.push_back({"truncated header", 2, {good.begin(), good.begin() + 30}});
  cases.push_back({"empty file", 4, {}});
  auto flipped = good;
  flipped[flipped.size() - 9] ^= 0x10;
  cases.push_back({"a flipped payload bit", 5, flipped});
  auto header = good;
  header[20] ^= 0x01;  // byte-order mark
  cases.push_back({"a flipped header bit", 6, header});
  cases.push_back({"another chunk's record", 7, good});  // chunk 3's bytes under chunk 7's name
  for (const auto& d : cases) write_file(store.record_path(d.chunk), d.bytes);
  // A temporary left by a crash mid-write is never read.
  write_file(store.record_path(8) + ".tmp.host.1.0", {good.begin(), good.begin() + 10});

  rg::risk::var_es_aggregator probe = job.empty();
  for (const auto& d : cases) {
    INFO(d.what);
    CHECK(store.load(d.chunk, probe) == rg::exec::record_status::invalid);
  }
  CHECK(store.load(3, probe) == rg::exec::record_status::loaded);
  CHECK(store.load(job.chunk_count(), probe) == rg::exec::record_status::absent);

  job.runs = 0;
  const rg::exec::checkpointed_job resumed(job, store);
  CHECK(bytes_of(rg::exec::serial{}.run(resumed)) == reference);
  CHECK(resumed.counts().discarded == cases.size());
  CHECK(resumed.counts().computed == cases.size());
  CHECK(job.runs == static_cast<int>(cases.size()));
  for (const auto& d : cases) CHECK(store.load(d.chunk, probe) == rg::exec::record_status::loaded);
}

TEST_CASE("A checkpoint of another job is refused, naming the difference", "[exec][checkpoint]") {
  const rg::testing::temp_dir dir;
  const rg::exec::checkpoint_store store(dir.path(), manifest_with_seed("42"));
  const rg::exec::checkpoint_store again(dir.path(), manifest_with_seed("42"));  // same job: fine
  CHECK(again.digest() == store.digest());
  try {
    const rg::exec::checkpoint_store other(dir.path(), manifest_with_seed("43"));
    FAIL("accepted another job's checkpoint");
  } catch (const rg::input_error& e) {
    CHECK(e.source() == dir.path().string());
    CHECK_THAT(e.reason(), Catch::Contains("seed: 42 in the checkpoint, 43 now"));
  }
  rg::exec::job_manifest longer = manifest_with_seed("42");
  longer.add("repair", "yes");
  CHECK_THROWS_WITH(rg::exec::checkpoint_store(dir.path(), longer), Catch::Contains("repair: yes now"));
  // A damaged manifest is not silently replaced.
  const rg::testing::temp_dir junk;
  (void)junk.write("manifest", "hello\n");
  CHECK_THROWS_WITH(rg::exec::checkpoint_store(junk.path(), manifest_with_seed("42")),
                    Catch::Contains("not a riskgrid checkpoint"));
}

TEST_CASE("Elastic workers share a checkpoint, take over expired claims, merge in order", "[exec][elastic]") {
  const rg::testing::temp_dir dir;
  const counting_job job;
  const auto reference = bytes_of(rg::exec::serial{}.run(job));
  const rg::exec::checkpoint_store store(dir.path(), manifest_with_seed("42"));
  const rg::exec::checkpointed_job resumable(job, store);

  // A dead worker's claim on chunk 5, expired, and a live foreign claim on chunk 9 that
  // expires 1.5 s from now: the first is taken over at once, the second waited for.
  const rg::exec::claim_board ghost(store, "ghost", std::chrono::milliseconds(-1000));
  REQUIRE(ghost.acquire(5));
  const rg::exec::claim_board slow(store, "slow", std::chrono::milliseconds(1500));
  REQUIRE(slow.acquire(9));
  CHECK_FALSE(slow.acquire(9));  // held, not expired

  job.runs = 0;
  std::vector<std::vector<std::byte>> results(3);
  std::vector<std::thread> launches;
  for (int i = 0; i < 3; ++i)
    launches.emplace_back([&, i] {
      const rg::exec::elastic executor({.workers = static_cast<unsigned>(i + 1),
                                        .claim_ttl = std::chrono::seconds(30),
                                        .poll_interval = std::chrono::milliseconds(20),
                                        .identity = "launch" + std::to_string(i)});
      results[static_cast<std::size_t>(i)] = bytes_of(executor.run(resumable));
    });
  for (auto& t : launches) t.join();
  for (const auto& r : results) CHECK(r == reference);
  // Every chunk computed at least once, and duplicates only where claims raced.
  CHECK(job.runs >= static_cast<int>(job.chunk_count()));
  CHECK(resumable.counts().computed == static_cast<std::uint64_t>(job.runs.load()));
  CHECK_FALSE(fs::exists(ghost.claim_path(5)));
  CHECK_FALSE(fs::exists(slow.claim_path(9)));
}

TEST_CASE("A progress meter prints plain lines by decile and a bar in place", "[exec][progress]") {
  using clock = rg::exec::progress_meter::clock;
  const auto t0 = clock::time_point{};
  std::ostringstream lines;
  {
    rg::exec::progress_meter meter(lines, 20, 20000, {.style = rg::exec::progress_style::lines}, t0);
    for (int i = 1; i <= 20; ++i) meter.chunk_done(t0 + std::chrono::seconds(i));
  }
  // 20 chunks in 20 s: one line per 10 % (every other chunk), none during the first second.
  const std::string text = lines.str();
  CHECK(std::count(text.begin(), text.end(), '\n') == 10);
  CHECK_THAT(text, Catch::Contains("progress: 2/20 chunks (10.0%), 1e+03 scenarios/s, ETA 0:00:18\n"));
  CHECK_THAT(text, Catch::EndsWith("progress: 20/20 chunks (100.0%), 1e+03 scenarios/s, ETA 0:00:00\n"));

  std::ostringstream bar;
  {
    rg::exec::progress_meter meter(bar, 4, 400, {.style = rg::exec::progress_style::bar}, t0);
    for (int i = 1; i <= 4; ++i) meter.chunk_done(t0 + std::chrono::seconds(i));
  }
  CHECK_THAT(bar.str(), Catch::StartsWith("\r[#######.......................] 1/4 chunks"));
  CHECK_THAT(bar.str(), Catch::EndsWith("\r[##############################] 4/4 chunks (100.0%), 100 scenarios/s, ETA 0:00:00\n"));

  std::ostringstream off;
  {
    rg::exec::progress_meter meter(off, 4, 400, {.style = rg::exec::progress_style::off}, t0);
    for (int i = 1; i <= 4; ++i) meter.chunk_done(t0 + std::chrono::seconds(i));
    CHECK(meter.done() == 4);
  }
  CHECK(off.str().empty());
}

TEST_CASE("Progress reporting sees every chunk once and does not change the result", "[exec][progress]") {
  const counting_job job;
  const auto reference = bytes_of(rg::exec::serial{}.run(job));
  std::ostringstream sink;
  rg::exec::progress_meter meter(sink, job.chunk_count(), job.scenarios, {.style = rg::exec::progress_style::off});
  const rg::exec::progress_job observed(job, meter);
  CHECK(bytes_of(rg::exec::threads(4).run(observed)) == reference);
  CHECK(meter.done() == job.chunk_count());
}
