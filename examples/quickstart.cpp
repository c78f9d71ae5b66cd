// The smallest riskgrid program: the bundled sample book, Gaussian scenarios, serial
// executor, 99% VaR and ES. See riskgrid_var.cpp for the same pipeline under MPI.

#include <cstdio>

#include "riskgrid/riskgrid.hpp"

int main() try {
  namespace rg = riskgrid;
  const std::string data = RISKGRID_EXAMPLES_DATA;
  const auto market = rg::io::load_market(data + "/market.csv");
  const auto covariance = rg::io::load_covariance(data + "/covariance.csv");
  const rg::scenario::gaussian_model model(covariance, {.seed = 42, .horizon_days = 1});
  const rg::portfolio::book book(rg::io::load_portfolio(data + "/portfolio.csv"), market,
                                 model.factors(), {.base_currency = "USD"});

  const std::uint64_t scenarios = 20000;
  const rg::risk::var_es_aggregator prototype(scenarios, {rg::confidence(0.99)});
  const rg::exec::pipeline pipeline(model, book, prototype, {.scenarios = scenarios});
  const auto result = rg::exec::run(pipeline, rg::exec::serial{}).results().front();
  std::printf("99%% 1-day VaR %.2f USD, ES %.2f USD over %llu scenarios\n", result.var, result.es,
              static_cast<unsigned long long>(scenarios));
  return 0;
} catch (const riskgrid::error& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 2;
}
