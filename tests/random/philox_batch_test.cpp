#include <riskgrid/random/philox_batch.hpp>

#include <Random123/philox.h>
#include <Random123/u01fixedpt.h>
#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <string>
#include <vector>

#include "random/simd_widths.hpp"

namespace {

namespace rr = riskgrid::random;
using riskgrid_test::for_each_width;

struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
};

template <class U>
U load_words(const std::uint64_t* p) {
  if constexpr (riskgrid::simd::is_batch_v<U>) return U::load_unaligned(p);
  else return *p;
}
template <class U>
void store_words(const U& x, std::uint64_t* p) {
  if constexpr (riskgrid::simd::is_batch_v<U>) x.store_unaligned(p);
  else *p = x;
}

// Lane j of philox4x32_10_lanes over `counters[j]` under one key, for a whole array.
template <class V>
std::vector<rr::philox_counter> batched_philox(const std::vector<rr::philox_counter>& counters, rr::philox_key key) {
  using U = rr::lane_word_t<V>;
  constexpr std::size_t lanes = rr::lane_count_v<V>;
  std::vector<rr::philox_counter> out(counters.size());
  for (std::size_t j = 0; j + lanes <= counters.size(); j += lanes) {
    std::array<std::array<std::uint64_t, lanes>, 4> in{};
    for (std::size_t l = 0; l < lanes; ++l)
      for (std::size_t w = 0; w < 4; ++w) in[w][l] = counters[j + l][w];
    const rr::philox_lanes<U> result = rr::philox4x32_10_lanes<U>(
        {load_words<U>(in[0].data()), load_words<U>(in[1].data()), load_words<U>(in[2].data()),
         load_words<U>(in[3].data())},
        key);
    std::array<std::array<std::uint64_t, lanes>, 4> words{};
    for (std::size_t w = 0; w < 4; ++w) store_words(result[w], words[w].data());
    for (std::size_t l = 0; l < lanes; ++l)
      for (std::size_t w = 0; w < 4; ++w) {
        REQUIRE(words[w][l] <= std::numeric_limits<std::uint32_t>::max());
        out[j + l][w] = static_cast<std::uint32_t>(words[w][l]);
      }
  }
  return out;
}

}  // namespace

TEST_CASE("Batched Philox4x32-10 reproduces the Random123 known-answer vectors in every lane of every width",
          "[random][philox_batch]") {
  struct known_answer {
    rr::philox_counter counter;
    rr::philox_key key;
    rr::philox_counter expected;
  };
  // Random123's kat_vectors, philox4x32 with 10 rounds.
  const known_answer known[] = {
      {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u}, {0x00000000u, 0x00000000u},
       {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
      {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu}, {0xffffffffu, 0xffffffffu},
       {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
      {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u}, {0xa4093822u, 0x299f31d0u},
       {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
  };
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    for (const known_answer& kat : known) {
      const std::vector<rr::philox_counter> counters(rr::lane_count_v<V>, kat.counter);
      for (const rr::philox_counter& out : batched_philox<V>(counters, kat.key)) CHECK(out == kat.expected);
    }
  });
}

TEST_CASE("Batched Philox4x32-10 is bit-exact with r123::Philox4x32 in every lane of every width",
          "[random][philox_batch]") {
  const r123::Philox4x32 reference;
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    splitmix64 source{0xB47C4u};
    std::size_t mismatches = 0;
    std::size_t compared = 0;
    for (int key_trial = 0; key_trial < 64; ++key_trial) {
      const std::uint64_t k = source();
      const rr::philox_key key{static_cast<std::uint32_t>(k), static_cast<std::uint32_t>(k >> 32)};
      std::vector<rr::philox_counter> counters(2048);
      for (auto& c : counters) {
        const std::uint64_t a = source(), b = source();
        c = {static_cast<std::uint32_t>(a), static_cast<std::uint32_t>(a >> 32), static_cast<std::uint32_t>(b),
             static_cast<std::uint32_t>(b >> 32)};
      }
      // All-ones and all-zero words exercise the carries of the 64-bit lane products.
      counters[0] = {0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu};
      counters[1] = {0u, 0u, 0u, 0u};
      const auto actual = batched_philox<V>(counters, key);
      for (std::size_t j = 0; j < counters.size(); ++j) {
        const r123::Philox4x32::ctr_type in = {{counters[j][0], counters[j][1], counters[j][2], counters[j][3]}};
        const r123::Philox4x32::ctr_type expected = reference(in, {{key[0], key[1]}});
        for (std::size_t w = 0; w < 4; ++w) mismatches += actual[j][w] != expected.v[w] ? 1 : 0;
        ++compared;
      }
    }
    CHECK(compared == 64 * 2048);
    CHECK(mismatches == 0);
  });
}

TEST_CASE("Batched uniforms equal the scalar to_open_unit and Random123's u01fixedpt in every lane",
          "[random][philox_batch]") {
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    using U = rr::lane_word_t<V>;
    constexpr std::size_t lanes = rr::lane_count_v<V>;
    splitmix64 source{99u};
    std::vector<std::uint64_t> words;
    for (int i = 0; i < 100'000; ++i) words.push_back(source());
    // The extreme words: the smallest and largest uniforms and their neighbours.
    for (std::uint64_t k = 0; k < 64; ++k) {
      words.push_back(k << 12);
      words.push_back(~(k << 12));
      words.push_back((k << 12) | 0xfffu);
    }
    while (words.size() % lanes != 0) words.push_back(std::uint64_t{1} << 63);
    for (std::size_t j = 0; j < words.size(); j += lanes) {
      std::array<std::uint64_t, lanes> hi{}, lo{};
      for (std::size_t l = 0; l < lanes; ++l) {
        hi[l] = words[j + l] >> 32;
        lo[l] = words[j + l] & 0xffffffffu;
      }
      const V u = rr::open_unit_lanes<V>(load_words<U>(hi.data()), load_words<U>(lo.data()));
      std::array<double, lanes> got{};
      if constexpr (riskgrid::simd::is_batch_v<V>) u.store_unaligned(got.data());
      else got[0] = u;
      for (std::size_t l = 0; l < lanes; ++l) {
        REQUIRE(got[l] == rr::detail::to_open_unit(words[j + l]));
        REQUIRE(got[l] == ::u01fixedpt_open_open_64_double(words[j + l]));
        REQUIRE(got[l] > 0.0);
        REQUIRE(got[l] < 1.0);
      }
    }
  });
}

TEST_CASE("uniform_pair_lanes gives philox_stream's draws 2b and 2b + 1 of one scenario per lane",
          "[random][philox_batch]") {
  const rr::philox_stream stream(0xFEEDFACECAFEBEEFu, 5u);
  for_each_width([&]<class V>(const char* width) {
    INFO("width " << width);
    using U = rr::lane_word_t<V>;
    constexpr std::size_t lanes = rr::lane_count_v<V>;
    for (const std::uint64_t first_id : {std::uint64_t{0}, std::uint64_t{0xFFFFFFFFu} - 3, ~std::uint64_t{0} - 64}) {
      for (const std::uint64_t block : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{0xFFFFFFFFu}}) {
        const auto pair = rr::uniform_pair_lanes<V>(stream, rr::iota_lanes<U>(first_id), block);
        std::array<double, lanes> a{}, b{};
        if constexpr (riskgrid::simd::is_batch_v<V>) {
          pair.first.store_unaligned(a.data());
          pair.second.store_unaligned(b.data());
        } else {
          a[0] = pair.first;
          b[0] = pair.second;
        }
        for (std::size_t l = 0; l < lanes; ++l) {
          CHECK(a[l] == stream.uniform(first_id + l, 2 * block));
          CHECK(b[l] == stream.uniform(first_id + l, 2 * block + 1));
        }
      }
    }
  });
}
