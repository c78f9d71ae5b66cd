#include <riskgrid/core/confidence.hpp>
#include <riskgrid/io/parse.hpp>

#include <catch2/catch.hpp>

#include <cmath>
#include <cstdint>
#include <limits>
#include <optional>
#include <string>
#include <string_view>

namespace {

using riskgrid::confidence;
using riskgrid::input_error;
using riskgrid::io::parse_number;

}  // namespace

TEST_CASE("parse_number accepts the decimal grammar with signs and exponents", "[io][parse]") {
  CHECK(parse_number("1") == std::optional<double>(1.0));
  CHECK(parse_number("-2.5") == std::optional<double>(-2.5));
  CHECK(parse_number("+3e-4") == std::optional<double>(3e-4));
  CHECK(parse_number("1E10") == std::optional<double>(1e10));
  CHECK(parse_number("1.5e+3") == std::optional<double>(1500.0));
  CHECK(parse_number("007.250") == std::optional<double>(7.25));
  CHECK(parse_number("0") == std::optional<double>(0.0));
  const auto negative_zero = parse_number("-0");
  REQUIRE(negative_zero);
  CHECK(std::signbit(*negative_zero));
}

TEST_CASE("parse_number rejects non-finite, hex, partial and blank-padded numbers", "[io][parse]") {
  for (const std::string_view s :
       {"nan", "NaN", "inf", "-inf", "infinity", "0x1p4", "0x10", "12abc", " 1", "1 ", ".5", "1.", "1e",
        "1e+", "e5", "1e400", "-1e400", "--1", "+-1", "+", "-", ".", "", "1,5", "1e5.5", "1.2.3"}) {
    INFO("text: '" << std::string(s) << "'");
    CHECK_FALSE(parse_number(s).has_value());
  }
}

TEST_CASE("parse_number rounds correctly to the nearest double", "[io][parse]") {
  // A digit-by-digit accumulation (x = 10·x + d, then scale by a power of ten) misses
  // these by an ulp or more; from_chars does not.
  CHECK(parse_number("0.1") == std::optional<double>(0.1));
  CHECK(parse_number("0.30000000000000004") == std::optional<double>(0.1 + 0.2));
  CHECK(parse_number("0.30000000000000004") != std::optional<double>(0.3));
  CHECK(parse_number("2.2250738585072014e-308") ==
        std::optional<double>(std::numeric_limits<double>::min()));
  CHECK(parse_number("1.7976931348623157e308") ==
        std::optional<double>(std::numeric_limits<double>::max()));
  CHECK(parse_number("4.9406564584124654e-324") ==
        std::optional<double>(std::numeric_limits<double>::denorm_min()));
  // 2^53 + 1 lies halfway between two doubles: ties go to the even one, 2^53.
  CHECK(parse_number("9007199254740993") == std::optional<double>(9007199254740992.0));
  CHECK(parse_number("2915477.9204394156") == std::optional<double>(2915477.9204394156));
}

TEST_CASE("confidence::parse keeps the decimal the user wrote", "[core][confidence]") {
  const auto a = confidence::parse("0.99");
  CHECK(a.value() == 0.99);
  CHECK(a.text() == "0.99");
  const auto b = confidence::parse(".975");
  CHECK(b.value() == 0.975);
  CHECK(b.text() == "0.975");
  CHECK(confidence::parse("9.9e-1") == a);
  CHECK(confidence::parse("0.9900") == a);
  CHECK(confidence::parse("99E-2") == a);
  CHECK(confidence::parse("0.05").text() == "0.05");
  CHECK_FALSE(confidence::parse("0.99") == confidence::parse("0.999"));
}

TEST_CASE("confidence::parse rejects anything but a decimal strictly between 0 and 1",
          "[core][confidence]") {
  for (const std::string_view s :
       {"0", "1", "1.0", "-0.5", "abc", "0.9x", "", ".", "0.0", "1.5", "10e-1", "0.5e", "0.5e+",
        "1e+-1", "1e--1", "0x0.8", "nan", " 0.9", "0.9 ", "0.5,0.9"}) {
    INFO("text: '" << std::string(s) << "'");
    CHECK_THROWS_AS(confidence::parse(s), input_error);
  }
}

TEST_CASE("confidence::parse names the source and the text in its error", "[core][confidence]") {
  try {
    (void)confidence::parse("1.5", "--confidence");
    FAIL("confidence::parse(\"1.5\") did not throw");
  } catch (const input_error& e) {
    CHECK(e.source() == "--confidence");
    CHECK(e.line() == 0);
    CHECK_THAT(std::string(e.what()), Catch::Matchers::StartsWith("--confidence: "));
    CHECK_THAT(e.reason(), Catch::Matchers::Contains("'1.5'"));
  }
}

TEST_CASE("confidence::tail is exact where double arithmetic is not", "[core][confidence]") {
  // The double trap of DESIGN.md §4: 100·(1 − 0.9) is just below 10 in binary.
  CHECK(100.0 * (1.0 - 0.9) < 10.0);
  const auto t = confidence::parse("0.9").tail(100);
  CHECK(t.whole == 10);
  CHECK(t.numerator == 0);
  CHECK(t.m == 10.0);
  CHECK(t.var_rank() == 11);
  CHECK(t.fraction() == 0.0);
}

TEST_CASE("confidence::tail splits N·(1 − α) into whole and fraction", "[core][confidence]") {
  SECTION("N = 250, α = 0.975: six whole losses and a quarter of the seventh") {
    const auto t = confidence::parse("0.975").tail(250);
    CHECK(t.whole == 6);
    CHECK(t.numerator == 250);
    CHECK(t.denominator == 1000);
    CHECK(t.fraction() == 0.25);
    CHECK(t.m == 6.25);
    CHECK(t.var_rank() == 7);
  }
  SECTION("a thin tail, N = 50, α = 0.99") {
    const auto t = confidence::parse("0.99").tail(50);
    CHECK(t.whole == 0);
    CHECK(t.fraction() == 0.5);
    CHECK(t.var_rank() == 1);
  }
  SECTION("an N beyond double's integers: 2^53 + 1 scenarios, α = 0.5") {
    const std::uint64_t n = (std::uint64_t{1} << 53) + 1;
    const auto t = confidence::parse("0.5").tail(n);
    CHECK(t.whole == std::uint64_t{1} << 52);
    CHECK(t.numerator * 2 == t.denominator);  // exactly one half left over
  }
}

TEST_CASE("confidence built from a double equals the parsed shortest decimal", "[core][confidence]") {
  CHECK(confidence(0.9) == confidence::parse("0.9"));
  CHECK(confidence(0.9).tail(100).whole == 10);
  CHECK(confidence(0.975) == confidence::parse(".975"));
  CHECK(confidence(0.975).text() == "0.975");
  CHECK(confidence(1e-5) == confidence::parse("0.00001"));
  // 0.1 + 0.2 is not 0.3: its shortest decimal is 0.30000000000000004.
  CHECK(confidence(0.1 + 0.2) == confidence::parse("0.30000000000000004"));
  CHECK_FALSE(confidence(0.1 + 0.2) == confidence::parse("0.3"));
  for (const double bad : {0.0, 1.0, -0.5, 1.5, std::numeric_limits<double>::quiet_NaN(),
                           std::numeric_limits<double>::infinity()}) {
    INFO("alpha = " << bad);
    CHECK_THROWS_AS(confidence(bad), input_error);
  }
}
