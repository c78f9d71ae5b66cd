#pragma once

#include <cstdint>
#include <cstring>
#include <deque>
#include <span>
#include <utility>
#include <vector>

#include <boost/mpi/communicator.hpp>
#include <boost/mpi/collectives/broadcast.hpp>
#include <boost/mpi/request.hpp>
#include <boost/mpi/status.hpp>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/concepts.hpp"

namespace riskgrid::exec {

/// Runs a job over the ranks of an MPI communicator (Boost.MPI); every rank must call
/// run() with an identical job (collective).
///
/// Static block-cyclic scheduling: chunk c runs on rank c mod size. Each rank ships its
/// chunk states, serialized flat, to rank 0 as they finish (non-blocking, at most
/// `send_window` in flight); rank 0 merges them strictly in chunk order and broadcasts
/// the final state, so every rank returns the same bits as exec::serial would.
/// Memory on rank 0: its total plus one incoming state at a time.
class mpi {
 public:
  explicit mpi(const boost::mpi::communicator& comm, std::size_t send_window = 4)
      : comm_(comm), send_window_(send_window == 0 ? 1 : send_window) {}

  template <chunked_job Job>
  [[nodiscard]] typename Job::state_type run(const Job& job) const {
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
          continue;
        }
        const auto status = comm_.probe(owner, chunk_tag);
        const auto count = status.template count<char>();
        if (!count) throw error("mpi executor: unreadable message from rank " + std::to_string(owner));
        payload.resize(static_cast<std::size_t>(*count));
        comm_.recv(owner, chunk_tag, payload.data(), *count);
        total.merge(decode(job, payload));
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

  [[nodiscard]] int workers() const noexcept { return comm_.size(); }
  [[nodiscard]] const boost::mpi::communicator& communicator() const noexcept { return comm_; }

 private:
  static constexpr int chunk_tag = 7311;

  template <class State>
  static std::vector<char> encode(const State& state) {
    byte_writer w;
    state.save(w);
    const auto& b = w.bytes();
    std::vector<char> out(b.size());
    std::memcpy(out.data(), b.data(), b.size());
    return out;
  }

  template <class Job>
  static typename Job::state_type decode(const Job& job, const std::vector<char>& bytes) {
    auto state = job.empty();
    byte_reader r(std::as_bytes(std::span<const char>(bytes)));
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
  std::size_t send_window_;
};

}  // namespace riskgrid::exec
