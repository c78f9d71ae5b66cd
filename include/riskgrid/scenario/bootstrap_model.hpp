#pragma once

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::scenario {

/// Options of bootstrap_model.
struct bootstrap_options {
  std::uint64_t seed = 0;
  int horizon_days = 1;  ///< h ≥ 1: each scenario sums h independently drawn days (DESIGN.md §4)
};

/// Monte Carlo resampling of historical days (the i.i.d. bootstrap): scenario i's shock
/// is `((d(day(i,0)) + d(day(i,1))) + …) + d(day(i,h−1))`, the daily shock vectors of h
/// days drawn independently and uniformly, with replacement, from the rows of the
/// history, summed in draw order. Any number of scenarios.
///
/// Day draws: `day(i, j) = ⌊w·T / 2^64⌋`, T = rows, w = the 64-bit word
/// `philox_stream(seed, 2).bits(i, j)` (stream tag 2: tag 0 is the Gaussian normals, tag
/// 1 the Student-t; docs/design-notes.md). This is Lemire's multiply-shift reduction
/// ("Fast random integer generation in an interval", ACM TOMACS 29(1), 2019) without its
/// rejection step: one word per day, so a scenario costs a fixed number of Philox blocks
/// (⌈h/2⌉) and is pure in (seed, i). Each day k receives either ⌊2^64/T⌋ or ⌈2^64/T⌉ of
/// the 2^64 words, so |P(day = k) − 1/T| < 2^-64 and the relative bias |T·P(k) − 1| is
/// below T·2^-64 ≤ 2^-32 (T ≤ 2^32 is enforced); for the sample's 1,600 rows it is
/// below 9·10^-17, far under anything a test on 2^64 draws could see.
///
/// Models scenario_generator. Construction O(rows·factors); generate
/// O(count·h·(factors + Philox)), no allocation. Immutable after construction.
class bootstrap_model {
 public:
  /// Stream tag of the day draws (DESIGN.md §2: tags separate independent uses of a seed).
  static constexpr std::uint32_t day_stream_tag = 2;

  /// Throws riskgrid::error if horizon_days < 1, model_error if `h` breaks the history
  /// invariants (check_history) or has more than 2^32 rows.
  bootstrap_model(const history& h, bootstrap_options options)
      : factors_(h.factors), rows_(h.rows()), stream_(options.seed, day_stream_tag), options_(options) {
    if (options.horizon_days < 1)
      throw error("bootstrap_model: horizon must be at least one day, got " +
                  std::to_string(options.horizon_days));
    check_history(h);
    if (rows_ > (std::size_t{1} << 32))
      throw model_error("bootstrap_model: got " + std::to_string(rows_) + " rows, expected at most 2^32");
    columns_ = detail::factor_major(h);
  }

  [[nodiscard]] const factor_set& factors() const noexcept { return factors_; }
  [[nodiscard]] const bootstrap_options& options() const noexcept { return options_; }
  [[nodiscard]] int horizon_days() const noexcept { return options_.horizon_days; }
  [[nodiscard]] std::size_t rows() const noexcept { return rows_; }

  /// The row drawn for day j (0 ≤ j < h) of scenario i. O(1): one Philox block.
  [[nodiscard]] std::size_t day(scenario_id i, std::size_t j) const noexcept {
    return reduce(stream_.bits(i, j));
  }

  /// Daily shock of factor f on row r. Precondition: r < rows(), f < factors().size().
  [[nodiscard]] double daily_shock(std::size_t r, std::size_t f) const noexcept {
    RISKGRID_ASSERT(r < rows_ && f < factors_.size());
    return columns_[f * rows_ + r];
  }

  /// Fills the shocks of `range` (range.count ≤ block.capacity()); any scenario ids.
  void generate(scenario_range range, shock_block& block) const noexcept {
    block.reset(range);
    const auto horizon = static_cast<std::size_t>(options_.horizon_days);
    const auto n = factors_.size();
    // Sub-blocks keep the drawn days on the stack: no heap use whatever the block size.
    constexpr std::size_t sub = 128;
    std::array<std::uint32_t, sub> even, odd;
    for (std::size_t start = 0; start < range.count; start += sub) {
      const auto count = std::min(sub, range.count - start);
      // Days in pairs: one Philox block gives draws 2m and 2m + 1 of a scenario (the
      // layout of philox_stream::bits, computed once per block instead of twice).
      for (std::size_t j = 0; j < horizon; j += 2) {
        const bool pair = j + 1 < horizon;
        for (std::size_t s = 0; s < count; ++s) {
          const auto words = draw_block(range.first + start + s, j / 2);
          even[s] = static_cast<std::uint32_t>(reduce((std::uint64_t{words[1]} << 32) | words[0]));
          odd[s] = static_cast<std::uint32_t>(reduce((std::uint64_t{words[3]} << 32) | words[2]));
        }
        for (std::size_t f = 0; f < n; ++f) {
          const double* column = columns_.data() + f * rows_;
          auto out = block.factor(f).subspan(start, count);
          if (j == 0) {
            for (std::size_t s = 0; s < count; ++s) out[s] = column[even[s]];
          } else {
            for (std::size_t s = 0; s < count; ++s) out[s] += column[even[s]];
          }
          if (pair)
            for (std::size_t s = 0; s < count; ++s) out[s] += column[odd[s]];
        }
      }
    }
  }

 private:
  // ⌊w·T / 2^64⌋: the high word of the 128-bit product (Lemire 2019, without rejection).
  [[nodiscard]] std::size_t reduce(std::uint64_t word) const noexcept {
    __extension__ using u128 = unsigned __int128;
    return static_cast<std::size_t>((static_cast<u128>(word) * rows_) >> 64);
  }

  // Philox block `block_index` of scenario i in the day stream: the counter layout of
  // philox_stream (docs/design-notes.md "Counter layout"); words 0,1 are draw 2m and
  // words 2,3 draw 2m + 1. The test "bootstrap shocks are sums of the drawn days" checks
  // it against philox_stream::bits through day().
  [[nodiscard]] random::philox_counter draw_block(scenario_id i, std::size_t block_index) const noexcept {
    return random::philox4x32_10({static_cast<std::uint32_t>(block_index), day_stream_tag,
                                  static_cast<std::uint32_t>(i), static_cast<std::uint32_t>(i >> 32)},
                                 stream_.key());
  }

  factor_set factors_;
  std::size_t rows_ = 0;
  random::philox_stream stream_;
  bootstrap_options options_;
  std::vector<double> columns_;  // factors × rows, factor-major
};

}  // namespace riskgrid::scenario
