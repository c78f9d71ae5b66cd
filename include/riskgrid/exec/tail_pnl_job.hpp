#pragma once

#include <algorithm>
#include <cstdint>
#include <span>
#include <vector>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/attribution_job.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace riskgrid::exec {

/// Rows of P&L by group (e.g. desk) for consecutive entries of a scenario list: the
/// chunk state of tail_pnl_job. merge() appends, so merging chunk states in chunk order
/// gives the rows in list order.
class pnl_rows {
 public:
  pnl_rows() = default;
  explicit pnl_rows(std::size_t columns) : columns_(columns) {}

  [[nodiscard]] std::size_t columns() const noexcept { return columns_; }
  [[nodiscard]] std::size_t rows() const noexcept { return columns_ == 0 ? 0 : values_.size() / columns_; }
  [[nodiscard]] std::span<const double> row(std::size_t r) const noexcept {
    return {values_.data() + r * columns_, columns_};
  }
  [[nodiscard]] std::span<double> append_row() {
    values_.resize(values_.size() + columns_, 0.0);
    return {values_.data() + values_.size() - columns_, columns_};
  }

  void merge(const pnl_rows& other) {
    if (other.columns_ != columns_) throw error("pnl_rows: column counts differ");
    values_.insert(values_.end(), other.values_.begin(), other.values_.end());
  }
  void save(byte_writer& w) const {
    w.put<std::uint64_t>(columns_);
    w.put_span<double>(values_);
  }
  void load(byte_reader& r) {
    const auto columns = r.get<std::uint64_t>();
    auto values = r.get_vector<double>();
    if (columns == 0 ? !values.empty() : values.size() % columns != 0) throw error("corrupt pnl_rows payload");
    columns_ = static_cast<std::size_t>(columns);
    values_ = std::move(values);
  }

 private:
  std::size_t columns_ = 0;
  std::vector<double> values_;
};

/// Revalues a list of scenarios (typically the worst ones of the main pass) and sums
/// each trade's P&L into its group: row r, column g = Σ_{trades t in group g} P&L_t of
/// scenario ids[r], trades in book order. A chunked_job over fixed slices of the list,
/// so the rows are the same bits on any executor.
template <scenario::scenario_generator Generator, per_trade_revaluer Book>
class tail_pnl_job {
 public:
  using state_type = pnl_rows;

  /// group_of[t] < groups for every trade t of the book.
  tail_pnl_job(const Generator& generator, const Book& book, std::span<const scenario_id> ids,
               std::vector<std::size_t> group_of, std::size_t groups, std::size_t chunk_scenarios = 256)
      : generator_(&generator), book_(&book), ids_(ids), group_of_(std::move(group_of)), groups_(groups),
        chunk_(chunk_scenarios) {
    if (chunk_ == 0) throw error("tail_pnl_job: chunk size must be at least 1");
    if (group_of_.size() != book.size()) throw error("tail_pnl_job: one group per trade expected");
    for (const auto g : group_of_)
      if (g >= groups_) throw error("tail_pnl_job: group index out of range");
  }

  [[nodiscard]] std::uint64_t chunk_count() const noexcept { return (ids_.size() + chunk_ - 1) / chunk_; }
  [[nodiscard]] state_type empty() const { return pnl_rows(groups_); }

  [[nodiscard]] state_type run_chunk(std::uint64_t c) const {
    const auto first = static_cast<std::size_t>(c) * chunk_;
    const auto count = std::min(chunk_, ids_.size() - first);
    scenario::shock_block block(generator_->factors().size(), count);
    detail::gather_scenarios(*generator_, ids_.subspan(first, count), block);
    std::vector<double> table(count * groups_, 0.0), pnl(count);
    for (std::size_t t = 0; t < book_->size(); ++t) {
      book_->revalue_trade(t, block, pnl);
      for (std::size_t j = 0; j < count; ++j) table[j * groups_ + group_of_[t]] += pnl[j];
    }
    pnl_rows rows(groups_);
    for (std::size_t j = 0; j < count; ++j) std::copy_n(table.data() + j * groups_, groups_, rows.append_row().data());
    return rows;
  }

 private:
  const Generator* generator_;
  const Book* book_;
  std::span<const scenario_id> ids_;
  std::vector<std::size_t> group_of_;
  std::size_t groups_;
  std::size_t chunk_;
};

}  // namespace riskgrid::exec
