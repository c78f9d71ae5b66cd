// Option pricers: scenario revaluations per second, one trade over a block of scenarios
// (the book's hot loop). Run with the command in benchmarks/README.md.
#include <benchmark/benchmark.h>

#include <cmath>
#include <cstddef>
#include <random>
#include <vector>

#include <immintrin.h>
#include <xsimd/xsimd.hpp>

#include "riskgrid/pricing/american.hpp"
#include "riskgrid/pricing/barrier.hpp"
#include "riskgrid/pricing/black_scholes.hpp"
#include "riskgrid/pricing/digital.hpp"

namespace {

namespace pr = riskgrid::pricing;
using batch = xsimd::batch<double>;

constexpr std::size_t block = 4096;  // scenarios per block (multiple of every width)
constexpr double strike = 105.0;
constexpr double maturity = 0.75;

struct scenario_block {
  std::vector<double> spot, r, q, vol, out;
  scenario_block() : spot(block), r(block), q(block), vol(block), out(block) {
    std::mt19937_64 gen(17);
    std::normal_distribution<double> z(0.0, 1.0);
    for (std::size_t i = 0; i < block; ++i) {
      spot[i] = 100.0 * std::exp(0.1 * z(gen));
      r[i] = 0.03 + 0.002 * z(gen);
      q[i] = 0.01 + 0.001 * z(gen);
      vol[i] = 0.25 * std::exp(0.05 * z(gen));
    }
  }
};

template <class F>
void run_batched(benchmark::State& state, F f) {
  scenario_block b;
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; i += batch::size) {
      f(batch::load_unaligned(&b.spot[i]), batch::load_unaligned(&b.r[i]), batch::load_unaligned(&b.q[i]),
        batch::load_unaligned(&b.vol[i]))
          .store_unaligned(&b.out[i]);
    }
    benchmark::DoNotOptimize(b.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}

void bsm_simd(benchmark::State& state) {
  run_batched(state, [](batch s, batch r, batch q, batch v) {
    return pr::black_scholes<batch>(pr::option_type::call, s, strike, maturity, r, q, v);
  });
}
BENCHMARK(bsm_simd);

// The scalar path, one call per scenario: without the call GCC auto-vectorizes the
// branch-free template across the loop, which is then not the scalar path any more.
[[gnu::noinline]] double bsm_scalar_one(double s, double r, double q, double v) {
  return pr::black_scholes<double>(pr::option_type::call, s, strike, maturity, r, q, v);
}

void bsm_scalar(benchmark::State& state) {
  scenario_block b;
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; ++i) b.out[i] = bsm_scalar_one(b.spot[i], b.r[i], b.q[i], b.vol[i]);
    benchmark::DoNotOptimize(b.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(bsm_scalar);

// Plain scalar libm loop of the same formula (std::exp/log/erfc), for scale.
void bsm_scalar_libm(benchmark::State& state) {
  scenario_block b;
  const double sqrt_t = std::sqrt(maturity);
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; ++i) {
      const double sd = b.vol[i] * sqrt_t;
      const double d1 = (std::log(b.spot[i] / strike) + (b.r[i] - b.q[i] + 0.5 * b.vol[i] * b.vol[i]) * maturity) / sd;
      const double d2 = d1 - sd;
      b.out[i] = b.spot[i] * std::exp(-b.q[i] * maturity) * 0.5 * std::erfc(-d1 * M_SQRT1_2) -
                 strike * std::exp(-b.r[i] * maturity) * 0.5 * std::erfc(-d2 * M_SQRT1_2);
    }
    benchmark::DoNotOptimize(b.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(bsm_scalar_libm);

#ifdef __AVX512F__
// The fastest minimal kernel we could write for the same formula: raw AVX-512
// intrinsics with FMA; exp by Cody–Waite + degree-12 polynomial + vscalefpd; log by
// vgetexppd/vgetmantpd + fdlibm's polynomial; Φ by the same Cody rationals and one
// division, exp(−x²/2) without the exact square. No NaN/overflow/subnormal handling, no
// width independence: it only has to be fast on well-behaved inputs.
namespace kernel {

inline __m512d set(double x) { return _mm512_set1_pd(x); }
inline __m512d fma(__m512d a, __m512d b, __m512d c) { return _mm512_fmadd_pd(a, b, c); }

inline __m512d exp(__m512d x) {
  const __m512d n = _mm512_roundscale_pd(_mm512_mul_pd(x, set(1.4426950408889634)), _MM_FROUND_TO_NEAREST_INT);
  __m512d r = _mm512_fnmadd_pd(n, set(6.93147180369123816490e-01), x);
  r = _mm512_fnmadd_pd(n, set(1.90821492927058770002e-10), r);
  __m512d p = set(1.0 / 479001600.0);
  p = fma(p, r, set(1.0 / 39916800.0));
  p = fma(p, r, set(1.0 / 3628800.0));
  p = fma(p, r, set(1.0 / 362880.0));
  p = fma(p, r, set(1.0 / 40320.0));
  p = fma(p, r, set(1.0 / 5040.0));
  p = fma(p, r, set(1.0 / 720.0));
  p = fma(p, r, set(1.0 / 120.0));
  p = fma(p, r, set(1.0 / 24.0));
  p = fma(p, r, set(1.0 / 6.0));
  p = fma(p, r, set(0.5));
  p = fma(p, r, set(1.0));
  p = fma(p, r, set(1.0));
  return _mm512_scalef_pd(p, n);
}

inline __m512d log(__m512d x) {
  __m512d m = _mm512_getmant_pd(x, _MM_MANT_NORM_1_2, _MM_MANT_SIGN_src);
  __m512d e = _mm512_getexp_pd(x);
  const __mmask8 high = _mm512_cmp_pd_mask(m, set(1.4142135623730951), _CMP_GT_OQ);
  m = _mm512_mask_mul_pd(m, high, m, set(0.5));
  e = _mm512_mask_add_pd(e, high, e, set(1.0));
  const __m512d f = _mm512_sub_pd(m, set(1.0));
  const __m512d s = _mm512_div_pd(f, _mm512_add_pd(set(2.0), f));
  const __m512d z = _mm512_mul_pd(s, s);
  const __m512d w = _mm512_mul_pd(z, z);
  const __m512d t1 = _mm512_mul_pd(w, fma(w, fma(w, set(1.531383769920937332e-01), set(2.222219843214978396e-01)),
                                          set(3.999999999940941908e-01)));
  const __m512d t2 = _mm512_mul_pd(
      z, fma(w, fma(w, fma(w, set(1.479819860511658591e-01), set(1.818357216161805012e-01)), set(2.857142874366239149e-01)),
             set(6.666666666666735130e-01)));
  const __m512d hfsq = _mm512_mul_pd(_mm512_mul_pd(set(0.5), f), f);
  const __m512d r = _mm512_add_pd(t2, t1);
  const __m512d lo = fma(e, set(1.90821492927058770002e-10), fma(s, _mm512_add_pd(hfsq, r), set(0.0)));
  return fma(e, set(6.93147180369123816490e-01), _mm512_sub_pd(f, _mm512_sub_pd(hfsq, lo)));
}

inline __m512d ncdf(__m512d x) {
  const __m512d y = _mm512_min_pd(_mm512_abs_pd(x), set(40.0));
  const __m512d w = _mm512_mul_pd(y, y);
  __m512d n1 = fma(set(0.065682337918207449113), w, set(2.2352520354606839287));
  n1 = fma(n1, w, set(161.02823106855587881));
  n1 = fma(n1, w, set(1067.6894854603709582));
  n1 = _mm512_mul_pd(x, fma(n1, w, set(18154.981253343561249)));
  __m512d d1 = _mm512_add_pd(w, set(47.20258190468824187));
  d1 = fma(d1, w, set(976.09855173777669322));
  d1 = fma(d1, w, set(10260.932208618978205));
  d1 = fma(d1, w, set(45507.789335026729956));
  __m512d n2 = fma(set(1.0765576773720192317e-8), y, set(0.39894151208813466764));
  for (const double c : {8.8831497943883759412, 93.506656132177855979, 597.27027639480026226, 2494.5375852903726711,
                         6848.1904505362823326, 11602.651437647350124, 9842.7148383839780218})
    n2 = fma(n2, y, set(c));
  __m512d d2 = _mm512_add_pd(y, set(22.266688044328115691));
  for (const double c : {235.38790178262499861, 1519.377599407554805, 6485.558298266760755, 18615.571640885098091,
                         34900.952721145977266, 38912.003286093271411, 19685.429676859990727})
    d2 = fma(d2, y, set(c));
  __m512d pn = fma(set(7.29751555083966205e-5), w, set(0.00378239633202758244));
  for (const double c : {0.0659881378689285515, 0.468238212480865118, 1.28426009614491121, 1.0}) pn = fma(pn, w, set(c));
  const __m512d wq = _mm512_mul_pd(w, pn);
  __m512d pp = fma(set(2.9112874951168792e-5), w, set(0.001421619193227893466));
  for (const double c : {0.022235277870649807, 0.1274011611602473639, 0.21589853405795699, 0.02307344176494017303})
    pp = fma(pp, w, set(c));
  const __m512d n3 = _mm512_fmsub_pd(set(0.398942280401432677939946059934), wq, pp);
  const __m512d d3 = _mm512_mul_pd(y, wq);
  const __mmask8 central = _mm512_cmp_pd_mask(y, set(0.67448975), _CMP_LE_OQ);
  const __mmask8 middle = _mm512_cmp_pd_mask(y, set(5.656854249492380195), _CMP_LE_OQ);
  const __m512d num = _mm512_mask_blend_pd(central, _mm512_mask_blend_pd(middle, n3, n2), n1);
  const __m512d den = _mm512_mask_blend_pd(central, _mm512_mask_blend_pd(middle, d3, d2), d1);
  const __m512d q = _mm512_div_pd(num, den);
  const __m512d tail = _mm512_mul_pd(exp(_mm512_mul_pd(set(-0.5), w)), q);
  const __mmask8 negative = _mm512_cmp_pd_mask(x, set(0.0), _CMP_LT_OQ);
  const __m512d outer = _mm512_mask_blend_pd(negative, _mm512_sub_pd(set(1.0), tail), tail);
  return _mm512_mask_blend_pd(central, outer, _mm512_add_pd(set(0.5), q));
}

}  // namespace kernel

void bsm_minimal_avx512_kernel(benchmark::State& state) {
  scenario_block b;
  const __m512d sqrt_t = _mm512_set1_pd(std::sqrt(maturity)), t = _mm512_set1_pd(maturity);
  const __m512d k = _mm512_set1_pd(strike), inv_k = _mm512_set1_pd(1.0 / strike);
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; i += 8) {
      const __m512d s = _mm512_loadu_pd(&b.spot[i]), r = _mm512_loadu_pd(&b.r[i]), q = _mm512_loadu_pd(&b.q[i]),
                    v = _mm512_loadu_pd(&b.vol[i]);
      const __m512d sd = _mm512_mul_pd(v, sqrt_t);
      const __m512d drift = _mm512_mul_pd(_mm512_fmadd_pd(_mm512_mul_pd(_mm512_set1_pd(0.5), v), v, _mm512_sub_pd(r, q)), t);
      const __m512d d1 = _mm512_div_pd(_mm512_add_pd(kernel::log(_mm512_mul_pd(s, inv_k)), drift), sd);
      const __m512d d2 = _mm512_sub_pd(d1, sd);
      const __m512d fwd = _mm512_mul_pd(s, kernel::exp(_mm512_mul_pd(_mm512_sub_pd(_mm512_setzero_pd(), q), t)));
      const __m512d kdf = _mm512_mul_pd(k, kernel::exp(_mm512_mul_pd(_mm512_sub_pd(_mm512_setzero_pd(), r), t)));
      _mm512_storeu_pd(&b.out[i], _mm512_fmsub_pd(fwd, kernel::ncdf(d1), _mm512_mul_pd(kdf, kernel::ncdf(d2))));
    }
    benchmark::DoNotOptimize(b.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(bsm_minimal_avx512_kernel);
#endif

void digital_simd(benchmark::State& state) {
  run_batched(state, [](batch s, batch r, batch q, batch v) {
    return pr::digital_cash_or_nothing<batch>(pr::option_type::call, s, strike, maturity, r, q, v, 1.0);
  });
}
BENCHMARK(digital_simd);

void barrier_down_out_rebate_simd(benchmark::State& state) {
  run_batched(state, [](batch s, batch r, batch q, batch v) {
    return pr::barrier<batch>(pr::option_type::call, pr::barrier_type::down_out, s, strike, 80.0, 2.0, maturity, r, q, v);
  });
}
BENCHMARK(barrier_down_out_rebate_simd);

void barrier_up_in_simd(benchmark::State& state) {
  run_batched(state, [](batch s, batch r, batch q, batch v) {
    return pr::barrier<batch>(pr::option_type::put, pr::barrier_type::up_in, s, strike, 130.0, 0.0, maturity, r, q, v);
  });
}
BENCHMARK(barrier_up_in_simd);

// The American pricers take the maturity's constants (american_terms: t1 and the
// bivariate normals' nodes) built once per trade, as the book does.
void american_put_simd(benchmark::State& state) {
  const pr::american_terms terms(maturity);
  run_batched(state, [&](batch s, batch r, batch q, batch v) {
    return pr::american<batch>(pr::option_type::put, s, strike, terms, r, q, v);
  });
}
BENCHMARK(american_put_simd);

// Calls with a dividend yield above the rate, so that early exercise matters (with
// q ≤ r the call is European and takes the same path anyway).
void american_call_simd(benchmark::State& state) {
  const pr::american_terms terms(maturity);
  run_batched(state, [&](batch s, batch r, batch q, batch v) {
    return pr::american<batch>(pr::option_type::call, s, strike, terms, r, q + 0.03, v);
  });
}
BENCHMARK(american_call_simd);

// The one-off overload: the american_terms (34 sines and arcsines) rebuilt per batch.
void american_put_simd_one_off(benchmark::State& state) {
  run_batched(state, [](batch s, batch r, batch q, batch v) {
    return pr::american<batch>(pr::option_type::put, s, strike, maturity, r, q, v);
  });
}
BENCHMARK(american_put_simd_one_off);

void american_put_scalar(benchmark::State& state) {
  scenario_block b;
  const pr::american_terms terms(maturity);
  for (auto _ : state) {
    for (std::size_t i = 0; i < block; ++i)
      b.out[i] = pr::american<double>(pr::option_type::put, b.spot[i], strike, terms, b.r[i], b.q[i], b.vol[i]);
    benchmark::DoNotOptimize(b.out.data());
    benchmark::ClobberMemory();
  }
  state.SetItemsProcessed(static_cast<std::int64_t>(state.iterations() * block));
}
BENCHMARK(american_put_scalar);

}  // namespace
