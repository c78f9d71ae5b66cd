#pragma once

#include <algorithm>
#include <bit>
#include <cmath>
#include <cstdint>
#include <vector>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/pnl_block.hpp"
#include "riskgrid/core/scenario_range.hpp"
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/tail_sums.hpp"

namespace riskgrid::risk {

namespace detail {

__extension__ using u128 = unsigned __int128;

/// A 128-bit key whose integer order is the order of DESIGN.md §4 (risk::worse): the
/// high half is the loss's IEEE bits made order-preserving (sign flipped, negatives
/// inverted; −0 read as +0, since the two tie), the low half the inverted scenario
/// index, so a larger key is a worse entry and no two scenarios share a key.
[[nodiscard]] inline u128 rank_key(double loss, scenario_id scenario) noexcept {
  const auto bits = std::bit_cast<std::uint64_t>(loss == 0.0 ? 0.0 : loss);
  const std::uint64_t high = (bits >> 63) != 0 ? ~bits : bits | (std::uint64_t{1} << 63);
  return (static_cast<u128>(high) << 64) | static_cast<u128>(~scenario);
}

/// The top `depth` bits of a key (0 ≤ depth ≤ 128).
[[nodiscard]] inline u128 key_prefix(u128 key, unsigned depth) noexcept {
  return depth == 0 ? 0 : key >> (128 - depth);
}

}  // namespace detail

/// What a pass of risk::bounded_var_es does with the scenarios inside a probe's range.
enum class probe_action : std::uint8_t {
  histogram,  ///< count them by the next rank_selection_pass::bits_per_pass key bits
  collect,    ///< keep them (loss, scenario)
};

/// Whether a probe also sums the losses of the entries ranked above its range.
enum class probe_sums : std::uint8_t { none, above };

/// A range of rank keys: those whose top `depth` bits equal `prefix` (all keys when
/// depth = 0), and what a pass does with it.
struct rank_probe {
  std::uint64_t prefix_high = 0, prefix_low = 0;  ///< the prefix, right-aligned, 128 bits
  std::uint32_t depth = 0;                        ///< 0 … 128
  probe_action action = probe_action::histogram;
  probe_sums sums = probe_sums::none;
};

/// Whether a pass also keeps the P&L moments (the first pass of a run does).
enum class pass_moments : std::uint8_t { skip, keep };

/// The chunk state of one pass of risk::bounded_var_es: for each probe, the histogram of
/// the next 16 key bits (or the entries themselves) of the scenarios inside its range and
/// the exact sums of the losses ranked above it; the scenario count, the non-finite
/// losses, and optionally the P&L moments.
///
/// Models riskgrid::aggregator. Memory: a chunk state holds at most one small record
/// per scenario and probe; a merged state a dense histogram (2^16 counts, 512 KB) per
/// histogram probe plus the collected entries, which the driver bounds. Counts are
/// integers and sums exact, so merge is associative and commutative: any partition and
/// merge order gives the same state up to the order of collected entries, which the
/// driver sorts.
class rank_selection_pass {
 public:
  static constexpr unsigned bits_per_pass = 16;
  static constexpr std::size_t bins = std::size_t{1} << bits_per_pass;

  rank_selection_pass() = default;
  rank_selection_pass(std::vector<rank_probe> probes, pass_moments moments)
      : probes_(std::move(probes)), data_(probes_.size()), moments_kept_(moments) {
    for (const auto& p : probes_) {
      if (p.depth > 128 || (p.action == probe_action::histogram && p.depth + bits_per_pass > 128))
        throw error("rank_selection_pass: probe depth out of range");
      prefixes_.push_back((static_cast<detail::u128>(p.prefix_high) << 64) | p.prefix_low);
    }
  }

  void push(const pnl_block& block) {
    for (std::size_t i = 0; i < block.pnl.size(); ++i) {
      const double loss = -block.pnl[i];
      const scenario_id id = block.first + i;
      if (!std::isfinite(loss)) {
        if (non_finite_ == 0 || id < first_non_finite_) first_non_finite_ = id;
        ++non_finite_;
        continue;
      }
      const auto key = detail::rank_key(loss, id);
      for (std::size_t q = 0; q < probes_.size(); ++q) {
        const auto& probe = probes_[q];
        const auto prefix = detail::key_prefix(key, probe.depth);
        auto& d = data_[q];
        if (prefix == prefixes_[q]) {
          if (probe.action == probe_action::collect) {
            d.entries.push_back({loss, id});
          } else {
            const auto shift = 128 - probe.depth - bits_per_pass;
            d.raw_bins.push_back(static_cast<std::uint16_t>(key >> shift));
          }
        } else if (prefix > prefixes_[q] && probe.sums == probe_sums::above) {
          d.above.add(loss);
        }
      }
    }
    if (moments_kept_ == pass_moments::keep) moments_.push(block);
    seen_ += block.pnl.size();
  }

  void merge(const rank_selection_pass& other) {
    if (other.probes_.size() != probes_.size()) throw error("rank_selection_pass: merging different passes");
    for (std::size_t q = 0; q < probes_.size(); ++q) {
      auto& d = data_[q];
      const auto& o = other.data_[q];
      if (probes_[q].action == probe_action::histogram && (!o.raw_bins.empty() || !o.dense.empty())) {
        // A merged state counts densely: integer additions, in any order.
        d.densify();
        for (const auto b : o.raw_bins) ++d.dense[b];
        for (std::size_t b = 0; b < o.dense.size(); ++b) d.dense[b] += o.dense[b];
      }
      d.entries.insert(d.entries.end(), o.entries.begin(), o.entries.end());
      d.above.merge(o.above);
    }
    if (other.non_finite_ != 0) {
      if (non_finite_ == 0 || other.first_non_finite_ < first_non_finite_) first_non_finite_ = other.first_non_finite_;
      non_finite_ += other.non_finite_;
    }
    moments_.merge(other.moments_);
    seen_ += other.seen_;
  }

  void save(byte_writer& w) const {
    w.put<std::uint64_t>(probes_.size());
    w.put<std::uint64_t>(seen_);
    w.put<std::uint64_t>(non_finite_);
    w.put<std::uint64_t>(first_non_finite_);
    moments_.save(w);
    for (const auto& d : data_) {
      w.put_span<std::uint16_t>(d.raw_bins);
      w.put_span<std::uint64_t>(d.dense);
      w.put_span<tail_entry>(d.entries);
      d.above.save(w);
    }
  }
  /// Loads into a state made for the same probes; throws riskgrid::error otherwise.
  void load(byte_reader& r) {
    if (r.get<std::uint64_t>() != probes_.size()) throw error("corrupt rank_selection_pass payload: probe count");
    seen_ = r.get<std::uint64_t>();
    non_finite_ = r.get<std::uint64_t>();
    first_non_finite_ = r.get<std::uint64_t>();
    moments_.load(r);
    for (auto& d : data_) {
      d.raw_bins = r.get_vector<std::uint16_t>();
      d.dense = r.get_vector<std::uint64_t>();
      if (!d.dense.empty() && d.dense.size() != bins) throw error("corrupt rank_selection_pass payload: histogram size");
      d.entries = r.get_vector<tail_entry>();
      d.above.load(r);
    }
  }

  [[nodiscard]] const std::vector<rank_probe>& probes() const noexcept { return probes_; }
  /// Scenarios pushed (finite or not) over all merged states.
  [[nodiscard]] std::uint64_t count() const noexcept { return seen_; }
  [[nodiscard]] std::uint64_t non_finite_count() const noexcept { return non_finite_; }
  /// Smallest scenario index with a non-finite loss; meaningful if non_finite_count() > 0.
  [[nodiscard]] scenario_id first_non_finite() const noexcept { return first_non_finite_; }
  [[nodiscard]] pnl_summary pnl() const noexcept { return moments_.summary(); }

  /// Probe q's histogram (2^16 counts, the bin of the next key bits); histogram probes.
  [[nodiscard]] std::vector<std::uint64_t> counts(std::size_t q) const {
    auto c = data_[q].dense;
    c.resize(bins, 0);
    for (const auto b : data_[q].raw_bins) ++c[b];
    return c;
  }
  /// Probe q's entries, in no particular order; collect probes.
  [[nodiscard]] const std::vector<tail_entry>& entries(std::size_t q) const noexcept { return data_[q].entries; }
  /// The losses ranked above probe q's range (probe_sums::above).
  [[nodiscard]] const tail_sums& above(std::size_t q) const noexcept { return data_[q].above; }

 private:
  struct probe_data {
    std::vector<std::uint16_t> raw_bins;  // a chunk's bins, one per scenario in range
    std::vector<std::uint64_t> dense;     // merged counts: empty or `bins` long
    std::vector<tail_entry> entries;
    tail_sums above;

    void densify() {
      if (dense.empty()) dense.assign(bins, 0);
      for (const auto b : raw_bins) ++dense[b];
      raw_bins.clear();
      raw_bins.shrink_to_fit();
    }
  };

  std::vector<rank_probe> probes_;
  std::vector<detail::u128> prefixes_;
  std::vector<probe_data> data_;
  pass_moments moments_kept_ = pass_moments::skip;
  pnl_moments moments_;
  std::uint64_t seen_ = 0;
  std::uint64_t non_finite_ = 0;
  scenario_id first_non_finite_ = 0;
};

}  // namespace riskgrid::risk
