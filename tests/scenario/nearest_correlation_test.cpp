#include <riskgrid/scenario/gaussian_model.hpp>
#include <riskgrid/scenario/nearest_correlation.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <string>
#include <vector>

namespace {

namespace rs = riskgrid::scenario;

double smallest_eigenvalue(const Eigen::MatrixXd& m) {
  return Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd>(m, Eigen::EigenvaluesOnly).eigenvalues().minCoeff();
}

// The simple repair: clip the negative eigenvalues to zero, then rescale to unit diagonal.
Eigen::MatrixXd clipped_repair(const Eigen::MatrixXd& a) {
  return rs::detail::unit_diagonal(rs::detail::project_psd(a));
}

// A symmetric unit-diagonal matrix with correlations drawn in [-0.9, 0.9]: generally
// indefinite for n ≥ 4 (a "stressed" correlation matrix edited entry by entry).
Eigen::MatrixXd pseudo_correlation(int n, unsigned seed) {
  Eigen::MatrixXd a = Eigen::MatrixXd::Identity(n, n);
  unsigned state = seed;
  for (int i = 0; i < n; ++i)
    for (int j = 0; j < i; ++j) {
      state = state * 1664525u + 1013904223u;
      a(i, j) = a(j, i) = 1.8 * (static_cast<double>(state >> 8) / 16777216.0) - 0.9;
    }
  return a;
}

rs::covariance covariance_of(const Eigen::MatrixXd& m) {
  std::vector<std::string> names;
  for (Eigen::Index i = 0; i < m.rows(); ++i) names.push_back("F" + std::to_string(10 + i));
  return {rs::factor_set(names), m};
}

}  // namespace

TEST_CASE("Higham's 2002 example gives the published nearest correlation matrix",
          "[scenario][nearest_correlation]") {
  // Higham (2002), section 4: A = [1 1 0; 1 1 1; 0 1 1] has the nearest correlation
  // matrix with off-diagonals 0.7607, 0.1573, 0.7607 (4 digits printed in the paper).
  Eigen::MatrixXd a(3, 3);
  a << 1, 1, 0, 1, 1, 1, 0, 1, 1;
  const auto result = rs::nearest_correlation(a);
  INFO("iterations " << result.iterations << "\n" << result.matrix);
  CHECK(result.converged);
  CHECK(std::abs(result.matrix(0, 1) - 0.7607) < 5e-5);
  CHECK(std::abs(result.matrix(0, 2) - 0.1573) < 5e-5);
  CHECK(std::abs(result.matrix(1, 2) - 0.7607) < 5e-5);
  CHECK(result.matrix(1, 0) == result.matrix(0, 1));
  for (int i = 0; i < 3; ++i) CHECK(result.matrix(i, i) == 1.0);
  CHECK(smallest_eigenvalue(result.matrix) > -1e-14);
  CHECK(result.distance == Approx((result.matrix - a).norm()).epsilon(1e-14));
  // The smallest eigenvalue of A is 1 − √2: a clipped repair is farther away.
  CHECK(result.distance < (clipped_repair(a) - a).norm());
}

TEST_CASE("The nearest correlation matrix is a valid correlation matrix no farther than a clipped repair",
          "[scenario][nearest_correlation]") {
  for (const int n : {8, 12, 30}) {
    for (const unsigned seed : {1u, 2u, 3u}) {
      const Eigen::MatrixXd a = pseudo_correlation(n, seed);
      INFO("n = " << n << ", seed " << seed << ", smallest eigenvalue of A " << smallest_eigenvalue(a));
      REQUIRE(smallest_eigenvalue(a) < -1e-3);  // the inputs do need repair
      const auto result = rs::nearest_correlation(a);
      CHECK(result.converged);
      CHECK(smallest_eigenvalue(result.matrix) > -1e-13);
      CHECK(result.matrix.diagonal().isOnes(0.0));
      CHECK((result.matrix - result.matrix.transpose()).norm() == 0.0);
      CHECK(result.matrix.cwiseAbs().maxCoeff() <= 1.0 + 1e-15);
      CHECK(result.distance <= (clipped_repair(a) - a).norm());
      // Optimality (Higham 2002, Theorem 2.4 with W = I): the result is a fixed point of
      // the iteration, so repairing it again changes nothing.
      CHECK(rs::nearest_correlation(result.matrix).distance < 1e-10);
    }
  }
}

TEST_CASE("A valid correlation matrix is returned unchanged", "[scenario][nearest_correlation]") {
  Eigen::MatrixXd c(3, 3);
  c << 1, 0.5, -0.2, 0.5, 1, 0.3, -0.2, 0.3, 1;
  const auto result = rs::nearest_correlation(c);
  CHECK(result.matrix == c);
  CHECK(result.distance == 0.0);
  CHECK(result.iterations == 0);
  // A singular one (perfect correlation) too.
  Eigen::MatrixXd s(2, 2);
  s << 1, 1, 1, 1;
  CHECK(rs::nearest_correlation(s).matrix == s);
}

TEST_CASE("The iteration bound is honoured and reported", "[scenario][nearest_correlation]") {
  Eigen::MatrixXd a(3, 3);
  a << 1, 1, 0, 1, 1, 1, 0, 1, 1;
  const auto result = rs::nearest_correlation(a, {.tolerance = 1e-15, .max_iterations = 3});
  CHECK(result.iterations == 3);
  CHECK_FALSE(result.converged);
  CHECK_THROWS_AS(rs::nearest_correlation(Eigen::MatrixXd::Zero(2, 3)), riskgrid::error);
}

TEST_CASE("Covariance repair keeps the variances, and the repaired matrix drives a Gaussian model",
          "[scenario][nearest_correlation]") {
  const Eigen::MatrixXd corr = pseudo_correlation(6, 7);
  Eigen::VectorXd sd(6);
  sd << 0.01, 0.02, 0.005, 0.3, 0.0, 1.5;  // one factor of zero variance
  const Eigen::MatrixXd sigma = sd.asDiagonal() * corr * sd.asDiagonal();
  const rs::covariance cov = covariance_of(sigma);
  REQUIRE_THROWS_WITH(rs::check_covariance(cov), Catch::Contains("not positive semi-definite"));
  const rs::covariance_repair repair = rs::repair_covariance(cov);
  CHECK(repair.repaired);
  CHECK(repair.smallest_eigenvalue < 0.0);
  CHECK(repair.correlation_distance > 0.0);
  CHECK(repair.covariance_distance == Approx((repair.covariance.matrix - sigma).norm()).epsilon(1e-14));
  for (int i = 0; i < 6; ++i) CHECK(repair.covariance.matrix(i, i) == sigma(i, i));
  for (int j = 0; j < 6; ++j) CHECK(repair.covariance.matrix(4, j) == 0.0);
  CHECK_NOTHROW(rs::check_covariance(repair.covariance));
  CHECK_NOTHROW(rs::gaussian_model(repair.covariance, {.seed = 1}));

  // The correlation distance is that of nearest_correlation on the input's correlations
  // (the zero-variance factor's correlations are taken as 0).
  Eigen::MatrixXd c = corr;
  for (int j = 0; j < 6; ++j)
    if (j != 4) c(4, j) = c(j, 4) = 0.0;
  CHECK(repair.correlation_distance == Approx(rs::nearest_correlation(c).distance).epsilon(1e-12));

  // A PSD covariance is returned unchanged.
  const rs::covariance psd = covariance_of(sd.asDiagonal() * Eigen::MatrixXd::Identity(6, 6) * sd.asDiagonal());
  const auto kept = rs::repair_covariance(psd);
  CHECK_FALSE(kept.repaired);
  CHECK(kept.covariance.matrix == psd.matrix);
  CHECK(kept.covariance_distance == 0.0);
  // Structural defects are still refused.
  Eigen::MatrixXd bad = psd.matrix;
  bad(0, 0) = -1.0;
  CHECK_THROWS_AS(rs::repair_covariance(covariance_of(bad)), riskgrid::model_error);
}
