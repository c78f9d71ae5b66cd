#pragma once

#include <array>
#include <cmath>

#include "riskgrid/simd/math.hpp"

namespace riskgrid::pricing {

namespace detail {

// 20-point Gauss–Legendre on [−1, 1]: the positive nodes and their weights.
inline constexpr std::array<double, 10> gl20_nodes = {
    7.65265211334973338e-02, 2.27785851141645078e-01, 3.73706088715419561e-01,
    5.10867001950827098e-01, 6.36053680726515025e-01, 7.46331906460150793e-01,
    8.39116971822218823e-01, 9.12234428251325906e-01, 9.63971927277913791e-01,
    9.93128599185094925e-01};
inline constexpr std::array<double, 10> gl20_weights = {
    1.52753387130725851e-01, 1.49172986472603747e-01, 1.42096109318382051e-01,
    1.31688638449176627e-01, 1.18194531961518417e-01, 1.01930119817240435e-01,
    8.32767415767047487e-02, 6.26720483341090636e-02, 4.06014298003869413e-02,
    1.76140071391521183e-02};

inline constexpr double two_pi = 6.283185307179586476925286766559;

}  // namespace detail

/// Bivariate standard normal CDF M(x, y; ρ) = P(X ≤ x, Y ≤ y), corr(X, Y) = ρ ∈ [−1, 1].
///
/// Genz (2004), "Numerical computation of rectangular bivariate and trivariate normal
/// and t probabilities", Stat. Comput. 14: Drezner–Wesolowsky's integral in asin ρ for
/// |ρ| < 0.925 and Genz's transformed integral with its asymptotic correction above,
/// both with the 20-point Gauss–Legendre rule (absolute error ~1e-15 over the whole
/// plane, the double-precision variant). ρ is one scalar for every lane, so the branch
/// on it does not depend on the lane; everything lane-wise is branch-free.
template <class V>
[[nodiscard]] inline V bivariate_normal_cdf(V x, V y, double rho) noexcept {
  using detail::gl20_nodes;
  using detail::gl20_weights;
  using detail::two_pi;
  // Genz's BVND(h, k, ρ) = P(X > h, Y > k); M(x, y; ρ) = BVND(−x, −y, ρ).
  const V h = -x;
  V k = -y;
  V hk = h * k;
  V bvn(0.0);
  if (std::fabs(rho) < 0.925) {
    const V hs = (h * h + k * k) * 0.5;
    const double asr = std::asin(rho);
    for (std::size_t i = 0; i < gl20_nodes.size(); ++i) {
      for (const double node : {-gl20_nodes[i], gl20_nodes[i]}) {
        const double sn = std::sin(asr * (node + 1.0) * 0.5);
        bvn = bvn + gl20_weights[i] * simd::exp<V>((sn * hk - hs) / (1.0 - sn * sn));
      }
    }
    return bvn * (asr / (2.0 * two_pi)) + simd::ncdf<V>(-h) * simd::ncdf<V>(-k);
  }
  if (rho < 0.0) {
    k = -k;
    hk = -hk;
  }
  if (std::fabs(rho) < 1.0) {
    const double as = (1.0 - rho) * (1.0 + rho);
    double a = std::sqrt(as);
    const V bs = (h - k) * (h - k);
    const V c = (4.0 - hk) / 8.0;
    const V d = (12.0 - hk) / 16.0;
    bvn = a * simd::exp<V>(-(bs / as + hk) * 0.5) *
          (1.0 - c * (bs - as) * (1.0 - d * bs / 5.0) / 3.0 + c * d * as * as / 5.0);
    // Genz skips this term for hk ≤ −160, where it underflows; the select keeps it
    // lane-wise finite (b/a ≥ 0 there, so Φ(−b/a)·e^(−hk/2) is bounded by the clamp).
    const V b = simd::sqrt(bs);
    const V term = simd::exp<V>(simd::min<V>(-hk * 0.5, V(700.0))) * std::sqrt(two_pi) *
                   simd::ncdf<V>(-b / a) * b * (1.0 - c * bs * (1.0 - d * bs / 5.0) / 3.0);
    bvn = bvn - simd::select<V>(hk > -160.0, term, V(0.0));
    a = a * 0.5;
    for (std::size_t i = 0; i < gl20_nodes.size(); ++i) {
      for (const double node : {-gl20_nodes[i], gl20_nodes[i]}) {
        const double xs = (a * (node + 1.0)) * (a * (node + 1.0));
        const double rs = std::sqrt(1.0 - xs);
        bvn = bvn + (a * gl20_weights[i]) *
                        (simd::exp<V>(-bs / (2.0 * xs) - hk / (1.0 + rs)) / rs -
                         simd::exp<V>(-(bs / xs + hk) * 0.5) * (1.0 + c * xs * (1.0 + d * xs)));
      }
    }
    bvn = -bvn / two_pi;
  }
  if (rho > 0.0) return bvn + simd::ncdf<V>(-simd::select<V>(h > k, h, k));
  return -bvn + simd::max<V>(simd::ncdf<V>(-h) - simd::ncdf<V>(-k), V(0.0));
}

}  // namespace riskgrid::pricing
