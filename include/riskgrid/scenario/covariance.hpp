#pragma once

#include <algorithm>
#include <cmath>
#include <cstddef>
#include <limits>
#include <string>
#include <vector>

#include <Eigen/Dense>

#include "riskgrid/core/error.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/scenario/factor_set.hpp"

namespace riskgrid::scenario {

/// A covariance matrix of daily shocks over named factors.
struct covariance {
  factor_set factors;
  Eigen::MatrixXd matrix;  ///< factors.size() × factors.size()
};

/// A factorization Σ = B·Bᵀ with B of shape n × rank (B = P·L of a pivoted Cholesky).
struct covariance_factor {
  Eigen::MatrixXd loadings;  ///< n × rank
  /// For each factor, the number of leading columns of its row that can be non-zero
  /// (the pivoted factor is lower triangular in pivot order), so kernels skip zeros.
  std::vector<std::size_t> leading;
};

/// Checks everything check_covariance does except positive semi-definiteness: square of
/// the factor count; symmetric to 1e-12 relative to sqrt(Σ_ii·Σ_jj); finite; no negative
/// variance. Throws model_error naming the defect. Cost O(n²).
inline void check_covariance_entries(const covariance& c) {
  const auto n = c.factors.size();
  const auto& a = c.matrix;
  if (n == 0) throw model_error("covariance matrix: no factor");
  if (static_cast<std::size_t>(a.rows()) != n || static_cast<std::size_t>(a.cols()) != n)
    throw model_error("covariance matrix: got " + std::to_string(a.rows()) + "x" +
                      std::to_string(a.cols()) + ", expected " + std::to_string(n) + "x" +
                      std::to_string(n));
  for (std::size_t i = 0; i < n; ++i) {
    const double v = a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
    if (!std::isfinite(v) || v < 0.0)
      throw model_error("covariance matrix: variance of " + c.factors.name(i) +
                        " must be finite and non-negative, got " + to_shortest(v));
  }
  for (Eigen::Index i = 0; i < a.rows(); ++i)
    for (Eigen::Index j = 0; j < i; ++j) {
      const double x = a(i, j), y = a(j, i);
      if (!std::isfinite(x) || !std::isfinite(y))
        throw model_error("covariance matrix: entry (" + c.factors.name(static_cast<std::size_t>(i)) +
                          ", " + c.factors.name(static_cast<std::size_t>(j)) + ") is not finite");
      if (std::abs(x - y) > 1e-12 * (std::sqrt(a(i, i)) * std::sqrt(a(j, j))))
        throw model_error("covariance matrix: not symmetric at (" +
                          c.factors.name(static_cast<std::size_t>(i)) + ", " +
                          c.factors.name(static_cast<std::size_t>(j)) + "): " +
                          to_shortest(x) + " vs " + to_shortest(y));
    }
}

/// Outcome of the positive semi-definiteness test of a covariance matrix.
struct psd_check {
  double smallest_eigenvalue;  ///< of Eigen's self-adjoint solver (lower triangle); 0 for a zero matrix
  double tolerance;            ///< 1e-12 × the largest variance
  [[nodiscard]] bool passed() const noexcept { return !(smallest_eigenvalue < -tolerance); }
};

/// The PSD test of check_covariance: the smallest eigenvalue must not fall below −1e-12 ×
/// the largest diagonal entry (DESIGN.md §6). Precondition: check_covariance_entries
/// passed. Cost O(n³).
[[nodiscard]] inline psd_check test_positive_semidefinite(const Eigen::MatrixXd& a) {
  const double max_diag = a.diagonal().maxCoeff();
  if (max_diag == 0.0) return {0.0, 0.0};
  const Eigen::SelfAdjointEigenSolver<Eigen::MatrixXd> eigen(a, Eigen::EigenvaluesOnly);
  return {eigen.eigenvalues().minCoeff(), 1e-12 * max_diag};
}

/// Checks that `c` is a usable covariance matrix; throws model_error naming the defect.
///
/// check_covariance_entries, then positive semi-definite: the smallest eigenvalue
/// (Eigen's self-adjoint solver) must not fall below −1e-12 × the largest diagonal entry
/// (DESIGN.md §6); a matrix that fails is refused with its smallest eigenvalue (see
/// nearest_correlation.hpp for the opt-in repair). Cost O(n³).
inline void check_covariance(const covariance& c) {
  check_covariance_entries(c);
  const psd_check psd = test_positive_semidefinite(c.matrix);
  if (!psd.passed())
    throw model_error("covariance matrix is not positive semi-definite: smallest eigenvalue " +
                      to_shortest(psd.smallest_eigenvalue) + " < -" + to_shortest(psd.tolerance) +
                      " (1e-12 x largest variance)");
}

/// Pivoted Cholesky factorization Σ = B·Bᵀ of a checked covariance (Higham 2002,
/// "Accuracy and Stability of Numerical Algorithms", §10.3; complete diagonal pivoting,
/// first maximum on ties). Stops at rank r when the largest remaining pivot is
/// ≤ n·ε·max diag (LAPACK dpstrf's default), which is what makes singular PSD matrices
/// (e.g. perfectly correlated factors) work. Written as plain loops in a fixed order
/// rather than Eigen's vectorized LLT, so the loadings are the same bits for every SIMD
/// width the library is built for. Uses the lower triangle. O(n³).
[[nodiscard]] inline covariance_factor pivoted_cholesky(const Eigen::MatrixXd& a) {
  const auto n = static_cast<std::size_t>(a.rows());
  std::vector<std::size_t> perm(n);
  std::vector<double> diag(n);
  double max_diag = 0.0;
  for (std::size_t i = 0; i < n; ++i) {
    perm[i] = i;
    diag[i] = a(static_cast<Eigen::Index>(i), static_cast<Eigen::Index>(i));
    max_diag = std::max(max_diag, diag[i]);
  }
  const auto sym = [&](std::size_t i, std::size_t j) {
    const auto hi = static_cast<Eigen::Index>(std::max(i, j));
    const auto lo = static_cast<Eigen::Index>(std::min(i, j));
    return a(hi, lo);
  };
  const double tolerance = static_cast<double>(n) * std::numeric_limits<double>::epsilon() * max_diag;
  // l(i, k): row i in pivot order, column k.
  std::vector<double> l(n * n, 0.0);
  std::size_t rank = 0;
  for (std::size_t k = 0; k < n; ++k) {
    std::size_t q = k;
    for (std::size_t i = k + 1; i < n; ++i)
      if (diag[perm[i]] > diag[perm[q]]) q = i;
    if (!(diag[perm[q]] > tolerance)) break;
    if (q != k) {
      std::swap(perm[k], perm[q]);
      for (std::size_t j = 0; j < k; ++j) std::swap(l[k * n + j], l[q * n + j]);
    }
    const double pivot = std::sqrt(diag[perm[k]]);
    l[k * n + k] = pivot;
    for (std::size_t i = k + 1; i < n; ++i) {
      double s = sym(perm[i], perm[k]);
      for (std::size_t j = 0; j < k; ++j) s -= l[i * n + j] * l[k * n + j];
      const double v = s / pivot;
      l[i * n + k] = v;
      diag[perm[i]] -= v * v;
    }
    rank = k + 1;
  }
  covariance_factor out;
  out.loadings = Eigen::MatrixXd::Zero(static_cast<Eigen::Index>(n), static_cast<Eigen::Index>(rank));
  out.leading.assign(n, 0);
  for (std::size_t i = 0; i < n; ++i) {
    for (std::size_t k = 0; k < rank; ++k)
      out.loadings(static_cast<Eigen::Index>(perm[i]), static_cast<Eigen::Index>(k)) = l[i * n + k];
    out.leading[perm[i]] = std::min(i + 1, rank);
  }
  return out;
}

}  // namespace riskgrid::scenario
