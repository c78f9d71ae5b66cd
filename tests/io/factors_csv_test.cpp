#include <riskgrid/io/factors_csv.hpp>
#include <riskgrid/risk/frtb.hpp>

#include <catch2/catch.hpp>
#include "support/test_support.hpp"

#include <cstddef>
#include <stdexcept>
#include <string>

namespace {

using riskgrid::input_error;
using riskgrid::risk::frtb::risk_class;
using riskgrid::testing::temp_dir;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

const std::string sample_dir = RISKGRID_SOURCE_DIR "/examples/data/";
const std::string header = "factor,risk_class,liquidity_horizon,modellable,reduced_set";

template <class F>
input_error input_error_of(F&& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e;
  }
  throw std::runtime_error("expected an input_error, none was thrown");
}

// The error of a factors.csv made of `text`.
input_error factors_error(const temp_dir& dir, const std::string& text) {
  const auto path = dir.write("factors.csv", text);
  return input_error_of([&] { (void)riskgrid::io::load_factors(path); });
}

}  // namespace

TEST_CASE("load_factors reads the bundled sample", "[io][factors_csv]") {
  const auto t = riskgrid::io::load_factors(sample_dir + "factors.csv");
  CHECK(t.size() == 129);
  std::size_t reduced = 0, non_modellable = 0;
  for (const auto& f : t.entries()) {
    reduced += f.reduced_set ? 1 : 0;
    non_modellable += f.modellable ? 0 : 1;
  }
  CHECK(reduced == 53);
  CHECK(non_modellable == 2);
  const auto* toyota = t.find("EQ.TOYOTA.VOL");
  REQUIRE(toyota != nullptr);
  CHECK(toyota->cls == risk_class::equity);
  CHECK(toyota->liquidity_horizon == 20);
  CHECK_FALSE(toyota->modellable);
  CHECK(toyota->idiosyncratic);  // equity default
  const auto* jpy = t.find("IR.JPY.30Y");
  REQUIRE(jpy != nullptr);
  CHECK(jpy->cls == risk_class::ir);
  CHECK_FALSE(jpy->idiosyncratic);
  CHECK(t.find("FX.EURUSD.VOL")->liquidity_horizon == 40);
  CHECK(t.find("EQ.AAPL.DIV")->liquidity_horizon == 60);
  CHECK(t.find("eq.aapl.spot") == nullptr);  // factor names are case-sensitive
  CHECK(t.find("EQ.AAPL.SPOT")->line == 2);
}

TEST_CASE("load_factors: headers in any case and order, enumerations folded, defaults", "[io][factors_csv]") {
  const temp_dir dir;
  const auto path = dir.write("factors.csv",
                              "Reduced_Set,MODELLABLE,note,Liquidity_Horizon,Risk_Class,Factor,idiosyncratic\n"
                              "yes,TRUE,x,,Equity,EQ.A.SPOT,\n"
                              "no,1,,,IR,IR.NZD.5Y,\n"
                              "0,false,,,f-x,FX.EURUSD.VOL,\n"
                              "false,no,,120,credit,CR.ACME.5Y,true\n"
                              "false,true,,60,equity,EQ.B.VOL,no\n");
  const auto t = riskgrid::io::load_factors(path, {.domestic_currency = "USD"});
  REQUIRE(t.size() == 5);
  const auto& a = t.entries()[0];
  CHECK(a.name == "EQ.A.SPOT");
  CHECK(a.cls == risk_class::equity);
  CHECK(a.liquidity_horizon == 10);  // MAR33.12 default: large-cap equity price
  CHECK(a.modellable);
  CHECK(a.reduced_set);
  CHECK(a.idiosyncratic);
  CHECK(t.entries()[1].liquidity_horizon == 20);  // unspecified currency
  CHECK(t.entries()[2].liquidity_horizon == 40);  // FX volatility
  CHECK(t.entries()[3].cls == risk_class::credit);
  CHECK(t.entries()[3].idiosyncratic);
  CHECK_FALSE(t.entries()[3].modellable);
  CHECK(t.entries()[4].liquidity_horizon == 60);
  CHECK_FALSE(t.entries()[4].idiosyncratic);
  // The domestic currency's rates are specified.
  CHECK(riskgrid::io::load_factors(path, {.domestic_currency = "NZD"}).entries()[1].liquidity_horizon == 10);
}

TEST_CASE("load_factors rejects a bad risk class at its cell", "[io][factors_csv]") {
  const temp_dir dir;
  const auto e = factors_error(dir, header + "\n# comment\nEQ.A.SPOT,equity,10,true,true\n\nIR.USD.1Y,rates,10,true,false\n");
  CHECK(e.line() == 5);
  CHECK(e.column() == 2);
  CHECK_THAT(e.reason(), Contains("risk_class") && Contains("'rates'"));
  CHECK_THAT(std::string(e.what()), StartsWith(e.source() + ":5: "));
}

TEST_CASE("load_factors rejects a liquidity horizon outside 10, 20, 40, 60, 120", "[io][factors_csv]") {
  const temp_dir dir;
  for (const std::string bad : {"15", "10.0", "0", "-10", "1e300", "ten", "+10"}) {
    INFO("horizon: " << bad);
    const auto e = factors_error(dir, header + "\nEQ.A.SPOT,equity,10,true,true\nEQ.B.SPOT,equity," + bad + ",true,true\n");
    CHECK(e.line() == 3);
    CHECK(e.column() == 3);
    CHECK_THAT(e.reason(), Contains("expected 10, 20, 40, 60 or 120") && Contains("'" + bad + "'"));
  }
  // No default for credit or commodity, nor for a name that does not fit its class.
  for (const std::string row : {"CR.ACME.5Y,credit,,true,false", "CM.GOLD.SPOT,commodity,,true,false",
                                "EQ.A.SPOT,ir,,true,false"}) {
    INFO("row: " << row);
    const auto e = factors_error(dir, header + "\n" + row + "\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 3);
    CHECK_THAT(e.reason(), Contains("no default"));
  }
}

TEST_CASE("load_factors rejects a duplicate factor naming the first line", "[io][factors_csv]") {
  const temp_dir dir;
  const auto e = factors_error(dir, header +
                                        "\nEQ.A.SPOT,equity,10,true,true\n"
                                        "EQ.B.SPOT,equity,10,true,true\n"
                                        "EQ.A.SPOT,equity,20,true,false\n");
  CHECK(e.line() == 4);
  CHECK(e.column() == 1);
  CHECK_THAT(e.reason(), Contains("duplicate factor 'EQ.A.SPOT'") && Contains("first on line 2"));
}

TEST_CASE("load_factors rejects a missing column on the header line", "[io][factors_csv]") {
  const temp_dir dir;
  for (const std::string column : {"factor", "risk_class", "liquidity_horizon", "modellable", "reduced_set"}) {
    INFO("missing: " << column);
    std::string h = header;
    h.erase(h.find(column), column.size());
    // Keep the field count consistent: the dropped column's comma goes with it.
    if (h.front() == ',') h.erase(0, 1);
    else if (h.back() == ',') h.pop_back();
    else h.erase(h.find(",,"), 1);
    const auto e = factors_error(dir, "# FRTB\n" + h + "\n");
    CHECK(e.line() == 2);
    CHECK_THAT(e.reason(), Contains("missing required column '" + column + "'"));
  }
}

TEST_CASE("load_factors rejects bad flags and contradictions", "[io][factors_csv]") {
  const temp_dir dir;
  SECTION("a bad boolean") {
    const auto e = factors_error(dir, header + "\nEQ.A.SPOT,equity,10,maybe,true\n");
    CHECK(e.line() == 2);
    CHECK(e.column() == 4);
    CHECK_THAT(e.reason(), Contains("modellable") && Contains("'maybe'"));
  }
  SECTION("an empty flag") {
    const auto e = factors_error(dir, header + "\nEQ.A.SPOT,equity,10,true,\n");
    CHECK(e.column() == 5);
    CHECK_THAT(e.reason(), Contains("missing value"));
  }
  SECTION("an empty factor name") {
    const auto e = factors_error(dir, header + "\n,equity,10,true,true\n");
    CHECK(e.column() == 1);
  }
  SECTION("a non-modellable factor in the reduced set") {
    const auto e = factors_error(dir, header + "\nEQ.A.SPOT,equity,10,false,true\n");
    CHECK(e.column() == 5);
    CHECK_THAT(e.reason(), Contains("non-modellable"));
  }
  SECTION("an idiosyncratic factor outside equity and credit") {
    const auto e = factors_error(dir, header + ",idiosyncratic\nIR.USD.1Y,ir,10,false,false,true\n");
    CHECK(e.column() == 6);
    CHECK_THAT(e.reason(), Contains("only equity and credit"));
  }
  SECTION("a wrong number of fields") {
    const auto e = factors_error(dir, header + "\nEQ.A.SPOT,equity,10,true\n");
    CHECK(e.line() == 2);
  }
  SECTION("no factor") {
    const auto e = factors_error(dir, header + "\n# nothing\n");
    CHECK(e.line() == 0);
    CHECK_THAT(e.reason(), Contains("no factor"));
  }
}
