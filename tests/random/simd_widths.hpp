#pragma once

// The value types every width-invariance test runs: double and each xsimd batch of
// doubles that the build's target supports (with -march=native on an AVX-512 machine:
// SSE2, AVX2 and AVX-512).

#include <riskgrid/random/philox_batch.hpp>

#include <xsimd/xsimd.hpp>

#include <cstddef>
#include <span>

namespace riskgrid_test {

template <class F>
void for_each_width(F&& f) {
  f.template operator()<double>("double");
#if XSIMD_WITH_SSE2
  f.template operator()<xsimd::batch<double, xsimd::sse2>>("sse2");
#endif
#if XSIMD_WITH_AVX2
  f.template operator()<xsimd::batch<double, xsimd::avx2>>("avx2");
#endif
#if XSIMD_WITH_AVX512F
  f.template operator()<xsimd::batch<double, xsimd::avx512f>>("avx512f");
#endif
}

// out[j] = fn(V loaded from in + j) lane by lane, for in.size() a multiple of the lane count.
template <class V, class Fn>
void map_lanes(std::span<const double> in, std::span<double> out, Fn fn) {
  constexpr std::size_t lanes = riskgrid::random::lane_count_v<V>;
  for (std::size_t j = 0; j + lanes <= in.size(); j += lanes) {
    if constexpr (riskgrid::simd::is_batch_v<V>) {
      fn(V::load_unaligned(in.data() + j)).store_unaligned(out.data() + j);
    } else {
      out[j] = fn(in[j]);
    }
  }
}

}  // namespace riskgrid_test
