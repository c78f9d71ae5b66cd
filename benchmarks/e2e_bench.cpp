// End-to-end throughput (issue 8): the bundled sample book (examples/data, 582 trades of
// every type) through riskgrid-var's code path: loaders, book, Gaussian model on all 87
// factors (or the historical model on history.csv), exec::pipeline with
// var_es_aggregator, measures, the component attribution pass over the tail, and the
// desks' standalone passes (riskgrid-var --attribution full), on one core (exec::serial).
//
// e2e_var/<model>/<N>: the whole run. Counters: revals/core-s = N × trades over the
// process CPU time of the main pass; main_s, attribution_s (tail pass), desks_s (desk
// passes, books built as riskgrid-var does) in CPU seconds; peak_rss_MB (getrusage: the
// process's high-water mark so far, so run one N per process for a clean figure). N runs
// 10^4 and 10^5 by default; set RISKGRID_E2E_MAX_SCENARIOS=10000000 for 10^6 and 10^7
// (one iteration each: about 45 s of CPU per 10^6 on the sample).
//
// e2e_breakdown: where a main-pass scenario's time goes, timed stage by stage on the same
// blocks (chunks of 8,192 scenarios in blocks of 256, as the pipeline cuts them), in
// thread CPU ns per scenario: gen (the model's generate(), normals and correlation), corr
// (the correlation step alone: the model's loadings product on normals of the same shape),
// price (the whole book's revalue()), price_<type> (the book's trades of one type alone,
// same blocks), agg (var_es_aggregator::push), merge (chunk state into a 10^6-scenario
// total). No timer enters a library loop: the stages are library calls timed from outside.

#include <riskgrid/riskgrid.hpp>

#include <benchmark/benchmark.h>

#include <sys/resource.h>

#include <array>
#include <cstdint>
#include <cstdlib>
#include <ctime>
#include <memory>
#include <random>
#include <string>
#include <vector>

namespace {

namespace rg = riskgrid;
namespace rp = riskgrid::portfolio;
namespace rs = riskgrid::scenario;

std::string data(const char* file) { return std::string(RISKGRID_EXAMPLES_DATA) + "/" + file; }

double cpu_seconds(clockid_t clock) {
  timespec ts{};
  clock_gettime(clock, &ts);
  return static_cast<double>(ts.tv_sec) + 1e-9 * static_cast<double>(ts.tv_nsec);
}
double process_cpu() { return cpu_seconds(CLOCK_PROCESS_CPUTIME_ID); }
double thread_cpu() { return cpu_seconds(CLOCK_THREAD_CPUTIME_ID); }

double peak_rss_mb() {
  rusage usage{};
  getrusage(RUSAGE_SELF, &usage);
  return static_cast<double>(usage.ru_maxrss) / 1024.0;  // Linux: kilobytes
}

/// riskgrid-var's inputs and defaults: seed 42, horizon 1 day, levels 0.99 and 0.975.
struct sample {
  rg::market::base_market market = rg::io::load_market(data("market.csv"));
  std::vector<rp::trade> trades = rg::io::load_portfolio(data("portfolio.csv"));
  rs::gaussian_model gaussian{rg::io::load_covariance(data("covariance.csv")), rs::gaussian_options{.seed = 42}};
  rs::historical_model historical{rg::io::load_history(data("history.csv")), rs::historical_options{}};
  rp::book_options options{"USD", rg::parse_iso_date("2026-11-25")};
  rp::book gaussian_book{trades, market, gaussian.factors(), options};
  rp::book historical_book{trades, market, historical.factors(), options};
  std::vector<rg::confidence> levels{rg::confidence::parse("0.99"), rg::confidence::parse("0.975")};
};

const sample& the_sample() {
  static const sample s;
  return s;
}

struct run_seconds {
  double main = 0.0, attribution = 0.0, desks = 0.0;
};

// riskgrid-var's sequence (examples/riskgrid_var.cpp) on exec::serial.
template <class Model>
run_seconds run_like_var(const sample& s, const Model& model, const rp::book& book, std::uint64_t n) {
  run_seconds t;
  const rg::risk::var_es_aggregator prototype(n, s.levels);
  double t0 = process_cpu();
  const rg::exec::pipeline pipeline(model, book, prototype, {.scenarios = n, .chunk_size = 8192});
  const auto state = rg::exec::run(pipeline, rg::exec::serial{});
  const auto measures = state.results();
  benchmark::DoNotOptimize(measures.data());
  double t1 = process_cpu();
  t.main = t1 - t0;
  const auto worst = state.tail().sorted();
  const rg::risk::attribution_plan plan(worst, n, s.levels);
  const auto sums = rg::exec::run(rg::exec::attribution_job(model, book, plan), rg::exec::serial{});
  double component = 0.0;
  for (std::size_t trade = 0; trade < book.size(); ++trade) component += sums.component(plan, trade, 0);
  benchmark::DoNotOptimize(component);
  t0 = t1;
  t1 = process_cpu();
  t.attribution = t1 - t0;
  for (std::size_t d = 0; d < book.desks().size(); ++d) {
    std::vector<rp::trade> desk_trades;
    for (std::size_t trade = 0; trade < s.trades.size(); ++trade)
      if (book.desk_of(trade) == d) desk_trades.push_back(s.trades[trade]);
    const rp::book desk_book(desk_trades, s.market, model.factors(), s.options);
    const rg::exec::pipeline desk(model, desk_book, prototype, {.scenarios = n, .chunk_size = 8192});
    const auto own = rg::exec::run(desk, rg::exec::serial{}).results();
    benchmark::DoNotOptimize(own.data());
  }
  t.desks = process_cpu() - t1;
  return t;
}

template <class Model>
void report(benchmark::State& state, const sample& s, const Model& model, const rp::book& book, std::uint64_t n) {
  run_seconds total;
  for (auto _ : state) {
    const auto t = run_like_var(s, model, book, n);
    total.main += t.main;
    total.attribution += t.attribution;
    total.desks += t.desks;
  }
  const auto runs = static_cast<double>(state.iterations());
  const double revals = static_cast<double>(n) * static_cast<double>(book.size());
  state.counters["revals/core-s"] = revals * runs / total.main;
  state.counters["main_s"] = total.main / runs;
  state.counters["attribution_s"] = total.attribution / runs;
  state.counters["desks_s"] = total.desks / runs;
  state.counters["main_us/scen"] = 1e6 * total.main / (runs * static_cast<double>(n));
  state.counters["peak_rss_MB"] = peak_rss_mb();
  state.SetLabel(std::to_string(book.size()) + " trades");
}

void e2e_var_gaussian(benchmark::State& state) {
  const auto& s = the_sample();
  report(state, s, s.gaussian, s.gaussian_book, static_cast<std::uint64_t>(state.range(0)));
}

// One scenario per day of history.csv (1,600 rows, h = 1): the full historical run.
void e2e_var_historical(benchmark::State& state) {
  const auto& s = the_sample();
  report(state, s, s.historical, s.historical_book, s.historical.scenario_count());
}

/// The loadings product of the model: the correlation step on its own.
rs::loadings_product correlation_of(const rs::gaussian_model& model) {
  const auto n = model.factors().size(), rank = model.rank();
  std::vector<double> loadings(n * rank);
  std::vector<std::size_t> leading(n, 0);
  for (std::size_t f = 0; f < n; ++f)
    for (std::size_t k = 0; k < rank; ++k) {
      loadings[f * rank + k] = model.loading(f, k);
      if (loadings[f * rank + k] != 0.0) leading[f] = k + 1;
    }
  return rs::loadings_product(loadings, rank, leading);
}

void e2e_breakdown(benchmark::State& state) {
  const auto& s = the_sample();
  const auto& model = s.gaussian;
  const auto& book = s.gaussian_book;
  constexpr std::size_t chunk = 8192, block_size = 256;
  constexpr std::uint64_t total_scenarios = 1000000;
  constexpr std::size_t types = rp::trade_type_names.size();

  std::array<std::unique_ptr<rp::book>, types> by_type;
  std::array<std::size_t, types> count{};
  for (std::size_t type = 0; type < types; ++type) {
    std::vector<rp::trade> part;
    for (const auto& t : s.trades)
      if (static_cast<std::size_t>(t.type) == type) part.push_back(t);
    count[type] = part.size();
    if (!part.empty()) by_type[type] = std::make_unique<rp::book>(part, s.market, model.factors(), s.options);
  }

  // The correlation step's input: normals of the model's shape, (rank, 64 scenarios) per
  // sub-block of 64 in chunks of 64 draws, as gaussian_model lays them out.
  const auto product = correlation_of(model);
  constexpr std::size_t sub_block = 64, chunk_draws = 64;
  std::vector<double> z(chunk_draws * sub_block);
  std::mt19937_64 gen(7);
  std::normal_distribution<double> normal;
  for (auto& x : z) x = normal(gen);

  rs::shock_block block(model.factors().size(), block_size), scratch(model.factors().size(), block_size);
  std::vector<double> pnl(block_size), part(block_size);
  const rg::risk::var_es_aggregator prototype(total_scenarios, s.levels);
  auto merged = prototype;
  std::uint64_t merged_chunks = 0;
  const std::uint64_t chunks_per_run = (total_scenarios + chunk - 1) / chunk;
  double t_gen = 0, t_corr = 0, t_price = 0, t_agg = 0, t_merge = 0;
  std::array<double, types> t_type{};
  std::uint64_t c = 0;
  for (auto _ : state) {
    auto chunk_state = prototype;
    for (std::size_t done = 0; done < chunk; done += block_size) {
      const rg::scenario_range range{c * chunk + done, block_size};
      double t0 = thread_cpu();
      model.generate(range, block);
      double t1 = thread_cpu();
      t_gen += t1 - t0;
      scratch.reset(range);
      for (std::size_t start = 0; start < block_size; start += sub_block)
        for (std::size_t k0 = 0; k0 < model.rank(); k0 += chunk_draws)
          product.multiply_add<rg::random::native_double>(
              [&scratch, start](std::size_t f) { return scratch.padded_factor(f).data() + start; }, sub_block,
              z.data(), sub_block, k0, std::min(chunk_draws, model.rank() - k0));
      t0 = t1;
      t1 = thread_cpu();
      t_corr += t1 - t0;
      for (std::size_t type = 0; type < types; ++type) {
        if (!by_type[type]) continue;
        by_type[type]->revalue(block, part);
        t0 = t1;
        t1 = thread_cpu();
        t_type[type] += t1 - t0;
      }
      benchmark::DoNotOptimize(part.data());
      book.revalue(block, pnl);
      t0 = t1;
      t1 = thread_cpu();
      t_price += t1 - t0;
      chunk_state.push(rg::pnl_block{range.first, pnl});
      t_agg += thread_cpu() - t1;
    }
    const double t0 = thread_cpu();
    merged.merge(chunk_state);
    t_merge += thread_cpu() - t0;
    // A total of 10^6 scenarios, then a fresh one: merge costs what it costs in such a run.
    if (++merged_chunks == chunks_per_run) {
      merged = prototype;
      merged_chunks = 0;
    }
    c = (c + 1) % 64;
  }
  const double scenarios = static_cast<double>(state.iterations()) * chunk;
  const auto per = [&](double seconds) { return 1e9 * seconds / scenarios; };
  state.counters["gen_ns"] = per(t_gen);
  state.counters["corr_ns"] = per(t_corr);
  state.counters["price_ns"] = per(t_price);
  state.counters["agg_ns"] = per(t_agg);
  state.counters["merge_ns"] = per(t_merge);
  state.counters["pricing_share"] = t_price / (t_gen + t_price + t_agg + t_merge);
  for (std::size_t type = 0; type < types; ++type)
    if (by_type[type])
      state.counters["price_" + std::string(rp::trade_type_names[type]) + "_ns"] = per(t_type[type]);
  state.counters["revals/core-s"] = scenarios * static_cast<double>(book.size()) / (t_gen + t_price + t_agg + t_merge);
  state.SetLabel(std::to_string(book.size()) + " trades, " + std::to_string(model.factors().size()) + " factors, rank " +
                 std::to_string(model.rank()));
}

BENCHMARK(e2e_breakdown)->Unit(benchmark::kMillisecond);
BENCHMARK(e2e_var_historical)->Unit(benchmark::kMillisecond);

// 10^4 and 10^5 always; 10^6 and 10^7 when RISKGRID_E2E_MAX_SCENARIOS asks for them.
[[maybe_unused]] const bool registered = [] {
  std::uint64_t max_n = 100000;
  if (const char* text = std::getenv("RISKGRID_E2E_MAX_SCENARIOS")) max_n = std::strtoull(text, nullptr, 10);
  for (std::uint64_t n = 10000; n <= max_n && n <= 10000000; n *= 10) {
    auto* b = benchmark::RegisterBenchmark("e2e_var_gaussian", e2e_var_gaussian)
                  ->Arg(static_cast<std::int64_t>(n))
                  ->Unit(benchmark::kSecond);
    if (n >= 1000000) b->Iterations(1);
  }
  return true;
}();

}  // namespace
