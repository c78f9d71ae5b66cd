// The smallest riskgrid program: a three-trade book built in code, Gaussian scenarios,
// serial executor, 99% VaR and ES. riskgrid_var.cpp runs the same pipeline from files
// under mpirun.

#include <cstdio>

#include "riskgrid/riskgrid.hpp"

int main() try {
  namespace rg = riskgrid;
  rg::market::base_market market;
  for (const auto& [name, value] : {std::pair{"EQ.ACME.SPOT", 100.0}, {"EQ.ACME.VOL", 0.25}, {"IR.USD.1Y", 0.04},
                                    {"IR.USD.10Y", 0.045}})
    market.add(name, value);

  // Daily shock covariance of the factors the model moves: ACME's log-return and vol, and
  // the two curve pillars (absolute rate changes).
  rg::scenario::covariance daily;
  daily.factors = rg::scenario::factor_set({"EQ.ACME.SPOT", "EQ.ACME.VOL", "IR.USD.1Y", "IR.USD.10Y"});
  daily.matrix.resize(4, 4);
  daily.matrix << 4e-4, -1e-4, 0, 0, -1e-4, 9e-4, 0, 0, 0, 0, 1e-8, 8e-9, 0, 0, 8e-9, 1e-8;
  const rg::scenario::gaussian_model model(daily, {.seed = 42, .horizon_days = 10});

  const auto as_of = rg::parse_iso_date("2026-11-25");
  std::vector<rg::portfolio::trade> trades(3);
  trades[0] = {.id = "shares", .type = rg::portfolio::trade_type::equity, .underlying = "ACME", .currency = "USD",
               .quantity = 10000};
  trades[1] = {.id = "puts", .type = rg::portfolio::trade_type::european, .underlying = "ACME", .currency = "USD",
               .quantity = 10000, .strike = 95, .maturity = rg::parse_iso_date("2027-05-25"),
               .option = rg::portfolio::option_type::put};
  trades[2] = {.id = "swap", .type = rg::portfolio::trade_type::swap, .currency = "USD",
               .maturity = rg::parse_iso_date("2031-11-25"), .notional = 1e6, .rate = 0.044, .frequency = 2,
               .pay_fixed = true};
  const rg::portfolio::book book(trades, market, model.factors(), {.base_currency = "USD", .as_of = as_of});

  const std::uint64_t scenarios = 100000;
  const rg::risk::var_es_aggregator prototype(scenarios, {rg::confidence(0.99)});
  const rg::exec::pipeline pipeline(model, book, prototype, {.scenarios = scenarios});
  const auto result = rg::exec::run(pipeline, rg::exec::threads{}).results().front();
  std::printf("book value %.2f USD; 10-day 99%% VaR %.2f USD, ES %.2f USD over %llu scenarios\n",
              book.base_value(), result.var, result.es, static_cast<unsigned long long>(scenarios));
  return 0;
} catch (const riskgrid::error& e) {
  std::fprintf(stderr, "error: %s\n", e.what());
  return 2;
}
