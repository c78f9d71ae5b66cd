#include <cmath>
#include <string>
#include <vector>

#include <boost/math/distributions/normal.hpp>
#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"
#include "riskgrid/scenario/historical_model.hpp"

namespace rg = riskgrid;
using rg::confidence;

namespace {
using riskgrid::testing::sensitivity;
using riskgrid::testing::equity;

template <class Book>
std::vector<rg::risk::var_es_result> run_serial(const rg::scenario::gaussian_model& model, const Book& book,
                                                std::uint64_t n, const std::vector<confidence>& levels,
                                                std::uint64_t chunk = 8192, std::size_t block = 256) {
  const rg::risk::var_es_aggregator prototype(n, levels);
  const rg::exec::pipeline pipeline(model, book, prototype,
                                    {.scenarios = n, .chunk_size = chunk, .block_size = block});
  return rg::exec::run(pipeline, rg::exec::serial{}).results();
}

const boost::math::normal_distribution<double> standard_normal;

// Monte Carlo standard errors of the VaR and ES estimators for a normal P&L with
// standard deviation sigma: the quantile's sqrt(α(1−α)/N)/density, and DESIGN.md §4's
// se_ES with Var(Z | Z > z) = 1 + zλ − λ², λ = φ(z)/(1−α).
struct normal_targets {
  double var, es, se_var, se_es;
};
normal_targets normal_var_es(double sigma, double alpha, double n) {
  const double z = boost::math::quantile(standard_normal, alpha);
  const double phi = boost::math::pdf(standard_normal, z);
  const double lambda = phi / (1.0 - alpha);
  const double tail_var = 1.0 + z * lambda - lambda * lambda;
  return {sigma * z, sigma * lambda, sigma * std::sqrt(alpha * (1.0 - alpha) / n) / phi,
          sigma * std::sqrt((tail_var + alpha * (lambda - z) * (lambda - z)) / (n * (1.0 - alpha)))};
}

}  // namespace

TEST_CASE("Sensitivity VaR and ES match z*sigma and sigma*phi(z)/(1-a) within 4 standard errors",
          "[exec][pipeline][closed_form]") {
  const double vol[3] = {0.01, 0.02, 0.015};
  const double corr[3][3] = {{1.0, 0.6, -0.2}, {0.6, 1.0, 0.1}, {-0.2, 0.1, 1.0}};
  Eigen::MatrixXd sigma(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) sigma(i, j) = vol[i] * corr[i][j] * vol[j];
  const int h = 10;
  const rg::scenario::covariance cov{rg::scenario::factor_set({"X.A", "X.B", "X.C"}), sigma};
  const rg::scenario::gaussian_model model(cov, {.seed = 42, .horizon_days = h});
  const rg::market::base_market market;
  const std::vector<rg::portfolio::trade> trades{sensitivity("S1", "X.A", 1e6), sensitivity("S2", "X.B", -4e5),
                                                 sensitivity("S3", "X.C", 2.5e5), sensitivity("S4", "X.A", 1e5)};
  const rg::portfolio::book book(trades, market, model.factors(), {});
  const double sigma_p = riskgrid::testing::linear_pnl_stdev({1.1e6, -4e5, 2.5e5}, sigma, h);

  const std::uint64_t n = 1000000;
  const std::vector<confidence> levels{confidence(0.99), confidence(0.975)};
  const auto got = run_serial(model, book, n, levels);
  for (std::size_t i = 0; i < levels.size(); ++i) {
    const auto t = normal_var_es(sigma_p, levels[i].value(), static_cast<double>(n));
    INFO("alpha " << levels[i].text() << " VaR " << got[i].var << " vs " << t.var << " ES " << got[i].es << " vs " << t.es);
    CHECK(std::abs(got[i].var - t.var) < 4.0 * t.se_var);
    CHECK(std::abs(got[i].es - t.es) < 4.0 * t.se_es);
  }
}

TEST_CASE("Equity VaR matches q*S*(1-exp(-z*sigma)), through a direct and an inverse FX quote",
          "[exec][pipeline][closed_form]") {
  rg::market::base_market market;
  market.add("EQ.ACME.SPOT", 250.0);
  market.add("EQ.SONY.SPOT", 3000.0);
  market.add("FX.USDJPY.SPOT", 150.0);
  market.add("FX.EURUSD.SPOT", 1.1);
  market.add("EQ.SAP.SPOT", 200.0);
  const double s1 = 0.02, s2 = 0.025, sx = 0.007, rho = -0.4;
  Eigen::MatrixXd sigma(3, 3);
  sigma << s1 * s1, 0, 0, 0, s2 * s2, rho * s2 * sx, 0, rho * s2 * sx, sx * sx;
  const rg::scenario::covariance cov{rg::scenario::factor_set({"EQ.ACME.SPOT", "EQ.SONY.SPOT", "FX.USDJPY.SPOT"}),
                                     sigma};
  const rg::scenario::gaussian_model model(cov, {.seed = 7, .horizon_days = 1});
  const std::uint64_t n = 1000000;
  const confidence alpha(0.99);
  const double z = boost::math::quantile(standard_normal, 0.99);
  const double se_z = std::sqrt(0.99 * 0.01 / static_cast<double>(n)) / boost::math::pdf(standard_normal, z);

  SECTION("USD stock") {
    const rg::portfolio::book book({equity("E1", "ACME", "USD", 1000)}, market, model.factors(), {});
    const auto got = run_serial(model, book, n, {alpha});
    const double v = 250.0 * 1000;
    // Loss v·(1 − e^s) is monotone in s: its quantile is the transformed normal quantile.
    const double expected = v * (1.0 - std::exp(-z * s1));
    CHECK(std::abs(got[0].var - expected) < 4.0 * v * std::exp(-z * s1) * s1 * se_z);
    CHECK(book.base_value() == v);
  }
  SECTION("JPY stock converted with the inverse quote USDJPY") {
    const rg::portfolio::book book({equity("E2", "SONY", "JPY", 500)}, market, model.factors(), {});
    const auto got = run_serial(model, book, n, {alpha});
    const double v = 500 * 3000.0 / 150.0;
    const double s = std::sqrt(s2 * s2 + sx * sx - 2 * rho * s2 * sx);  // log-return of S/X
    const double expected = v * (1.0 - std::exp(-z * s));
    CHECK(book.base_value() == v);
    CHECK(std::abs(got[0].var - expected) < 4.0 * v * std::exp(-z * s) * s * se_z);
  }
  SECTION("A stock the model does not shock has a P&L of exactly zero") {
    const rg::portfolio::book book({equity("E3", "SAP", "EUR", 100)}, market, model.factors(), {});
    CHECK(book.unshocked_factors() == std::vector<std::string>{"EQ.SAP.SPOT", "FX.EURUSD.SPOT"});
    const auto got = run_serial(model, book, 1000, {alpha});
    CHECK(got[0].var == 0.0);
    CHECK(got[0].es == 0.0);
    CHECK(book.base_value() == Approx(100 * 200.0 * 1.1).epsilon(1e-15));
  }
}

TEST_CASE("Results are the same bits for any chunk size and block size", "[exec][pipeline]") {
  rg::market::base_market market;
  market.add("EQ.ACME.SPOT", 250.0);
  market.add("FX.EURUSD.SPOT", 1.1);
  market.add("EQ.SAP.SPOT", 200.0);
  Eigen::MatrixXd sigma(3, 3);
  sigma << 4e-4, 1e-4, 5e-5, 1e-4, 3e-4, 2e-5, 5e-5, 2e-5, 5e-5;
  const rg::scenario::covariance cov{
      rg::scenario::factor_set({"EQ.ACME.SPOT", "EQ.SAP.SPOT", "FX.EURUSD.SPOT"}), sigma};
  const rg::scenario::gaussian_model model(cov, {.seed = 5, .horizon_days = 1});
  const rg::portfolio::book book({equity("E1", "ACME", "USD", 1000), equity("E2", "SAP", "EUR", -700),
                                  sensitivity("S1", "FX.EURUSD.SPOT", 2e5, -3e6)},
                                 market, model.factors(), {});
  const std::uint64_t n = 30011;
  const std::vector<confidence> levels{confidence(0.99), confidence(0.95), confidence(0.999)};
  const auto reference = run_serial(model, book, n, levels, n, 256);
  for (const auto& [chunk, block] : std::vector<std::pair<std::uint64_t, std::size_t>>{
           {1000, 256}, {777, 100}, {4096, 1}, {30011, 8}, {1, 1}}) {
    const auto got = run_serial(model, book, n, levels, chunk, block);
    for (std::size_t i = 0; i < levels.size(); ++i) {
      CHECK(got[i].var == reference[i].var);
      CHECK(got[i].es == reference[i].es);
      CHECK(got[i].var_scenario == reference[i].var_scenario);
    }
  }
}

TEST_CASE("A pipeline refuses more scenarios than a historical model has", "[exec][pipeline]") {
  rg::scenario::history h;
  h.factors = rg::scenario::factor_set({"X.A"});
  for (int d = 1; d <= 5; ++d) {
    h.dates.push_back(*rg::parse_iso_date("2026-01-0" + std::to_string(d)));
    h.shocks.push_back(0.01 * d);
  }
  const rg::scenario::historical_model model(h, {.horizon_days = 2});  // 4 windows
  const rg::market::base_market market;
  const rg::portfolio::book book({sensitivity("S", "X.A", 1.0)}, market, model.factors(), {});
  const std::vector<confidence> levels{confidence(0.5)};
  CHECK_NOTHROW(rg::exec::pipeline(model, book, rg::risk::var_es_aggregator(4, levels), {.scenarios = 4}));
  CHECK_THROWS_AS(rg::exec::pipeline(model, book, rg::risk::var_es_aggregator(5, levels), {.scenarios = 5}),
                  rg::error);
}
