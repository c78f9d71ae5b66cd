#pragma once

#include <array>
#include <atomic>
#include <cerrno>
#include <cstdint>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <boost/crc.hpp>

#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/concepts.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/exec/concepts.hpp"

namespace riskgrid::exec {

/// CRC-64/XZ (ECMA-182 polynomial, reflected, initial value and final XOR all ones), the
/// checksum of checkpoint records and of the input files named in a job manifest. Check
/// value: crc64("123456789") = 0x995dc9bbdf1939fa.
[[nodiscard]] inline std::uint64_t crc64(std::span<const std::byte> bytes) noexcept {
  boost::crc_optimal<64, 0x42F0E1EBA9EA3693ULL, ~0ULL, ~0ULL, true, true> crc;
  crc.process_bytes(bytes.data(), bytes.size());
  return crc.checksum();
}
[[nodiscard]] inline std::uint64_t crc64(std::string_view text) noexcept {
  return crc64(std::as_bytes(std::span<const char>(text.data(), text.size())));
}

namespace detail {

[[nodiscard]] inline std::string errno_text(int code) { return std::strerror(code); }

[[nodiscard]] inline std::string hex64(std::uint64_t x) {
  char buffer[17];
  std::snprintf(buffer, sizeof buffer, "%016llx", static_cast<unsigned long long>(x));
  return buffer;
}

/// The whole file, or nothing if it cannot be opened or read.
[[nodiscard]] inline std::optional<std::vector<std::byte>> read_whole_file(const std::string& path) {
  const int fd = ::open(path.c_str(), O_RDONLY | O_CLOEXEC);
  if (fd < 0) return std::nullopt;
  std::vector<std::byte> bytes;
  std::array<std::byte, 65536> buffer;
  for (;;) {
    const ::ssize_t n = ::read(fd, buffer.data(), buffer.size());
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) {
      ::close(fd);
      return std::nullopt;
    }
    if (n == 0) break;
    bytes.insert(bytes.end(), buffer.begin(), buffer.begin() + n);
  }
  ::close(fd);
  return bytes;
}

/// Writes all of `bytes` to `fd`; false on an error (errno set).
[[nodiscard]] inline bool write_all(int fd, std::span<const std::byte> bytes) noexcept {
  while (!bytes.empty()) {
    const ::ssize_t n = ::write(fd, bytes.data(), bytes.size());
    if (n < 0 && errno == EINTR) continue;
    if (n <= 0) return false;
    bytes = bytes.subspan(static_cast<std::size_t>(n));
  }
  return true;
}

inline void sync_directory(const std::string& dir) noexcept {
  const int fd = ::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0) return;
  ::fsync(fd);
  ::close(fd);
}

/// A name no other thread, process or host uses at the same moment: a temporary file
/// beside `path`.
[[nodiscard]] inline std::string unique_temporary(const std::string& path) {
  static std::atomic<std::uint64_t> counter{0};
  char host[256] = {};
  if (::gethostname(host, sizeof host - 1) != 0) host[0] = '\0';
  return path + ".tmp." + host + "." + std::to_string(static_cast<long long>(::getpid())) + "." +
         std::to_string(counter.fetch_add(1, std::memory_order_relaxed));
}

/// Writes `bytes` into a fresh temporary file beside `path` and fsyncs it. Returns the
/// temporary's name; throws riskgrid::error (the temporary removed) on failure.
[[nodiscard]] inline std::string write_synced_temporary(const std::string& path, std::span<const std::byte> bytes) {
  const std::string temporary = unique_temporary(path);
  const int fd = ::open(temporary.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
  if (fd < 0) throw error(temporary + ": cannot create: " + errno_text(errno));
  if (!write_all(fd, bytes) || ::fsync(fd) != 0) {
    const int code = errno;
    ::close(fd);
    ::unlink(temporary.c_str());
    throw error(temporary + ": cannot write: " + errno_text(code));
  }
  if (::close(fd) != 0) {
    const int code = errno;
    ::unlink(temporary.c_str());
    throw error(temporary + ": cannot write: " + errno_text(code));
  }
  return temporary;
}

/// Replaces `path` by `bytes` durably: temporary, fsync, rename (atomic), fsync of the
/// directory. A crash leaves the old file, the new file, or a stray temporary.
inline void write_durable(const std::string& path, std::span<const std::byte> bytes) {
  const std::string temporary = write_synced_temporary(path, bytes);
  if (::rename(temporary.c_str(), path.c_str()) != 0) {
    const int code = errno;
    ::unlink(temporary.c_str());
    throw error(path + ": cannot rename into place: " + errno_text(code));
  }
  sync_directory(std::filesystem::path(path).parent_path().string());
}

/// Creates `path` with `bytes` unless it exists (link(2) of a synced temporary: atomic,
/// and the file is never seen half-written). True if this call created it.
[[nodiscard]] inline bool create_durable_exclusive(const std::string& path, std::span<const std::byte> bytes) {
  const std::string temporary = write_synced_temporary(path, bytes);
  const bool created = ::link(temporary.c_str(), path.c_str()) == 0;
  const int code = errno;
  ::unlink(temporary.c_str());
  if (!created && code != EEXIST) throw error(path + ": cannot create: " + errno_text(code));
  if (created) sync_directory(std::filesystem::path(path).parent_path().string());
  return created;
}

[[nodiscard]] inline std::span<const std::byte> as_byte_span(std::string_view text) noexcept {
  return std::as_bytes(std::span<const char>(text.data(), text.size()));
}

}  // namespace detail

/// What identifies a job for checkpointing: everything that can change the bits of a
/// chunk state (input file contents, model and its options, seed, scenario count, chunk
/// size, confidence levels, currency, horizon, library version…), as ordered `key=value`
/// lines. Two runs may share checkpoint records iff their manifests are equal.
class job_manifest {
 public:
  /// Adds `key=value`. Keys are free text without `=` or newlines; values without
  /// newlines. Throws riskgrid::error otherwise.
  job_manifest& add(const std::string& key, const std::string& value) {
    if (key.empty() || key.find_first_of("=\n") != std::string::npos || value.find('\n') != std::string::npos)
      throw error("job_manifest: bad entry '" + key + "'");
    entries_.emplace_back(key, value);
    return *this;
  }
  /// Adds `key=crc64:<hex> bytes:<size>` of the file's contents (not its path, so a
  /// relaunch may see the file under another mount point). Throws input_error(path, …)
  /// if the file cannot be read.
  job_manifest& add_file(const std::string& key, const std::string& path) {
    const auto bytes = detail::read_whole_file(path);
    if (!bytes) throw input_error(path, "cannot read file");
    return add(key, "crc64:" + detail::hex64(crc64(*bytes)) + " bytes:" + std::to_string(bytes->size()));
  }

  [[nodiscard]] const std::vector<std::pair<std::string, std::string>>& entries() const noexcept { return entries_; }

  /// The canonical text: a header line, the entries, then `digest=<crc64 of the above>`.
  [[nodiscard]] std::string text() const {
    std::string body = std::string(header) + "\n";
    for (const auto& [key, value] : entries_) body += key + "=" + value + "\n";
    return body + "digest=" + detail::hex64(crc64(body)) + "\n";
  }
  /// CRC-64 of the canonical text without its digest line: stored in every record.
  [[nodiscard]] std::uint64_t digest() const {
    std::string body = std::string(header) + "\n";
    for (const auto& [key, value] : entries_) body += key + "=" + value + "\n";
    return crc64(body);
  }

  /// Parses text(); nothing if it is not a well-formed manifest whose digest matches.
  [[nodiscard]] static std::optional<job_manifest> parse(std::string_view text) {
    if (!text.starts_with(std::string(header) + "\n")) return std::nullopt;
    job_manifest m;
    std::size_t at = std::string_view(header).size() + 1;
    while (at < text.size()) {
      const auto end = text.find('\n', at);
      if (end == std::string_view::npos) return std::nullopt;
      const auto line = text.substr(at, end - at);
      const auto eq = line.find('=');
      if (eq == std::string_view::npos || eq == 0) return std::nullopt;
      const std::string key(line.substr(0, eq)), value(line.substr(eq + 1));
      at = end + 1;
      if (key == "digest") {
        if (at != text.size() || value != detail::hex64(m.digest())) return std::nullopt;
        return m;
      }
      m.entries_.emplace_back(key, value);
    }
    return std::nullopt;
  }

  static constexpr const char* header = "riskgrid-checkpoint-manifest 1";

 private:
  std::vector<std::pair<std::string, std::string>> entries_;
};

/// How a checkpoint record turned out when read.
enum class record_status {
  loaded,   ///< whole, checksums match, the state was read
  absent,   ///< no record for the chunk
  invalid,  ///< present but truncated, corrupt or of another job: ignored
};

/// A checkpoint directory: a manifest and one record per finished chunk (DESIGN.md §5).
///
/// Layout: `DIR/manifest` (job_manifest::text(), created once), `DIR/chunk-<index>.rec`
/// (index on 12 digits) and, in elastic mode, `DIR/claims/`. A record is a 64-byte
/// header followed by the state's save() payload (native byte order):
///
///     offset  size  field
///          0     8  magic "RGCHUNK\0"
///          8     4  format version (1)
///         12     4  header size (64)
///         16     8  byte-order mark 0x0102030405060708
///         24     8  job digest (job_manifest::digest())
///         32     8  chunk index
///         40     8  payload length in bytes
///         48     8  CRC-64/XZ of the payload
///         56     8  CRC-64/XZ of header bytes 0..55
///
/// Writing: temporary file, fsync, rename over the final name, fsync of the directory, so
/// a crash leaves a whole record, no record, or a stray `*.tmp.*` file (never read). A
/// record that fails any check (length, checksums, digest, index, a payload load() does not
/// consume exactly) reads as record_status::invalid; the caller recomputes the chunk and
/// store() replaces the record. Writing the same chunk twice (a duplicate in elastic mode)
/// is harmless: both writers produce the same bytes and rename is atomic.
///
/// Thread-safety: every member is safe to call concurrently from threads, processes and
/// hosts sharing the directory (see docs/cluster.md for the filesystem requirements).
class checkpoint_store {
 public:
  /// Opens (creating if needed) the checkpoint of the job described by `manifest`.
  /// Throws input_error(directory, …) if the directory holds a checkpoint of another job
  /// (naming the first differing entry), or is not usable.
  checkpoint_store(std::filesystem::path directory, const job_manifest& manifest)
      : directory_(std::move(directory)), digest_(manifest.digest()) {
    const std::string dir = directory_.string();
    std::error_code ec;
    std::filesystem::create_directories(directory_, ec);
    if (ec || !std::filesystem::is_directory(directory_))
      throw input_error(dir, "cannot create checkpoint directory" + (ec ? ": " + ec.message() : std::string()));
    const std::string path = (directory_ / "manifest").string();
    const std::string text = manifest.text();
    try {
      if (detail::create_durable_exclusive(path, detail::as_byte_span(text))) return;
    } catch (const error& e) {
      throw input_error(dir, std::string("cannot write the checkpoint manifest: ") + e.what());
    }
    const auto existing = detail::read_whole_file(path);
    if (!existing) throw input_error(dir, "cannot read the checkpoint manifest");
    const auto parsed = job_manifest::parse(
        std::string_view(reinterpret_cast<const char*>(existing->data()), existing->size()));
    if (!parsed) throw input_error(dir, "not a riskgrid checkpoint (unreadable or damaged manifest)");
    if (parsed->digest() == digest_) return;
    throw input_error(dir, "checkpoint of another job (" + first_difference(*parsed, manifest) +
                               "): use another directory, or delete this one to start afresh");
  }

  [[nodiscard]] const std::filesystem::path& directory() const noexcept { return directory_; }
  [[nodiscard]] std::uint64_t digest() const noexcept { return digest_; }

  [[nodiscard]] std::string record_path(std::uint64_t chunk) const {
    char name[40];
    std::snprintf(name, sizeof name, "chunk-%012llu.rec", static_cast<unsigned long long>(chunk));
    return (directory_ / name).string();
  }

  /// Whether a record file for `chunk` exists (it may still be invalid).
  [[nodiscard]] bool has_record(std::uint64_t chunk) const {
    struct ::stat info {};
    return ::stat(record_path(chunk).c_str(), &info) == 0;
  }

  /// Reads chunk `chunk`'s record into `state` (which must be an empty state of the job:
  /// load() replaces it). `state` is unspecified unless the result is loaded.
  template <chunk_state State>
  [[nodiscard]] record_status load(std::uint64_t chunk, State& state) const {
    const auto bytes = detail::read_whole_file(record_path(chunk));
    if (!bytes) return errno == ENOENT ? record_status::absent : record_status::invalid;
    if (bytes->size() < header_size) return record_status::invalid;
    const auto field = [&](std::size_t offset) {
      std::uint64_t x;
      std::memcpy(&x, bytes->data() + offset, sizeof x);
      return x;
    };
    std::uint32_t version, size;
    std::memcpy(&version, bytes->data() + 8, 4);
    std::memcpy(&size, bytes->data() + 12, 4);
    const std::span<const std::byte> all(*bytes);
    if (std::memcmp(bytes->data(), magic.data(), magic.size()) != 0 || version != format_version || size != header_size ||
        field(16) != byte_order_mark || field(56) != crc64(all.first(56)) || field(24) != digest_ ||
        field(32) != chunk || field(40) != bytes->size() - header_size ||
        field(48) != crc64(all.subspan(header_size)))
      return record_status::invalid;
    try {
      byte_reader r(all.subspan(header_size));
      state.load(r);
      if (r.remaining() != 0) return record_status::invalid;
    } catch (const error&) {
      return record_status::invalid;
    }
    return record_status::loaded;
  }

  /// Makes chunk `chunk`'s state durable (see the class comment). Throws riskgrid::error
  /// if the record cannot be written.
  template <chunk_state State>
  void store(std::uint64_t chunk, const State& state) const {
    byte_writer w;
    w.put(magic);
    w.put<std::uint32_t>(format_version);
    w.put<std::uint32_t>(header_size);
    w.put<std::uint64_t>(byte_order_mark);
    w.put<std::uint64_t>(digest_);
    w.put<std::uint64_t>(chunk);
    w.put<std::uint64_t>(0);  // payload length, patched below
    w.put<std::uint64_t>(0);  // payload checksum
    w.put<std::uint64_t>(0);  // header checksum
    state.save(w);
    auto bytes = w.release();
    const std::span<std::byte> all(bytes);
    const std::uint64_t length = bytes.size() - header_size, payload_crc = crc64(all.subspan(header_size));
    std::memcpy(all.data() + 40, &length, 8);
    std::memcpy(all.data() + 48, &payload_crc, 8);
    const std::uint64_t header_crc = crc64(all.first(56));
    std::memcpy(all.data() + 56, &header_crc, 8);
    detail::write_durable(record_path(chunk), all);
  }

  static constexpr std::uint32_t format_version = 1;
  static constexpr std::uint32_t header_size = 64;
  static constexpr std::array<char, 8> magic = {'R', 'G', 'C', 'H', 'U', 'N', 'K', '\0'};
  static constexpr std::uint64_t byte_order_mark = 0x0102030405060708ULL;

 private:
  static std::string first_difference(const job_manifest& theirs, const job_manifest& ours) {
    const auto& a = theirs.entries();
    const auto& b = ours.entries();
    for (std::size_t i = 0; i < a.size() || i < b.size(); ++i) {
      if (i < a.size() && i < b.size() && a[i] == b[i]) continue;
      if (i < a.size() && i < b.size() && a[i].first == b[i].first)
        return a[i].first + ": " + a[i].second + " in the checkpoint, " + b[i].second + " now";
      if (i < a.size()) return a[i].first + ": " + a[i].second + " in the checkpoint only";
      return b[i].first + ": " + b[i].second + " now, absent from the checkpoint";
    }
    return "digest differs";
  }

  std::filesystem::path directory_;
  std::uint64_t digest_;
};

/// Chunks of a checkpointed_job, by how their state was obtained.
struct checkpoint_counts {
  std::uint64_t loaded = 0;     ///< read from a valid record
  std::uint64_t computed = 0;   ///< computed (and stored) by this process
  std::uint64_t discarded = 0;  ///< records found invalid (those chunks were recomputed)
};

/// Makes any chunked job resumable: run_chunk(c) returns chunk c's state from its record
/// if the checkpoint holds a valid one, else computes it with the wrapped job and stores
/// it before returning. Models exec::chunked_job, so it runs on every executor
/// (serial, threads, mpi, elastic) unchanged, and the merged result is the same bits as
/// without a checkpoint, whichever chunks were loaded:
///
///     exec::checkpoint_store store(dir, manifest);           // refuses another job's dir
///     exec::checkpointed_job resumable(pipeline, store);
///     auto state = exec::run(resumable, exec::mpi(world));   // or threads, serial
///     auto counts = resumable.counts();                       // this process's chunks
///
/// Forwards the optional chunk_merged(c) hook (progress) to the wrapped job. Holds
/// references: `job` and `store` must outlive it. run_chunk is safe to call concurrently
/// for distinct or equal chunks; counts() is per process (sum over ranks under MPI).
template <chunked_job Job>
class checkpointed_job {
 public:
  using state_type = typename Job::state_type;

  checkpointed_job(const Job& job, const checkpoint_store& store) : job_(&job), store_(&store) {}

  [[nodiscard]] std::uint64_t chunk_count() const { return job_->chunk_count(); }
  [[nodiscard]] state_type empty() const { return job_->empty(); }

  [[nodiscard]] state_type run_chunk(std::uint64_t c) const {
    auto state = job_->empty();
    switch (store_->load(c, state)) {
      case record_status::loaded:
        loaded_.fetch_add(1, std::memory_order_relaxed);
        return state;
      case record_status::invalid:
        discarded_.fetch_add(1, std::memory_order_relaxed);
        break;
      case record_status::absent:
        break;
    }
    state = job_->run_chunk(c);
    store_->store(c, state);
    computed_.fetch_add(1, std::memory_order_relaxed);
    return state;
  }

  void chunk_merged(std::uint64_t c) const {
    if constexpr (requires { job_->chunk_merged(c); }) job_->chunk_merged(c);
  }

  [[nodiscard]] const checkpoint_store& store() const noexcept { return *store_; }
  [[nodiscard]] const Job& job() const noexcept { return *job_; }

  [[nodiscard]] checkpoint_counts counts() const noexcept {
    return {loaded_.load(std::memory_order_relaxed), computed_.load(std::memory_order_relaxed),
            discarded_.load(std::memory_order_relaxed)};
  }

 private:
  const Job* job_;
  const checkpoint_store* store_;
  mutable std::atomic<std::uint64_t> loaded_{0}, computed_{0}, discarded_{0};
};

}  // namespace riskgrid::exec
