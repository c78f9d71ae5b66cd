#pragma once

/// \file
/// Nearest correlation matrix (Higham 2002) and the opt-in repair of a covariance matrix
/// that is not positive semi-definite.

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/scenario/covariance.hpp"

namespace riskgrid::scenario {

/// Stopping rule of nearest_correlation.
struct nearest_correlation_options {
  /// Stop when the relative changes of both iterates and their relative gap,
  /// max(‖X_k − X_{k−1}‖/‖X_k‖, ‖Y_k − Y_{k−1}‖/‖Y_k‖, ‖Y_k − X_k‖/‖Y_k‖) (Frobenius),
  /// fall to this value or below: Higham's nearcorr.m criterion.
  double tolerance = 1e-12;
  /// Bound on the iterations (each an O(n³) eigendecomposition). Alternating projections
  /// converge linearly; Higham's 3×3 example needs about 100 at the default tolerance.
  int max_iterations = 10'000;
};

/// Result of nearest_correlation.
struct nearest_correlation_result {
  Eigen::MatrixXd matrix;  ///< the correlation matrix found: unit diagonal, PSD to rounding
  double distance;         ///< ‖matrix − A‖_F
  int iterations;          ///< alternating-projection steps taken
  bool converged;          ///< the tolerance was met within max_iterations
};

namespace detail {

/// Projection onto the PSD cone in the Frobenius norm: V·max(Λ, 0)·Vᵀ.
[[nodiscard]] inline Eigen::MatrixXd project_psd(const Eigen::MatrixXd& r) {
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(r);
  const Eigen::VectorXd clipped = eigen.eigenvalues().cwiseMax(0.0);
  Eigen::MatrixXd x = eigen.eigenvectors() * clipped.asDiagonal() * eigen.eigenvectors().transpose();
  return 0.5 * (x + x.transpose());
}

/// D^{-1/2}·X·D^{-1/2} with D = diag(X): a PSD matrix with unit diagonal (exact
/// symmetry by mirroring the lower triangle). A zero diagonal entry gives a unit diagonal
/// and a zero row.
[[nodiscard]] inline Eigen::MatrixXd unit_diagonal(const Eigen::MatrixXd& x) {
  const Eigen::Index n = x.rows();
  Eigen::VectorXd inv(n);
  for (Eigen::Index i = 0; i < n; ++i) inv(i) = x(i, i) > 0.0 ? 1.0 / std::sqrt(x(i, i)) : 0.0;
  Eigen::MatrixXd c(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) c(i, j) = c(j, i) = x(i, j) * inv(i) * inv(j);
    c(i, i) = 1.0;
  }
  return c;
}

}  // namespace detail

/// The correlation matrix (symmetric PSD, unit diagonal) nearest to the symmetric matrix
/// `a` in the Frobenius norm: N. J. Higham, "Computing the nearest correlation matrix — a
/// problem from finance", IMA J. Numer. Anal. 22 (2002) 329–343, Algorithm 3.3 with W = I:
/// alternating projections onto the PSD cone S and the unit-diagonal set U with Dykstra's
/// correction on the (non-affine) S step:
///
///   R_k = Y_{k−1} − ΔS_{k−1};  X_k = P_S(R_k);  ΔS_k = X_k − R_k;  Y_k = P_U(X_k),
///
/// from Y_0 = a, ΔS_0 = 0, stopping by nearest_correlation_options. The matrix returned
/// is the last X_k rescaled to unit diagonal (D^{-1/2}·X_k·D^{-1/2}), which keeps it PSD
/// to rounding where Y_k is PSD only to the tolerance; the two differ by about the
/// tolerance. A valid correlation matrix is returned unchanged (distance 0, 0 iterations).
///
/// Precondition: `a` square, finite, symmetric (its lower triangle is used). Throws
/// riskgrid::error if it is not square. Cost O(n³) per iteration. Thread-safe.
[[nodiscard]] inline nearest_correlation_result nearest_correlation(const Eigen::MatrixXd& a,
                                                                    nearest_correlation_options options = {}) {
  if (a.rows() != a.cols())
    throw error("nearest_correlation: matrix is " + std::to_string(a.rows()) + "x" + std::to_string(a.cols()) +
                ", expected a square matrix");
  const Eigen::MatrixXd sym = a.selfadjointView<Eigen::Lower>();
  const bool unit = (sym.diagonal().array() == 1.0).all();
  if (unit && test_positive_semidefinite(sym).passed()) return {sym, 0.0, 0, true};
  Eigen::MatrixXd y = sym;
  Eigen::MatrixXd x = sym;
  Eigen::MatrixXd correction = Eigen::MatrixXd::Zero(a.rows(), a.cols());
  int iterations = 0;
  bool converged = false;
  while (iterations < options.max_iterations) {
    ++iterations;
    const Eigen::MatrixXd r = y - correction;
    const Eigen::MatrixXd x_next = detail::project_psd(r);
    correction = x_next - r;
    Eigen::MatrixXd y_next = x_next;
    y_next.diagonal().setOnes();
    const double change_x = (x_next - x).norm() / x_next.norm();
    const double change_y = (y_next - y).norm() / y_next.norm();
    const double gap = (y_next - x_next).norm() / y_next.norm();
    x = x_next;
    y = y_next;
    if (std::max({change_x, change_y, gap}) <= options.tolerance) {
      converged = true;
      break;
    }
  }
  Eigen::MatrixXd c = detail::unit_diagonal(x);
  const double distance = (c - sym).norm();
  return {std::move(c), distance, iterations, converged};
}

/// Result of repair_covariance.
struct covariance_repair {
  scenario::covariance covariance;  ///< the input, or its repair
  bool repaired;                    ///< false: the input was PSD and is returned unchanged
  double smallest_eigenvalue;       ///< of the input (see test_positive_semidefinite)
  double correlation_distance;      ///< ‖C* − C‖_F between the repaired and original correlations
  double covariance_distance;       ///< ‖Σ* − Σ‖_F
  int iterations;                   ///< of nearest_correlation
};

/// Opt-in repair of a covariance matrix that is not PSD (check_covariance refuses it):
/// converts Σ to its correlation matrix C = D⁻¹ΣD⁻¹ (D = diag(√Σ_ii); a factor of zero
/// variance gets a zero row and a unit diagonal), replaces C by its nearest correlation
/// matrix C* (nearest_correlation), and scales back with the original standard
/// deviations, Σ* = D·C*·D, so every variance is kept. A PSD input is returned unchanged.
///
/// Throws model_error as check_covariance_entries does (shape, finiteness, symmetry,
/// negative variance), and if the iteration does not converge within `options`.
/// Cost O(n³) per iteration.
[[nodiscard]] inline covariance_repair repair_covariance(const covariance& c,
                                                         nearest_correlation_options options = {}) {
  check_covariance_entries(c);
  const psd_check psd = test_positive_semidefinite(c.matrix);
  if (psd.passed()) return {c, false, psd.smallest_eigenvalue, 0.0, 0.0, 0};
  const Eigen::Index n = c.matrix.rows();
  Eigen::VectorXd sd(n);
  for (Eigen::Index i = 0; i < n; ++i) sd(i) = std::sqrt(c.matrix(i, i));
  Eigen::MatrixXd corr(n, n);
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j)
      corr(i, j) = corr(j, i) = sd(i) > 0.0 && sd(j) > 0.0 ? c.matrix(i, j) / (sd(i) * sd(j)) : 0.0;
    corr(i, i) = 1.0;
  }
  const nearest_correlation_result nearest = nearest_correlation(corr, options);
  if (!nearest.converged)
    throw model_error("covariance matrix repair: the nearest correlation matrix iteration did not converge in " +
                      std::to_string(nearest.iterations) + " iterations");
  covariance_repair out{c, true, psd.smallest_eigenvalue, nearest.distance, 0.0, nearest.iterations};
  Eigen::MatrixXd& sigma = out.covariance.matrix;
  for (Eigen::Index i = 0; i < n; ++i) {
    for (Eigen::Index j = 0; j < i; ++j) sigma(i, j) = sigma(j, i) = sd(i) * nearest.matrix(i, j) * sd(j);
    sigma(i, i) = c.matrix(i, i);
  }
  out.covariance_distance = (sigma - c.matrix).norm();
  return out;
}

}  // namespace riskgrid::scenario
