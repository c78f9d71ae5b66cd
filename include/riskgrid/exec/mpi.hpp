#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <map>
#include <optional>
#include <span>
#include <string>
#include <utility>
#include <vector>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/request.hpp>
#include <boost/mpi/status.hpp>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/concepts.hpp"
#include "riskgrid/exec/serial.hpp"

namespace riskgrid::exec {

/// How exec::mpi hands chunks to ranks.
enum class schedule {
  /// Chunk c runs on rank c mod size: no coordination messages, best for even chunks.
  static_cyclic,
  /// Ranks ask rank 0 for work: uneven chunks and uneven ranks balance themselves.
  dynamic,
};

/// Options of exec::mpi.
struct mpi_options {
  schedule scheduling = schedule::static_cyclic;
  /// Chunk states a rank may have in flight to rank 0 (non-blocking sends), ≥ 1.
  std::size_t send_window = 4;
  /// Dynamic schedule: chunks assigned to a worker rank ahead of its needs, ≥ 1. With 2,
  /// a worker always has its next chunk while rank 0 is busy running one of its own.
  std::size_t lookahead = 2;
  /// Dynamic schedule: chunks rank 0 may hand out beyond the merge point, which bounds
  /// the finished-but-unmerged states it holds; 0 means size × (lookahead + 1).
  std::size_t reorder_window = 0;
};

/// Runs a job over the ranks of an MPI communicator (Boost.MPI); every rank must call
/// run() with an identical job (collective). Every rank returns the same bits as
/// exec::serial would, for any number of ranks and either schedule.
///
/// schedule::static_cyclic: chunk c runs on rank c mod size. Each rank ships its chunk
/// states, serialized flat, to rank 0 as they finish (non-blocking, at most
/// `send_window` in flight); rank 0 merges them strictly in chunk order and broadcasts
/// the final state. Memory on rank 0: its total plus one incoming state at a time.
///
/// schedule::dynamic: rank 0 is the coordinator and a worker. It assigns chunks in
/// increasing order, keeping `lookahead` assignments outstanding at each other rank; a
/// rank runs its assignments in order and sends each state back tagged with its chunk
/// index, which returns one assignment credit. Rank 0 runs a chunk itself only when
/// every other rank holds its full lookahead, and serves the arrived results between
/// its own chunks, so with lookahead ≥ 2 a worker has its next chunk while rank 0
/// computes. Rank 0 keeps finished states (as bytes) until the chunk-order prefix is
/// complete and never hands out chunk c ≥ merged + reorder_window, so it holds at most
/// reorder_window pending states whatever the chunk count. The final state is broadcast
/// as in the static schedule. With one rank it is exec::serial.
///
/// Errors: a corrupt message throws riskgrid::error. An exception on one rank (e.g. in
/// run_chunk) leaves the others waiting: catch it and abort the communicator, as
/// riskgrid-var does.
class mpi {
 public:
  explicit mpi(const boost::mpi::communicator& comm, std::size_t send_window = 4)
      : mpi(comm, mpi_options{.send_window = send_window}) {}
  mpi(const boost::mpi::communicator& comm, schedule scheduling)
      : mpi(comm, mpi_options{.scheduling = scheduling}) {}
  mpi(const boost::mpi::communicator& comm, mpi_options options)
      : comm_(comm),
        schedule_(options.scheduling),
        send_window_(options.send_window == 0 ? 1 : options.send_window),
        lookahead_(options.lookahead == 0 ? 1 : options.lookahead),
        reorder_window_(options.reorder_window != 0
                            ? options.reorder_window
                            : static_cast<std::size_t>(comm.size()) * (lookahead_ + 1)) {}

  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run(const Job& job) const {
    return schedule_ == schedule::dynamic ? run_dynamic(job) : run_static(job);
  }

  [[nodiscard]] int workers() const noexcept { return comm_.size(); }
  [[nodiscard]] const boost::mpi::communicator& communicator() const noexcept { return comm_; }
  [[nodiscard]] schedule scheduling() const noexcept { return schedule_; }

 private:
  static constexpr int chunk_tag = 7311;   // static: a chunk state
  static constexpr int assign_tag = 7312;  // dynamic: rank 0 → worker, a chunk index
  static constexpr int result_tag = 7313;  // dynamic: worker → rank 0, index + state
  static constexpr std::uint64_t no_more_chunks = UINT64_MAX;

  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run_static(const Job& job) const {
    // Alone, the final broadcast would only copy the state twice (its bytes, then a
    // decoded state): the reference executor gives the same bits without them.
    if (comm_.size() == 1) return serial{}.run(job);
    const auto size = static_cast<std::uint64_t>(comm_.size());
    const auto rank = static_cast<std::uint64_t>(comm_.rank());
    const auto chunks = job.chunk_count();
    auto total = job.empty();
    std::vector<char> payload;
    if (rank == 0) {
      for (std::uint64_t c = 0; c < chunks; ++c) {
        const int owner = static_cast<int>(c % size);
        if (owner == 0) {
          total.merge(job.run_chunk(c));
          detail::notify_merged(job, c);
          continue;
        }
        const auto status = comm_.probe(owner, chunk_tag);
        const auto count = status.template count<char>();
        if (!count) throw error("mpi executor: unreadable message from rank " + std::to_string(owner));
        payload.resize(static_cast<std::size_t>(*count));
        comm_.recv(owner, chunk_tag, payload.data(), *count);
        total.merge(decode(job, payload));
        detail::notify_merged(job, c);
      }
      payload = encode(total);
    } else {
      std::deque<std::pair<std::vector<char>, boost::mpi::request>> in_flight;
      for (std::uint64_t c = rank; c < chunks; c += size) {
        if (in_flight.size() == send_window_) {
          in_flight.front().second.wait();
          in_flight.pop_front();
        }
        in_flight.emplace_back(encode(job.run_chunk(c)), boost::mpi::request());
        auto& [bytes, request] = in_flight.back();
        request = comm_.isend(0, chunk_tag, bytes.data(), static_cast<int>(bytes.size()));
      }
      for (auto& [bytes, request] : in_flight) request.wait();
    }
    broadcast_bytes(payload);
    return rank == 0 ? total : decode(job, payload);
  }

  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run_dynamic(const Job& job) const {
    if (comm_.size() == 1) return serial{}.run(job);
    auto total = job.empty();
    std::vector<char> payload;
    if (comm_.rank() == 0) {
      coordinate(job, total);
      payload = encode(total);
    } else {
      work_on_assignments(job);
    }
    broadcast_bytes(payload);
    return comm_.rank() == 0 ? total : decode(job, payload);
  }

  // Rank 0 of the dynamic schedule: hands out chunks, runs chunks itself when every
  // worker is saturated, merges the chunk-order prefix.
  template <class Job>
  void coordinate(const Job& job, typename Job::state_type& total) const {
    const int size = comm_.size();
    const std::uint64_t chunks = job.chunk_count();
    std::uint64_t next = 0;    // first chunk not handed out
    std::uint64_t merged = 0;  // chunks [0, merged) are in total
    std::map<std::uint64_t, std::vector<char>> pending;  // finished, not merged: [merged, next)
    // One credit per assignment a worker may still receive; round-robin at the start so
    // the first chunks spread over all ranks.
    std::deque<int> credits;
    for (std::size_t k = 0; k < lookahead_; ++k)
      for (int r = 1; r < size; ++r) credits.push_back(r);
    // Assignment messages in flight: deque elements keep their address while others are
    // pushed at the back and popped at the front.
    std::deque<std::pair<std::uint64_t, boost::mpi::request>> assignments;
    bool told_to_stop = false;

    const auto assign = [&](int worker, std::uint64_t chunk) {
      while (!assignments.empty() && assignments.front().second.test()) assignments.pop_front();
      assignments.emplace_back(chunk, boost::mpi::request());
      auto& [value, request] = assignments.back();
      request = comm_.isend(worker, assign_tag, &value, 1);
    };
    const auto hand_out = [&] {
      while (!credits.empty() && next < chunks && next < merged + reorder_window_) {
        assign(credits.front(), next++);
        credits.pop_front();
      }
      if (next == chunks && !told_to_stop) {
        for (int r = 1; r < size; ++r) assign(r, no_more_chunks);
        told_to_stop = true;
      }
    };
    const auto receive = [&](const boost::mpi::status& status) {
      const auto count = status.template count<char>();
      if (!count || static_cast<std::size_t>(*count) < sizeof(std::uint64_t))
        throw error("mpi executor: unreadable message from rank " + std::to_string(status.source()));
      std::vector<char> bytes(static_cast<std::size_t>(*count));
      comm_.recv(status.source(), result_tag, bytes.data(), *count);
      std::uint64_t chunk;
      std::memcpy(&chunk, bytes.data(), sizeof chunk);
      if (chunk < merged || chunk >= next || pending.contains(chunk))
        throw error("mpi executor: unexpected chunk " + std::to_string(chunk) + " from rank " +
                    std::to_string(status.source()));
      pending.emplace(chunk, std::move(bytes));
      credits.push_back(status.source());
    };
    const auto merge_prefix = [&] {
      for (auto it = pending.begin(); it != pending.end() && it->first == merged; it = pending.erase(it)) {
        total.merge(decode(job, std::span<const char>(it->second).subspan(sizeof(std::uint64_t))));
        detail::notify_merged(job, merged);
        ++merged;
      }
    };

    hand_out();
    while (merged < chunks) {
      while (const auto status = comm_.iprobe(boost::mpi::any_source, result_tag)) receive(*status);
      merge_prefix();
      hand_out();
      if (merged == chunks) break;
      if (next < chunks && next < merged + reorder_window_) {
        // Every worker holds its full lookahead (hand_out used all credits): run one.
        const auto chunk = next++;
        auto state = job.run_chunk(chunk);
        if (chunk == merged) {
          total.merge(state);
          detail::notify_merged(job, merged);
          ++merged;
        } else {
          pending.emplace(chunk, encode(state, chunk));
        }
      } else {
        receive(comm_.probe(boost::mpi::any_source, result_tag));
      }
    }
    for (auto& [value, request] : assignments) request.wait();
  }

  // A rank other than 0 in the dynamic schedule: runs its assignments in order.
  template <class Job>
  void work_on_assignments(const Job& job) const {
    std::deque<std::pair<std::vector<char>, boost::mpi::request>> in_flight;
    for (;;) {
      std::uint64_t chunk = 0;
      comm_.recv(0, assign_tag, &chunk, 1);
      if (chunk == no_more_chunks) break;
      auto bytes = encode(job.run_chunk(chunk), chunk);
      if (in_flight.size() == send_window_) {
        in_flight.front().second.wait();
        in_flight.pop_front();
      }
      in_flight.emplace_back(std::move(bytes), boost::mpi::request());
      auto& [message, request] = in_flight.back();
      request = comm_.isend(0, result_tag, message.data(), static_cast<int>(message.size()));
    }
    for (auto& [message, request] : in_flight) request.wait();
  }

  // A state's bytes, preceded by its chunk index when given (dynamic schedule).
  template <class State>
  static std::vector<char> encode(const State& state, std::optional<std::uint64_t> chunk = std::nullopt) {
    byte_writer w;
    if (chunk) w.put<std::uint64_t>(*chunk);
    state.save(w);
    const auto& b = w.bytes();
    return std::vector<char>(reinterpret_cast<const char*>(b.data()), reinterpret_cast<const char*>(b.data()) + b.size());
  }

  template <class Job>
  static typename Job::state_type decode(const Job& job, std::span<const char> bytes) {
    auto state = job.empty();
    byte_reader r(std::as_bytes(bytes));
    state.load(r);
    return state;
  }

  void broadcast_bytes(std::vector<char>& bytes) const {
    std::uint64_t n = bytes.size();
    boost::mpi::broadcast(comm_, n, 0);
    bytes.resize(static_cast<std::size_t>(n));
    if (n != 0) boost::mpi::broadcast(comm_, bytes.data(), static_cast<int>(n), 0);
  }

  boost::mpi::communicator comm_;
  schedule schedule_;
  std::size_t send_window_;
  std::size_t lookahead_;
  std::size_t reorder_window_;
};

}  // namespace riskgrid::exec
