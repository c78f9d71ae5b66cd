#include <cmath>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/scenario/covariance.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"

using riskgrid::scenario::covariance;
using riskgrid::scenario::factor_set;
using riskgrid::scenario::gaussian_model;
using riskgrid::scenario::shock_block;

namespace {

covariance make(std::vector<std::string> names, Eigen::MatrixXd m) {
  return {factor_set(std::move(names)), std::move(m)};
}

// Vols 1%, 2%, 3% and correlations 0.5, -0.3, 0.2.
Eigen::MatrixXd three_factor() {
  const double vol[3] = {0.01, 0.02, 0.03};
  const double corr[3][3] = {{1.0, 0.5, -0.3}, {0.5, 1.0, 0.2}, {-0.3, 0.2, 1.0}};
  Eigen::MatrixXd m(3, 3);
  for (int i = 0; i < 3; ++i)
    for (int j = 0; j < 3; ++j) m(i, j) = vol[i] * corr[i][j] * vol[j];
  return m;
}

}  // namespace

TEST_CASE("The pivoted Cholesky factor reproduces a positive definite matrix", "[scenario][covariance]") {
  Eigen::MatrixXd a = Eigen::MatrixXd::Random(12, 12);
  a = a * a.transpose() + 0.1 * Eigen::MatrixXd::Identity(12, 12);
  const auto f = riskgrid::scenario::pivoted_cholesky(a);
  CHECK(f.loadings.cols() == 12);
  const Eigen::MatrixXd back = f.loadings * f.loadings.transpose();
  CHECK((back - a).cwiseAbs().maxCoeff() < 1e-13 * a.diagonal().maxCoeff());
}

TEST_CASE("A singular PSD matrix is factored at its rank", "[scenario][covariance]") {
  // Factor 2 is exactly twice factor 0; factor 1 independent: rank 2.
  Eigen::MatrixXd a(3, 3);
  a << 1e-4, 0.0, 2e-4, 0.0, 4e-4, 0.0, 2e-4, 0.0, 4e-4;
  const auto c = make({"A", "B", "C"}, a);
  REQUIRE_NOTHROW(riskgrid::scenario::check_covariance(c));
  const auto f = riskgrid::scenario::pivoted_cholesky(a);
  CHECK(f.loadings.cols() == 2);
  CHECK(((f.loadings * f.loadings.transpose()) - a).cwiseAbs().maxCoeff() < 1e-18);

  const gaussian_model model(c, {.seed = 3, .horizon_days = 1});
  shock_block block(3, 64);
  model.generate({0, 64}, block);
  for (std::size_t s = 0; s < 64; ++s) CHECK(block.factor(2)[s] == Approx(2.0 * block.factor(0)[s]).epsilon(1e-14));
}

TEST_CASE("A covariance that is not PSD is refused naming its smallest eigenvalue", "[scenario][covariance]") {
  Eigen::MatrixXd a(2, 2);
  a << 1.0, 2.0, 2.0, 1.0;  // eigenvalues 3 and -1
  try {
    riskgrid::scenario::check_covariance(make({"A", "B"}, a));
    FAIL("accepted a matrix with eigenvalue -1");
  } catch (const riskgrid::model_error& e) {
    CHECK_THAT(e.what(), Catch::Contains("not positive semi-definite") && Catch::Contains("-1"));
  }
  Eigen::MatrixXd negative(2, 2);
  negative << -1.0, 0.0, 0.0, 1.0;
  CHECK_THROWS_AS(riskgrid::scenario::check_covariance(make({"A", "B"}, negative)), riskgrid::model_error);
  Eigen::MatrixXd asymmetric(2, 2);
  asymmetric << 1.0, 0.5, 0.4, 1.0;
  CHECK_THROWS_WITH(riskgrid::scenario::check_covariance(make({"A", "B"}, asymmetric)),
                    Catch::Contains("not symmetric"));
  // Tiny negative eigenvalues from rounding are tolerated (−1e-12 · largest variance).
  Eigen::MatrixXd rounding(2, 2);
  rounding << 1.0, 1.0 + 1e-14, 1.0 + 1e-14, 1.0;
  CHECK_NOTHROW(riskgrid::scenario::check_covariance(make({"A", "B"}, rounding)));
}

TEST_CASE("Gaussian shocks have covariance h times the daily covariance", "[scenario][gaussian]") {
  const auto sigma = three_factor();
  const int h = 10;
  const gaussian_model model(make({"A", "B", "C"}, sigma), {.seed = 2026, .horizon_days = h});
  const std::size_t n = 200000;
  shock_block block(3, 1000);
  Eigen::MatrixXd sum = Eigen::MatrixXd::Zero(3, 3);
  Eigen::VectorXd mean = Eigen::VectorXd::Zero(3);
  for (std::size_t first = 0; first < n; first += 1000) {
    model.generate({first, 1000}, block);
    for (std::size_t s = 0; s < 1000; ++s) {
      for (std::size_t i = 0; i < 3; ++i) {
        mean(static_cast<Eigen::Index>(i)) += block.factor(i)[s];
        for (std::size_t j = 0; j < 3; ++j)
          sum(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(j)) += block.factor(i)[s] * block.factor(j)[s];
      }
    }
  }
  const Eigen::MatrixXd target = h * sigma;
  const Eigen::MatrixXd sample = sum / static_cast<double>(n);
  for (int i = 0; i < 3; ++i) {
    // Mean within 5 standard errors sqrt(Σ_ii/n).
    CHECK(std::abs(mean(i) / n) < 5.0 * std::sqrt(target(i, i) / n));
    for (int j = 0; j < 3; ++j) {
      // Var of x_i·x_j is Σ_ii·Σ_jj + Σ_ij²; 5 standard errors (two-sided p ≈ 6e-7 each).
      const double se = std::sqrt((target(i, i) * target(j, j) + target(i, j) * target(i, j)) / n);
      CHECK(std::abs(sample(i, j) - target(i, j)) < 5.0 * se);
    }
  }
}

TEST_CASE("A scenario's shocks do not depend on the block it is generated in", "[scenario][gaussian]") {
  const gaussian_model model(make({"A", "B", "C"}, three_factor()), {.seed = 99, .horizon_days = 1});
  shock_block big(3, 300), small(3, 7);
  model.generate({1000, 300}, big);
  for (std::size_t first = 1000; first < 1300; first += 7) {
    const auto count = std::min<std::size_t>(7, 1300 - first);
    model.generate({first, count}, small);
    for (std::size_t f = 0; f < 3; ++f)
      for (std::size_t s = 0; s < count; ++s) REQUIRE(small.factor(f)[s] == big.factor(f)[first - 1000 + s]);
  }
}

TEST_CASE("Different seeds give different scenarios and the same seed the same bits", "[scenario][gaussian]") {
  const auto c = make({"A", "B", "C"}, three_factor());
  const gaussian_model a(c, {.seed = 1, .horizon_days = 1}), b(c, {.seed = 1, .horizon_days = 1}),
      other(c, {.seed = 2, .horizon_days = 1});
  shock_block x(3, 16), y(3, 16), z(3, 16);
  a.generate({0, 16}, x);
  b.generate({0, 16}, y);
  other.generate({0, 16}, z);
  std::size_t differ = 0;
  for (std::size_t s = 0; s < 16; ++s) {
    CHECK(x.factor(1)[s] == y.factor(1)[s]);
    differ += x.factor(1)[s] != z.factor(1)[s];
  }
  CHECK(differ == 16);
}

TEST_CASE("The Gaussian model refuses a horizon below one day and a non-PSD matrix", "[scenario][gaussian]") {
  CHECK_THROWS_AS(gaussian_model(make({"A", "B", "C"}, three_factor()), {.seed = 1, .horizon_days = 0}),
                  riskgrid::error);
  Eigen::MatrixXd bad(2, 2);
  bad << 1.0, 1.5, 1.5, 1.0;
  CHECK_THROWS_AS(gaussian_model(make({"A", "B"}, bad), {}), riskgrid::model_error);
}
