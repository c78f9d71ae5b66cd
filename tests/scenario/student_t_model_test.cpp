#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include <boost/math/distributions/students_t.hpp>
#include <boost/math/quadrature/exp_sinh.hpp>
#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"
#include "riskgrid/scenario/student_t_model.hpp"

namespace rg = riskgrid;
using rg::confidence;
using rg::scenario::covariance;
using rg::scenario::factor_set;
using rg::scenario::shock_block;
using rg::scenario::student_t_model;
using rg::scenario::variates;

namespace {
using riskgrid::testing::sensitivity;

// Vols 1%, 2%, 1.5%; correlations 0.6, -0.2, 0.1.
Eigen::MatrixXd three_factor() {
  const double vol[3] = {0.01, 0.02, 0.015};
  const double corr[3][3] = {{1.0, 0.6, -0.2}, {0.6, 1.0, 0.1}, {-0.2, 0.1, 1.0}};
  Eigen::MatrixXd m(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m(i, j) = vol[i] * corr[i][j] * vol[j];
  return m;
}

covariance three_factor_cov() { return {factor_set({"X.A", "X.B", "X.C"}), three_factor()}; }


// VaR, ES and their Monte Carlo standard errors for a loss c·T_ν (T_ν standard t):
// VaR = c·q, ES = c·(ν + q²)/(ν − 1)·f(q)/(1 − α), q = t_ν⁻¹(α); se_VaR = c·√(α(1−α)/N)/f(q);
// se_ES from DESIGN.md §4 with Var(T | T > q) = E[T² | T > q] − ES_T², the conditional
// second moment integrated numerically (exp-sinh quadrature over [q, ∞), converges for ν > 2).
struct t_targets {
  double var, es, se_var, se_es;
};
t_targets student_t_var_es(double c, double nu, double alpha, double n) {
  const boost::math::students_t_distribution<double> t(nu);
  const double q = boost::math::quantile(t, alpha);
  const double f = boost::math::pdf(t, q);
  const double es = (nu + q * q) / (nu - 1.0) * f / (1.0 - alpha);
  boost::math::quadrature::exp_sinh<double> integrator;  // not const: Boost 1.74 declares integrate non-const
  const double second =
      integrator.integrate([&](double s) { return (q + s) * (q + s) * boost::math::pdf(t, q + s); }) / (1.0 - alpha);
  const double tail_var = second - es * es;
  return {c * q, c * es, c * std::sqrt(alpha * (1.0 - alpha) / n) / f,
          c * std::sqrt((tail_var + alpha * (es - q) * (es - q)) / (n * (1.0 - alpha)))};
}

}  // namespace

TEST_CASE("Student-t VaR and ES of a delta portfolio match the closed forms within 4 standard errors",
          "[scenario][student_t][closed_form]") {
  const auto sigma = three_factor();
  const int h = 10;
  const rg::market::base_market market;
  const std::vector<rg::portfolio::trade> trades{sensitivity("S1", "X.A", 1e6), sensitivity("S2", "X.B", -4e5),
                                                 sensitivity("S3", "X.C", 2.5e5)};
  const double sigma_p = riskgrid::testing::linear_pnl_stdev({1e6, -4e5, 2.5e5}, sigma, h);
  const std::uint64_t n = 1000000;
  const std::vector<confidence> levels{confidence(0.99), confidence(0.975)};

  for (const double nu : {4.0, 7.0}) {
    const student_t_model model(three_factor_cov(), {.seed = 17, .horizon_days = h, .degrees_of_freedom = nu});
    const rg::portfolio::book book(trades, market, model.factors(), {});
    const rg::risk::var_es_aggregator prototype(n, levels);
    const rg::exec::pipeline pipeline(model, book, prototype, {.scenarios = n});
    const auto got = rg::exec::run(pipeline, rg::exec::serial{}).results();
    for (std::size_t i = 0; i < levels.size(); ++i) {
      const auto t = student_t_var_es(sigma_p * std::sqrt((nu - 2.0) / nu), nu, levels[i].value(),
                                      static_cast<double>(n));
      INFO("nu " << nu << " alpha " << levels[i].text() << ": VaR " << got[i].var << " vs " << t.var << " (se "
                 << t.se_var << "), ES " << got[i].es << " vs " << t.es << " (se " << t.se_es << ")");
      CHECK(std::abs(got[i].var - t.var) < 4.0 * t.se_var);
      CHECK(std::abs(got[i].es - t.es) < 4.0 * t.se_es);
    }
  }
}

TEST_CASE("Student-t shocks have covariance h times the covariance matrix", "[scenario][student_t]") {
  const auto sigma = three_factor();
  const int h = 5;
  const double nu = 7.0;
  const student_t_model model(three_factor_cov(), {.seed = 2026, .horizon_days = h, .degrees_of_freedom = nu});
  const std::size_t n = 400000, block_size = 1000;
  shock_block block(3, block_size);
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(3, 3);
  for (std::size_t first = 0; first < n; first += block_size) {
    model.generate({first, block_size}, block);
    for (std::size_t s = 0; s < block_size; ++s)
      for (std::size_t i = 0; i < 3; ++i)
        for (std::size_t j = 0; j < 3; ++j)
          sum(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) += block.factor(i)[s] * block.factor(j)[s];
  }
  const Eigen::MatrixXd target = h * sigma;
  const Eigen::MatrixXd sample = sum / static_cast<double>(n);
  // For a t with covariance S, E[x_i² x_j²] = (ν−2)/(ν−4)·(S_ii S_jj + 2 S_ij²) (ν > 4), so
  // Var(x_i x_j) = that − S_ij²; 5 standard errors.
  const double kurt = (nu - 2.0) / (nu - 4.0);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) {
      const double sij = target(i, j);
      const double var = kurt * (target(i, i) * target(j, j) + 2.0 * sij * sij) - sij * sij;
      INFO("(" << i << "," << j << "): " << sample(i, j) << " vs " << sij);
      CHECK(std::abs(sample(i, j) - sij) < 5.0 * std::sqrt(var / n));
    }
}

TEST_CASE("Student-t shocks are the Gaussian shocks of the same seed times sqrt((nu-2)/W)",
          "[scenario][student_t]") {
  const double nu = 4.5;
  const student_t_model t(three_factor_cov(), {.seed = 8, .horizon_days = 3, .degrees_of_freedom = nu});
  const rg::scenario::gaussian_model g(three_factor_cov(), {.seed = 8, .horizon_days = 3});
  const rg::random::chi_squared_sampler chi2(nu);
  const rg::random::philox_stream tag1(8, 1);
  shock_block bt(3, 100), bg(3, 100);
  t.generate({500, 100}, bt);
  g.generate({500, 100}, bg);
  for (std::size_t s = 0; s < 100; ++s) {
    const double w = chi2(tag1, 500 + s);
    CHECK(t.chi_square(500 + s) == w);
    const double scale = std::sqrt((nu - 2.0) / w);
    for (std::size_t f = 0; f < 3; ++f) REQUIRE(bt.factor(f)[s] == bg.factor(f)[s] * scale);
  }
}

TEST_CASE("Student-t scenarios do not depend on the block they are generated in", "[scenario][student_t]") {
  for (const auto v : {variates::plain, variates::antithetic}) {
    const student_t_model model(three_factor_cov(), {.seed = 99, .degrees_of_freedom = 5.5, .variates = v});
    shock_block big(3, 300), small(3, 7);
    model.generate({1001, 300}, big);
    for (std::size_t first = 1001; first < 1301; first += 7) {
      const auto count = std::min<std::size_t>(7, 1301 - first);
      model.generate({first, count}, small);
      for (std::size_t f = 0; f < 3; ++f)
        for (std::size_t s = 0; s < count; ++s) REQUIRE(small.factor(f)[s] == big.factor(f)[first - 1001 + s]);
    }
  }
}

TEST_CASE("Antithetic Student-t pairs negate z and share W", "[scenario][student_t][antithetic]") {
  const student_t_model model(three_factor_cov(),
                              {.seed = 4, .horizon_days = 10, .degrees_of_freedom = 4.0, .variates = variates::antithetic});
  const student_t_model plain(three_factor_cov(), {.seed = 4, .horizon_days = 10, .degrees_of_freedom = 4.0});
  shock_block a(3, 256), p(3, 128);
  model.generate({0, 256}, a);
  plain.generate({0, 128}, p);
  for (std::size_t m = 0; m < 128; ++m) {
    CHECK(model.chi_square(2 * m) == model.chi_square(2 * m + 1));
    for (std::size_t f = 0; f < 3; ++f) {
      REQUIRE(a.factor(f)[2 * m + 1] == -a.factor(f)[2 * m]);
      REQUIRE(a.factor(f)[2 * m] == p.factor(f)[m]);  // draw set m is plain scenario m
    }
  }
}

TEST_CASE("The Student-t model refuses nu <= 2 or not finite with a clear message", "[scenario][student_t]") {
  for (const double nu : {2.0, 1.5, 0.0, -3.0, std::nan(""), std::numeric_limits<double>::infinity()}) {
    INFO("nu " << nu);
    CHECK_THROWS_WITH(student_t_model(three_factor_cov(), {.degrees_of_freedom = nu}),
                      Catch::Contains("degrees of freedom must be finite and greater than 2"));
  }
  CHECK_NOTHROW(student_t_model(three_factor_cov(), {.degrees_of_freedom = 2.0001}));
  CHECK_THROWS_AS(student_t_model(three_factor_cov(), {.horizon_days = 0, .degrees_of_freedom = 5.0}),
                  riskgrid::error);
  Eigen::MatrixXd bad(2, 2);
  bad << 1.0, 1.5, 1.5, 1.0;
  CHECK_THROWS_AS(student_t_model(covariance{factor_set({"A", "B"}), bad}, {}), riskgrid::model_error);
}
