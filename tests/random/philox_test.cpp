#include <riskgrid/random/philox.hpp>

#include <Random123/philox.h>
#include <Random123/u01fixedpt.h>
#include <catch2/catch.hpp>

#include <array>
#include <cstddef>
#include <cstdint>
#include <limits>
#include <vector>

namespace {

using riskgrid::random::philox4x32_10;
using riskgrid::random::philox_counter;
using riskgrid::random::philox_key;
using riskgrid::random::philox_stream;
using riskgrid::random::detail::to_open_unit;

// Known-answer vectors of Random123 (kat_vectors, philox4x32 with 10 rounds).
struct known_answer {
  philox_counter counter;
  philox_key key;
  philox_counter expected;
};

constexpr std::array<known_answer, 3> known_answers{{
    {{0x00000000u, 0x00000000u, 0x00000000u, 0x00000000u},
     {0x00000000u, 0x00000000u},
     {0x6627e8d5u, 0xe169c58du, 0xbc57ac4cu, 0x9b00dbd8u}},
    {{0xffffffffu, 0xffffffffu, 0xffffffffu, 0xffffffffu},
     {0xffffffffu, 0xffffffffu},
     {0x408f276du, 0x41c83b0eu, 0xa20bc7c6u, 0x6d5451fdu}},
    {{0x243f6a88u, 0x85a308d3u, 0x13198a2eu, 0x03707344u},
     {0xa4093822u, 0x299f31d0u},
     {0xd16cfe09u, 0x94fdccebu, 0x5001e420u, 0x24126ea1u}},
}};

// Evaluated by the compiler: philox4x32_10 is usable in constant expressions.
static_assert(philox4x32_10(known_answers[2].counter, known_answers[2].key) == known_answers[2].expected);
static_assert(to_open_unit(0) == 0x1p-53);

// SplitMix64 (Steele, Lea, Flood 2014): an independent source of test inputs.
struct splitmix64 {
  std::uint64_t state;
  std::uint64_t operator()() noexcept {
    std::uint64_t z = (state += 0x9E3779B97F4A7C15u);
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9u;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBu;
    return z ^ (z >> 31);
  }
};

std::vector<double> uniforms_of(const philox_stream& stream, std::uint64_t scenario_id,
                                std::uint64_t first_draw, std::size_t count) {
  std::vector<double> out(count);
  stream.uniforms(scenario_id, first_draw, out);
  return out;
}

}  // namespace

TEST_CASE("philox4x32_10 reproduces the Random123 known-answer vectors", "[random][philox]") {
  for (const known_answer& kat : known_answers) {
    CHECK(philox4x32_10(kat.counter, kat.key) == kat.expected);
  }
}

TEST_CASE("philox4x32_10 is bit-exact with r123::Philox4x32 on a million random inputs",
          "[random][philox]") {
  r123::Philox4x32 reference;
  splitmix64 source{20240601u};
  std::size_t mismatches = 0;
  for (int trial = 0; trial < 1'000'000; ++trial) {
    const std::uint64_t c01 = source();
    const std::uint64_t c23 = source();
    const std::uint64_t k01 = source();
    const philox_counter counter{static_cast<std::uint32_t>(c01), static_cast<std::uint32_t>(c01 >> 32),
                                 static_cast<std::uint32_t>(c23), static_cast<std::uint32_t>(c23 >> 32)};
    const philox_key key{static_cast<std::uint32_t>(k01), static_cast<std::uint32_t>(k01 >> 32)};
    const r123::Philox4x32::ctr_type r123_counter = {{counter[0], counter[1], counter[2], counter[3]}};
    const r123::Philox4x32::key_type r123_key = {{key[0], key[1]}};
    const r123::Philox4x32::ctr_type expected = reference(r123_counter, r123_key);
    const philox_counter actual = philox4x32_10(counter, key);
    for (std::size_t w = 0; w < 4; ++w) {
      mismatches += actual[w] != expected.v[w] ? 1 : 0;
    }
  }
  CHECK(mismatches == 0);
}

TEST_CASE("to_open_unit maps the extreme words strictly inside (0, 1)", "[random][philox]") {
  // 2^52 cell midpoints: the smallest is 2^-53 and the largest 1 - 2^-53, both exact.
  constexpr std::uint64_t all_ones = std::numeric_limits<std::uint64_t>::max();
  CHECK(to_open_unit(0) == 0x1p-53);
  CHECK(to_open_unit(all_ones) == 1.0 - 0x1p-53);
  CHECK(to_open_unit(all_ones) < 1.0);
  CHECK(to_open_unit(0) > 0.0);
  // The 12 discarded low bits do not matter; the next bit up moves by one cell.
  CHECK(to_open_unit(0xfffu) == to_open_unit(0));
  CHECK(to_open_unit(0x1000u) == 0x1p-53 + 0x1p-52);
  CHECK(to_open_unit(std::uint64_t{1} << 63) == 0.5 + 0x1p-53);
}

TEST_CASE("to_open_unit is symmetric and equals Random123's u01fixedpt_open_open_64_double",
          "[random][philox]") {
  splitmix64 source{7u};
  for (int trial = 0; trial < 100'000; ++trial) {
    const std::uint64_t word = source();
    const double u = to_open_unit(word);
    REQUIRE(u == ::u01fixedpt_open_open_64_double(word));
    REQUIRE(to_open_unit(~word) == 1.0 - u);
  }
}

TEST_CASE("philox_stream follows the documented counter, key and word layout", "[random][philox]") {
  // Reproducibility contract of philox_stream, restated from its documentation.
  const std::uint64_t seed = 0x0123456789abcdefu;
  const std::uint32_t tag = 7;
  const std::uint64_t scenario_id = 0xfedcba9876543210u;
  const philox_stream stream(seed, tag);
  CHECK(stream.key() == philox_key{0x89abcdefu, 0x01234567u});
  CHECK(stream.stream_tag() == tag);
  for (const std::uint64_t draw : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{2}, std::uint64_t{3},
                                   std::uint64_t{12345}, (std::uint64_t{1} << 33) - 1}) {
    const std::uint64_t block = draw / 2;
    const std::size_t half = draw % 2;
    const philox_counter out =
        philox4x32_10({static_cast<std::uint32_t>(block), tag, static_cast<std::uint32_t>(scenario_id),
                       static_cast<std::uint32_t>(scenario_id >> 32)},
                      {static_cast<std::uint32_t>(seed), static_cast<std::uint32_t>(seed >> 32)});
    const std::uint64_t word = (std::uint64_t{out[2 * half + 1]} << 32) | out[2 * half];
    CHECK(stream.bits(scenario_id, draw) == word);
    CHECK(stream.uniform(scenario_id, draw) == (static_cast<double>(word >> 12) + 0.5) * 0x1p-52);
  }
}

TEST_CASE("philox_stream uniforms equal per-draw uniform for odd and even first draws",
          "[random][philox]") {
  const philox_stream stream(42u, 3u);
  for (const std::uint64_t first_draw : {std::uint64_t{0}, std::uint64_t{1}, std::uint64_t{6},
                                         std::uint64_t{77}, (std::uint64_t{1} << 33) - 300}) {
    for (const std::size_t count : {std::size_t{0}, std::size_t{1}, std::size_t{2}, std::size_t{3},
                                    std::size_t{256}, std::size_t{257}}) {
      const std::vector<double> block = uniforms_of(stream, 99u, first_draw, count);
      for (std::size_t k = 0; k < count; ++k) {
        REQUIRE(block[k] == stream.uniform(99u, first_draw + k));
      }
    }
  }
}

TEST_CASE("philox_stream draws differ across stream tags, seeds, scenario ids and draws",
          "[random][philox]") {
  const std::uint64_t seed = 2024u;
  const double base = philox_stream(seed).uniform(5u, 10u);
  CHECK(philox_stream(seed, 1u).uniform(5u, 10u) != base);
  CHECK(philox_stream(seed + 1).uniform(5u, 10u) != base);
  CHECK(philox_stream(seed | (std::uint64_t{1} << 40)).uniform(5u, 10u) != base);  // high key word
  CHECK(philox_stream(seed).uniform(6u, 10u) != base);
  CHECK(philox_stream(seed).uniform(5u | (std::uint64_t{1} << 40), 10u) != base);  // high id word
  CHECK(philox_stream(seed).uniform(5u, 11u) != base);
  CHECK(philox_stream(seed).uniform(5u, 12u) != base);

  // Whole blocks: 256 draws of one scenario under two tags share no value.
  const std::vector<double> a = uniforms_of(philox_stream(seed, 0u), 5u, 0u, 256);
  const std::vector<double> b = uniforms_of(philox_stream(seed, 1u), 5u, 0u, 256);
  std::size_t equal = 0;
  for (std::size_t k = 0; k < a.size(); ++k) {
    equal += a[k] == b[k] ? 1 : 0;
  }
  CHECK(equal == 0);
}

TEST_CASE("philox_stream uniforms pass a chi-square test on 100 equal bins", "[random][philox]") {
  constexpr std::size_t bins = 100;
  constexpr std::size_t scenarios = 4'000;
  constexpr std::size_t draws_per_scenario = 250;  // 10^6 uniforms in total
  const philox_stream stream(0x5eedu, 11u);
  std::array<std::size_t, bins> counts{};
  std::vector<double> block(draws_per_scenario);
  for (std::size_t id = 0; id < scenarios; ++id) {
    stream.uniforms(id, 0, block);
    for (const double u : block) {
      REQUIRE(u > 0.0);
      REQUIRE(u < 1.0);
      ++counts[static_cast<std::size_t>(u * bins)];
    }
  }
  const double expected = static_cast<double>(scenarios * draws_per_scenario) / bins;
  double chi_square = 0.0;
  for (const std::size_t count : counts) {
    const double deviation = static_cast<double>(count) - expected;
    chi_square += deviation * deviation / expected;
  }
  // Under uniformity chi_square ~ chi^2 with 99 degrees of freedom (mean 99, sd 14.07).
  // Critical value at upper-tail probability 1e-6: 180.792 (Boost.Math,
  // quantile(complement(chi_squared(99), 1e-6))). The test is deterministic (fixed seed);
  // the threshold says how surprising a failure would be for a correct generator.
  INFO("chi-square statistic " << chi_square);
  CHECK(chi_square < 180.792);
}
