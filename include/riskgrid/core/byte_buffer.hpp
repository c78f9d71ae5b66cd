#pragma once

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <span>
#include <type_traits>
#include <utility>
#include <vector>

#include "riskgrid/core/error.hpp"

namespace riskgrid {

/// Flat, native-endian serialization of aggregator states: the payload that crosses
/// MPI ranks (and later checkpoint files) without Boost.Serialization on the hot path.
class byte_writer {
 public:
  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put(const T& value) {
    append(&value, sizeof(T));
  }

  template <class T>
    requires std::is_trivially_copyable_v<T>
  void put_span(std::span<const T> values) {
    put<std::uint64_t>(values.size());
    append(values.data(), values.size_bytes());
  }

  [[nodiscard]] const std::vector<std::byte>& bytes() const noexcept { return bytes_; }
  [[nodiscard]] std::vector<std::byte> release() noexcept { return std::move(bytes_); }

 private:
  void append(const void* data, std::size_t size) {
    const auto offset = bytes_.size();
    bytes_.resize(offset + size);
    if (size != 0) std::memcpy(bytes_.data() + offset, data, size);
  }

  std::vector<std::byte> bytes_;
};

/// Reads what byte_writer wrote; a truncated or inconsistent payload throws
/// riskgrid::error instead of reading out of bounds.
class byte_reader {
 public:
  explicit byte_reader(std::span<const std::byte> bytes) noexcept : bytes_(bytes) {}

  template <class T>
    requires std::is_trivially_copyable_v<T>
  [[nodiscard]] T get() {
    T value;
    take(&value, sizeof(T));
    return value;
  }

  template <class T>
    requires std::is_trivially_copyable_v<T>
  [[nodiscard]] std::vector<T> get_vector() {
    const auto count = get<std::uint64_t>();
    if (count > remaining() / (sizeof(T) == 0 ? 1 : sizeof(T)))
      throw error("corrupt state payload: array longer than the payload");
    std::vector<T> values(static_cast<std::size_t>(count));
    take(values.data(), values.size() * sizeof(T));
    return values;
  }

  [[nodiscard]] std::size_t remaining() const noexcept { return bytes_.size() - offset_; }

 private:
  void take(void* out, std::size_t size) {
    if (size > remaining()) throw error("corrupt state payload: truncated");
    if (size != 0) std::memcpy(out, bytes_.data() + offset_, size);
    offset_ += size;
  }

  std::span<const std::byte> bytes_;
  std::size_t offset_ = 0;
};

}  // namespace riskgrid
