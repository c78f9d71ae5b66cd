#pragma once

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <limits>
#include <span>
#include <vector>

#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/scenario_range.hpp"

namespace riskgrid::risk {

/// One loss (= −P&L) and the scenario it came from.
struct tail_entry {
  double loss = 0.0;
  scenario_id scenario = 0;

  friend bool operator==(const tail_entry&, const tail_entry&) = default;
};

/// The order of DESIGN.md §4: larger loss first, ties by ascending scenario index.
/// A strict total order on entries with distinct scenarios, which is what makes the
/// kept set, and so every estimator, independent of the order losses arrive in.
[[nodiscard]] constexpr bool worse(const tail_entry& a, const tail_entry& b) noexcept {
  return a.loss > b.loss || (a.loss == b.loss && a.scenario < b.scenario);
}

/// Keeps the `capacity` worst losses seen, with their scenario indices.
///
/// Memory is 2·capacity entries whatever the number of losses pushed (reserved at
/// construction; push never allocates). Merging two keepers keeps exactly the entries
/// one keeper would have kept over both inputs, so merge is associative and
/// commutative. Non-finite losses are not kept but counted, so the caller can refuse the
/// run instead of ranking NaNs. Not thread-safe, const members included (worst_first()
/// and save() reorder the storage); one keeper per worker, then merge.
class tail_keeper {
 public:
  /// Precondition: capacity ≥ 1.
  explicit tail_keeper(std::size_t capacity) : capacity_(capacity) {
    if (capacity == 0) throw error("tail_keeper: capacity must be at least 1");
    entries_.reserve(2 * capacity_);
  }

  /// Pushes the losses of scenarios first, first + 1, …. Amortized O(1) per loss.
  void push(scenario_id first, std::span<const double> losses) noexcept {
    for (std::size_t i = 0; i < losses.size(); ++i) add({losses[i], first + i});
  }

  /// Adds one entry; amortized O(1).
  void add(const tail_entry& entry) noexcept {
    if (!std::isfinite(entry.loss)) {
      if (non_finite_ == 0 || entry.scenario < first_non_finite_) first_non_finite_ = entry.scenario;
      ++non_finite_;
      return;
    }
    if (full_ && !worse(entry, threshold_)) return;
    entries_.push_back(entry);
    sorted_ = false;
    if (entries_.size() == 2 * capacity_) prune();
  }

  /// Folds `other` in: afterwards this keeps the worst `capacity` of both inputs.
  /// Precondition: same capacity.
  void merge(const tail_keeper& other) {
    RISKGRID_ASSERT(other.capacity_ == capacity_);
    for (const auto& e : other.entries_) add(e);
    if (other.non_finite_ != 0) {
      if (non_finite_ == 0 || other.first_non_finite_ < first_non_finite_)
        first_non_finite_ = other.first_non_finite_;
      non_finite_ += other.non_finite_;
    }
  }

  /// The kept entries, worst first: min(capacity, finite losses pushed) of them.
  [[nodiscard]] std::vector<tail_entry> sorted() const {
    const auto worst = worst_first();
    return {worst.begin(), worst.end()};
  }

  /// The same entries as sorted(), without a copy: the keeper prunes and sorts its own
  /// storage (the kept set is unchanged, so this is logically const). The view is valid
  /// until the next add, merge or load. O(capacity·log capacity) once, O(1) when sorted.
  [[nodiscard]] std::span<const tail_entry> worst_first() const {
    if (!sorted_) {
      if (entries_.size() > capacity_) prune();
      std::sort(entries_.begin(), entries_.end(), worse);
      sorted_ = true;
    }
    return entries_;
  }

  [[nodiscard]] std::size_t capacity() const noexcept { return capacity_; }
  /// Number of NaN or infinite losses pushed (never kept).
  [[nodiscard]] std::uint64_t non_finite_count() const noexcept { return non_finite_; }
  /// Smallest scenario index with a non-finite loss; meaningful if non_finite_count() > 0.
  [[nodiscard]] scenario_id first_non_finite() const noexcept { return first_non_finite_; }

  /// Writes the kept entries worst first (pruned and sorted in place, no copy), so equal
  /// keepers give equal bytes whatever their merge history.
  void save(byte_writer& w) const {
    const auto kept = worst_first();
    w.put<std::uint64_t>(capacity_);
    w.put<std::uint64_t>(non_finite_);
    w.put<std::uint64_t>(first_non_finite_);
    w.put_span<tail_entry>(kept);
  }

  /// Replaces the state with a saved one; throws riskgrid::error on a corrupt payload.
  void load(byte_reader& r) {
    const auto capacity = r.get<std::uint64_t>();
    const auto non_finite = r.get<std::uint64_t>();
    const auto first_non_finite = r.get<std::uint64_t>();
    auto kept = r.get_vector<tail_entry>();
    if (capacity == 0 || kept.size() > capacity)
      throw error("corrupt tail_keeper payload: more entries than capacity");
    capacity_ = static_cast<std::size_t>(capacity);
    non_finite_ = non_finite;
    first_non_finite_ = first_non_finite;
    entries_ = std::move(kept);
    entries_.reserve(2 * capacity_);
    full_ = false;
    sorted_ = false;
    if (entries_.size() == capacity_) prune();
  }

 private:
  // Keeps the worst `capacity_` entries; the least bad of them becomes the threshold
  // that later entries must beat, which makes most pushes a single comparison.
  void prune() const noexcept {
    const auto nth = entries_.begin() + static_cast<std::ptrdiff_t>(capacity_ - 1);
    std::nth_element(entries_.begin(), nth, entries_.end(), worse);
    threshold_ = *nth;
    entries_.resize(capacity_);
    full_ = true;
  }

  std::size_t capacity_;
  // Mutable: worst_first() and save() reorder and prune in place without changing the
  // kept set (what every observer sees).
  mutable std::vector<tail_entry> entries_;
  mutable tail_entry threshold_{};
  mutable bool full_ = false;
  mutable bool sorted_ = false;
  std::uint64_t non_finite_ = 0;
  scenario_id first_non_finite_ = 0;
};

}  // namespace riskgrid::risk
