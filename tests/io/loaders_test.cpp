#include <riskgrid/io/covariance_csv.hpp>
#include <riskgrid/io/market_csv.hpp>
#include <riskgrid/io/portfolio_csv.hpp>
#include <riskgrid/io/results_json.hpp>
#include <riskgrid/portfolio/book.hpp>
#include <riskgrid/scenario/covariance.hpp>
#include <riskgrid/scenario/factor_set.hpp>
#include <riskgrid/version.hpp>

#include <set>
#include <catch2/catch.hpp>
#include "support/test_support.hpp"
#include <nlohmann/json.hpp>

#include <chrono>
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <limits>
#include <random>
#include <sstream>
#include <stdexcept>
#include <set>
#include <string>
#include <system_error>
#include <utility>
#include <vector>

namespace {

namespace fs = std::filesystem;
using riskgrid::input_error;
using Catch::Matchers::Contains;
using Catch::Matchers::StartsWith;

using riskgrid::testing::temp_dir;

// The input_error that `f` throws; the test fails if it throws none.
template <class F>
input_error input_error_of(F&& f) {
  try {
    f();
  } catch (const input_error& e) {
    return e;
  }
  throw std::runtime_error("expected an input_error, none was thrown");
}

std::string read_text(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

const std::string sample_dir = RISKGRID_SOURCE_DIR "/examples/data/";

// A trade's bad value rejected by load_portfolio, from a file with a header and that row.
input_error portfolio_error(const temp_dir& dir, const std::string& header, const std::string& row) {
  const auto path = dir.write("portfolio.csv", header + "\n# a comment\n" + row + "\n");
  return input_error_of([&] { (void)riskgrid::io::load_portfolio(path); });
}

}  // namespace

// --- market.csv ----------------------------------------------------------------------------

TEST_CASE("load_market reads the bundled sample market", "[io][market_csv]") {
  const auto m = riskgrid::io::load_market(sample_dir + "market.csv");
  CHECK(m.size() == 129);
  CHECK(m.name(0) == "EQ.AAPL.SPOT");
  CHECK(m.value(0) == 232.45);
  REQUIRE(m.find("EQ.MSFT.SPOT"));
  CHECK(m.value(*m.find("EQ.MSFT.SPOT")) == 478.2);
}

TEST_CASE("load_market ignores unknown columns and matches headers case-insensitively",
          "[io][market_csv]") {
  const temp_dir dir;
  const auto path = dir.write("market.csv",
                              "Comment,VALUE,Factor\n"
                              "spot,100,EQ.A.SPOT\n"
                              "negative rates and dividends are fine,-0.005,IR.EUR.1Y\n"
                              ",-0.01,EQ.A.DIV\n");
  const auto m = riskgrid::io::load_market(path);
  REQUIRE(m.size() == 3);
  CHECK(m.name(1) == "IR.EUR.1Y");
  CHECK(m.value(1) == -0.005);
  CHECK(m.value(2) == -0.01);
}

TEST_CASE("load_market rejects a duplicate factor naming the first line", "[io][market_csv]") {
  const temp_dir dir;
  const auto path = dir.write("market.csv",
                              "factor,value\n"   // 1
                              "EQ.A.SPOT,100\n"  // 2
                              "# comment\n"      // 3
                              "EQ.B.SPOT,50\n"   // 4
                              "\n"               // 5
                              "EQ.A.SPOT,101\n");  // 6
  const auto e = input_error_of([&] { (void)riskgrid::io::load_market(path); });
  CHECK(e.source() == path);
  CHECK(e.line() == 6);
  CHECK(e.column() == 1);
  CHECK_THAT(e.reason(), Contains("duplicate factor 'EQ.A.SPOT'") && Contains("first on line 2"));
  CHECK_THAT(std::string(e.what()), StartsWith(path + ":6: "));
}

TEST_CASE("load_market rejects a bad factor name in the factor column", "[io][market_csv]") {
  const temp_dir dir;
  for (const std::string name : {"EQ.A.PRICE", "FX.EURUSD", "FX.EURUS.SPOT", "IR.usd.1Y", "IR.USD.1Q",
                                 "CM.GOLD.SPOT", "eq.A.SPOT"}) {
    INFO("factor: " << name);
    const auto path = dir.write("market.csv", "factor,value\nEQ.A.SPOT,1\n" + name + ",0.5\n");
    const auto e = input_error_of([&] { (void)riskgrid::io::load_market(path); });
    CHECK(e.line() == 3);
    CHECK(e.column() == 1);
    CHECK_THAT(e.reason(), Contains("bad factor name '" + name + "'"));
  }
}

TEST_CASE("load_market rejects a spot or vol that is not positive in the value column",
          "[io][market_csv]") {
  const temp_dir dir;
  for (const std::string row : {"EQ.A.SPOT,-1", "EQ.A.SPOT,0", "EQ.A.VOL,-0.2", "FX.EURUSD.SPOT,0"}) {
    INFO("row: " << row);
    const auto path = dir.write("market.csv", "factor,value\n\n" + row + "\n");
    const auto e = input_error_of([&] { (void)riskgrid::io::load_market(path); });
    CHECK(e.line() == 3);
    CHECK(e.column() == 2);
    CHECK_THAT(e.reason(), Contains("must be positive"));
  }
}

TEST_CASE("load_market rejects a missing, non-finite or malformed value at its cell", "[io][market_csv]") {
  const temp_dir dir;
  for (const std::string value : {"nan", "inf", "-inf", "12abc", "abc", "0x10", "1e400"}) {
    INFO("value: " << value);
    const auto path = dir.write("market.csv", "factor,value\nEQ.A.SPOT," + value + "\n");
    const auto e = input_error_of([&] { (void)riskgrid::io::load_market(path); });
    CHECK(e.line() == 2);
    CHECK(e.column() == 2);
    CHECK_THAT(e.reason(), Contains("expected a finite decimal number, got '" + value + "'"));
  }
  const auto path = dir.write("market.csv", "factor,value\nEQ.A.SPOT,\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_market(path); });
  CHECK(e.line() == 2);
  CHECK(e.column() == 2);
  CHECK_THAT(e.reason(), Contains("missing value"));
}

TEST_CASE("load_market rejects a missing value column and a file without rows", "[io][market_csv]") {
  const temp_dir dir;
  const auto no_column = dir.write("market.csv", "# c\nfactor,val\nEQ.A.SPOT,1\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_market(no_column); });
  CHECK(e.line() == 2);
  CHECK(e.column() == 0);
  CHECK(e.reason() == "missing required column 'value'");

  const auto empty = dir.write("empty.csv", "# c\nfactor,value\n");
  const auto f = input_error_of([&] { (void)riskgrid::io::load_market(empty); });
  CHECK(f.line() == 0);
  CHECK(std::string(f.what()) == empty + ": no market factor (no data rows)");
}

// --- covariance.csv ------------------------------------------------------------------------

TEST_CASE("load_covariance reads the bundled 87-factor sample", "[io][covariance_csv]") {
  const auto c = riskgrid::io::load_covariance(sample_dir + "covariance.csv");
  REQUIRE(c.factors.size() == 87);
  CHECK(c.matrix.rows() == 87);
  CHECK(c.matrix.cols() == 87);
  CHECK(c.factors.name(0) == "EQ.AAPL.SPOT");
  CHECK(c.factors.name(1) == "EQ.MSFT.SPOT");
  CHECK(c.matrix(0, 0) == 0.0002487425882746429);
  CHECK(c.matrix(0, 1) == 0.00014995353590478114);
  CHECK(c.matrix(1, 0) == c.matrix(0, 1));
  CHECK(c.matrix == c.matrix.transpose());
  CHECK_NOTHROW(riskgrid::scenario::check_covariance(c));
}

TEST_CASE("load_covariance ignores the label cell and reads names case-sensitively", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv",
                              "whatever,EQ.A.SPOT,EQ.B.SPOT\n"
                              "EQ.A.SPOT,4e-4,1e-4\n"
                              "# comment\n"
                              "EQ.B.SPOT,1e-4,9e-4\n");
  const auto c = riskgrid::io::load_covariance(path);
  CHECK(c.factors.names() == std::vector<std::string>{"EQ.A.SPOT", "EQ.B.SPOT"});
  CHECK(c.matrix(1, 1) == 9e-4);
  CHECK(c.matrix(0, 1) == 1e-4);
}

TEST_CASE("load_covariance rejects a matrix that is not square as a whole-file defect",
          "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv",
                              "factor,A,B,C\n"
                              "A,1,0,0\n"
                              "B,0,1,0\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_covariance(path); });
  CHECK(e.line() == 0);
  CHECK(std::string(e.what()) == path + ": not square: 3 factor columns but 2 rows");
}

TEST_CASE("load_covariance rejects a row out of the header's order on its line", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv",
                              "factor,A,B\n"
                              "\n"
                              "B,1,0\n"
                              "A,0,1\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_covariance(path); });
  CHECK(e.line() == 3);
  CHECK(e.column() == 1);
  CHECK_THAT(e.reason(), Contains("expected factor 'A'") && Contains("got 'B'"));
}

TEST_CASE("load_covariance rejects an asymmetric matrix naming both positions", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv",
                              "factor,A,B,C\n"       // 1
                              "A,4e-4,1e-4,0\n"      // 2
                              "# comment\n"          // 3
                              "B,1e-4,9e-4,2e-4\n"   // 4
                              "C,0,3e-4,1e-4\n");    // 5: (C, B) = 3e-4 but (B, C) = 2e-4
  const auto e = input_error_of([&] { (void)riskgrid::io::load_covariance(path); });
  CHECK(e.line() == 5);
  CHECK(e.column() == 3);  // row C, column B
  CHECK_THAT(e.reason(), Contains("not symmetric") && Contains("3e-04") && Contains("2e-04") &&
                             Contains("(B, C)") && Contains("line 4"));
}

TEST_CASE("load_covariance accepts an asymmetry within 1e-12 relative", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv", "factor,A,B\nA,1e-4,5e-5\nB,5.00000000000001e-5,1e-4\n");
  CHECK_NOTHROW(riskgrid::io::load_covariance(path));
}

TEST_CASE("load_covariance rejects a negative variance at its diagonal cell", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv", "factor,A,B\nA,1e-4,0\nB,0,-1e-4\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_covariance(path); });
  CHECK(e.line() == 3);
  CHECK(e.column() == 3);
  CHECK_THAT(e.reason(), Contains("negative variance"));
}

TEST_CASE("load_covariance rejects a bad number at its cell", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv", "factor,A,B\nA,1e-4,0\nB,1e-4x,1e-4\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_covariance(path); });
  CHECK(e.line() == 3);
  CHECK(e.column() == 2);
  CHECK_THAT(e.reason(), Contains("got '1e-4x'"));
}

TEST_CASE("load_covariance rejects a duplicate factor in the header", "[io][covariance_csv]") {
  const temp_dir dir;
  const auto path = dir.write("cov.csv", "factor,A,B,A\nA,1,0,0\nB,0,1,0\nA,0,0,1\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_covariance(path); });
  CHECK(e.line() == 1);
  CHECK(e.column() == 4);
}

// --- portfolio.csv -------------------------------------------------------------------------

TEST_CASE("load_portfolio reads the bundled 582 trades", "[io][portfolio_csv]") {
  const auto path = sample_dir + "portfolio.csv";
  const auto trades = riskgrid::io::load_portfolio(path);
  REQUIRE(trades.size() == 582);
  const auto& first = trades.front();
  CHECK(first.id == "EQ0001");
  CHECK(first.desk == "eq_us");
  CHECK(first.type == riskgrid::portfolio::trade_type::equity);
  CHECK(first.underlying == "AAPL");
  CHECK(first.currency == "USD");
  CHECK(first.quantity == std::optional<double>(12000.0));
  CHECK_FALSE(first.strike.has_value());
  CHECK(first.source == path);
  CHECK(first.line == 2);
  const auto& last = trades[179];  // the last of the equity and sensitivity block
  CHECK(last.id == "SN0060");
  CHECK(last.type == riskgrid::portfolio::trade_type::sensitivity);
  CHECK(last.factor == "IR.JPY.1M");
  CHECK(last.delta == std::optional<double>(74600000.0));
  CHECK_FALSE(last.gamma.has_value());
  CHECK(last.line == 181);
  std::size_t equities = 0, sensitivities = 0;
  for (const auto& t : trades) {
    equities += t.type == riskgrid::portfolio::trade_type::equity;
    sensitivities += t.type == riskgrid::portfolio::trade_type::sensitivity;
  }
  CHECK(equities == 120);
  CHECK(sensitivities == 60);
  // Every instrument type is in the sample, and the last row is the file's last line.
  std::set<riskgrid::portfolio::trade_type> types;
  for (const auto& t : trades) types.insert(t.type);
  CHECK(types.size() == riskgrid::portfolio::trade_type_names.size());
  CHECK(trades.back().id == "SW0060");
  CHECK(trades.back().line == 583);
}

TEST_CASE("load_portfolio types every column and folds enumerations", "[io][portfolio_csv]") {
  using namespace riskgrid::portfolio;
  const temp_dir dir;
  const auto path = dir.write(
      "portfolio.csv",
      "ID,Desk,Type,Underlying,Currency,Quantity,Strike,Maturity,Option,Barrier,Barrier_Type,Rebate,"
      "Notional,Rate,Frequency,Pay_Fixed,Factor,Delta,Gamma,Trader\n"
      "B1,exotics,Barrier,AAPL,USD,10,150,2027-06-30,CALL,120,Down-Out,2.5,,,,,,,,alice\n"
      "S1,,SWAP,,EUR,,,2031-11-25,,,,,1e7,0.025,4,Yes,,,,bob\n"
      "D1,fx,sensitivity,,,,,,,,,,,,,,FX.EURUSD.SPOT,-1.5e6,2e5,\n");
  const auto trades = riskgrid::io::load_portfolio(path);
  REQUIRE(trades.size() == 3);
  const auto& b = trades[0];
  CHECK(b.type == trade_type::barrier);
  CHECK(b.desk == "exotics");
  CHECK(b.strike == std::optional<double>(150.0));
  CHECK(b.maturity == std::optional<riskgrid::date>(riskgrid::date(std::chrono::year(2027) / 6 / 30)));
  CHECK(b.option == std::optional<option_type>(option_type::call));
  CHECK(b.barrier == std::optional<double>(120.0));
  CHECK(b.barrier_kind == std::optional<barrier_type>(barrier_type::down_out));
  CHECK(b.rebate == std::optional<double>(2.5));
  const auto& s = trades[1];
  CHECK(s.type == trade_type::swap);
  CHECK(s.desk == "default");  // an empty desk
  CHECK_FALSE(s.quantity.has_value());
  CHECK(s.notional == std::optional<double>(1e7));
  CHECK(s.rate == std::optional<double>(0.025));
  CHECK(s.frequency == std::optional<int>(4));
  CHECK(s.pay_fixed == std::optional<bool>(true));
  CHECK(s.line == 3);
  const auto& d = trades[2];
  CHECK(d.factor == "FX.EURUSD.SPOT");
  CHECK(d.delta == std::optional<double>(-1.5e6));
  CHECK(d.gamma == std::optional<double>(2e5));
}

TEST_CASE("load_portfolio rejects a duplicate id naming the first line", "[io][portfolio_csv]") {
  const temp_dir dir;
  const auto path = dir.write("portfolio.csv",
                              "id,type,underlying,currency,quantity\n"  // 1
                              "T1,equity,AAPL,USD,1\n"                  // 2
                              "T2,equity,MSFT,USD,1\n"                  // 3
                              "\n"                                      // 4
                              "T1,equity,NVDA,USD,1\n");                // 5
  const auto e = input_error_of([&] { (void)riskgrid::io::load_portfolio(path); });
  CHECK(e.line() == 5);
  CHECK(e.column() == 1);
  CHECK_THAT(e.reason(), Contains("duplicate trade id 'T1'") && Contains("first on line 2"));
}

TEST_CASE("load_portfolio rejects a bad cell at its line and column", "[io][portfolio_csv]") {
  const temp_dir dir;
  const std::string header = "id,type,maturity,option,barrier_type,notional,frequency,pay_fixed,strike,rebate";
  struct bad_cell {
    std::string row;
    std::size_t column;
    std::string reason;
  };
  for (const auto& [row, column, reason] : {
           bad_cell{"T1,equity_swap,,,,,,,,", 2, "unknown trade type 'equity_swap'"},
           bad_cell{"T1,european,2026-13-01,,,,,,,", 3, "got '2026-13-01'"},
           bad_cell{"T1,european,2026-02-29,,,,,,,", 3, "got '2026-02-29'"},
           bad_cell{"T1,european,26-01-01,,,,,,,", 3, "YYYY-MM-DD"},
           bad_cell{"T1,european,,straddle,,,,,,", 4, "expected call|put, got 'straddle'"},
           bad_cell{"T1,barrier,,,down_and_out,,,,,", 5, "got 'down_and_out'"},
           bad_cell{"T1,zero_bond,,,,-100,,,,", 6, "must not be negative"},
           bad_cell{"T1,swap,,,,,5,,,", 7, "expected one of 1, 2, 3, 4, 6, 12"},
           bad_cell{"T1,swap,,,,,0,,,", 7, "expected one of 1, 2, 3, 4, 6, 12"},
           bad_cell{"T1,swap,,,,,24,,,", 7, "expected one of 1, 2, 3, 4, 6, 12"},
           bad_cell{"T1,swap,,,,,4.0,,,", 7, "expected an integer"},
           bad_cell{"T1,swap,,,,,,maybe,,", 8, "got 'maybe'"},
           bad_cell{"T1,european,,,,,,,0,", 9, "must be positive"},
           bad_cell{"T1,european,,,,,,,nan,", 9, "got 'nan'"},
           bad_cell{"T1,barrier,,,,,,,,-1", 10, "must not be negative"},
           bad_cell{",equity,,,,,,,,", 1, "missing value"},
           bad_cell{"T1,,,,,,,,,", 2, "missing value"},
       }) {
    INFO("row: " << row);
    const auto e = portfolio_error(dir, header, row);
    CHECK(e.line() == 3);
    CHECK(e.column() == column);
    CHECK_THAT(e.reason(), Contains(reason));
  }
}

TEST_CASE("load_portfolio accepts every allowed frequency and boolean spelling", "[io][portfolio_csv]") {
  const temp_dir dir;
  const auto path = dir.write("portfolio.csv",
                              "id,type,frequency,pay_fixed\n"
                              "A,swap,1,true\nB,swap,2,FALSE\nC,swap,3,yes\n"
                              "D,swap,4,No\nE,swap,6,1\nF,swap,12,0\n");
  const auto trades = riskgrid::io::load_portfolio(path);
  REQUIRE(trades.size() == 6);
  const std::vector<int> frequency = {1, 2, 3, 4, 6, 12};
  const std::vector<bool> pay_fixed = {true, false, true, false, true, false};
  for (std::size_t i = 0; i < trades.size(); ++i) {
    CHECK(trades[i].frequency == std::optional<int>(frequency[i]));
    CHECK(trades[i].pay_fixed == std::optional<bool>(pay_fixed[i]));
  }
}

TEST_CASE("load_portfolio rejects a missing id column and a file without trades", "[io][portfolio_csv]") {
  const temp_dir dir;
  const auto no_id = dir.write("a.csv", "name,type\nT1,equity\n");
  const auto e = input_error_of([&] { (void)riskgrid::io::load_portfolio(no_id); });
  CHECK(e.line() == 1);
  CHECK(e.reason() == "missing required column 'id'");
  const auto empty = dir.write("b.csv", "id,type\n# nothing\n");
  const auto f = input_error_of([&] { (void)riskgrid::io::load_portfolio(empty); });
  CHECK(std::string(f.what()) == empty + ": no trade (no data rows)");
}

// --- binding trades to the market: portfolio::book -----------------------------------------

namespace {

const std::string book_market =
    "factor,value\n"
    "EQ.AAPL.SPOT,200\n"
    "EQ.SAP.SPOT,150\n"
    "EQ.TOYOTA.SPOT,3000\n"
    "EQ.BARC.SPOT,2.5\n"
    "FX.EURUSD.SPOT,1.25\n"
    "FX.USDJPY.SPOT,160\n"
    "EQ.AAPL.VOL,0.25\n"
    "IR.USD.1Y,0.04\n";

// The error that binding the trade `row` (after one good trade) throws; the trade is on
// line 5 of its file.
input_error book_error(const temp_dir& dir, const std::string& row,
                       const std::string& market_text = book_market) {
  const auto market = riskgrid::io::load_market(dir.write("market.csv", market_text));
  const auto path = dir.write("portfolio.csv",
                              "# book test\n"                                         // 1
                              "id,type,underlying,currency,quantity,factor,delta\n"  // 2
                              "OK,equity,AAPL,USD,10,,\n"                             // 3
                              "\n"                                                    // 4
                              + row + "\n");                                          // 5
  const auto trades = riskgrid::io::load_portfolio(path);
  const riskgrid::scenario::factor_set shocked({"EQ.AAPL.SPOT", "EQ.AAPL.VOL"});
  auto e = input_error_of([&] {
    const riskgrid::portfolio::book b(trades, market, shocked, riskgrid::portfolio::book_options{});
  });
  CHECK(e.source() == path);
  CHECK_THAT(std::string(e.what()), StartsWith(path + ":5: trade BAD: "));
  return e;
}

}  // namespace

TEST_CASE("book converts to the base currency through direct and inverse FX quotes", "[portfolio][book]") {
  const temp_dir dir;
  const auto market = riskgrid::io::load_market(dir.write("market.csv", book_market));
  const auto trades = riskgrid::io::load_portfolio(dir.write("portfolio.csv",
                                                             "id,type,underlying,currency,quantity,factor,delta\n"
                                                             "A,equity,AAPL,USD,10,,\n"
                                                             "S,equity,SAP,EUR,3,,\n"
                                                             "T,equity,TOYOTA,JPY,100,,\n"
                                                             "V,sensitivity,,,,EQ.AAPL.VOL,1e4\n"));
  const riskgrid::scenario::factor_set shocked({"EQ.AAPL.SPOT", "EQ.AAPL.VOL"});
  const riskgrid::portfolio::book b(trades, market, shocked, riskgrid::portfolio::book_options{});
  REQUIRE(b.size() == 4);
  CHECK(b.trades()[0].base_value == 2000.0);
  CHECK(b.trades()[1].base_value == 562.5);   // 3 · 150 · 1.25 (EUR → USD, direct)
  CHECK(b.trades()[2].base_value == 1875.0);  // 100 · 3000 / 160 (JPY → USD, inverse)
  CHECK(b.trades()[3].base_value == 0.0);
  CHECK(b.base_value() == 4437.5);
}

TEST_CASE("book rejects an unknown underlying on the trade's line", "[portfolio][book]") {
  const temp_dir dir;
  const auto e = book_error(dir, "BAD,equity,TSLA,USD,5,,");
  CHECK(e.line() == 5);
  CHECK_THAT(e.reason(), Contains("unknown underlying") && Contains("EQ.TSLA.SPOT"));
}

TEST_CASE("book rejects a currency without an FX rate to the base on the trade's line", "[portfolio][book]") {
  const temp_dir dir;
  const auto e = book_error(dir, "BAD,equity,BARC,GBP,5,,");
  CHECK(e.line() == 5);
  CHECK_THAT(e.reason(), Contains("no FX rate from GBP to USD") && Contains("FX.GBPUSD.SPOT") &&
                             Contains("FX.USDGBP.SPOT"));
}

TEST_CASE("book rejects a currency quoted in both FX directions on the trade's line", "[portfolio][book]") {
  const temp_dir dir;
  const auto e = book_error(dir, "BAD,equity,SAP,EUR,5,,", book_market + "FX.USDEUR.SPOT,0.8\n");
  CHECK(e.line() == 5);
  CHECK_THAT(e.reason(), Contains("FX.EURUSD.SPOT") && Contains("FX.USDEUR.SPOT"));
}

TEST_CASE("book rejects a sensitivity to a factor the model does not shock on the trade's line",
          "[portfolio][book]") {
  const temp_dir dir;
  // IR.USD.1Y is in the market but not in the model's factors.
  const auto e = book_error(dir, "BAD,sensitivity,,,,IR.USD.1Y,1e6");
  CHECK(e.line() == 5);
  CHECK_THAT(e.reason(), Contains("IR.USD.1Y") && Contains("not shocked"));
}

TEST_CASE("book rejects an option without its terms on the trade's line", "[portfolio][book]") {
  const temp_dir dir;
  const auto e = book_error(dir, "BAD,european,AAPL,USD,5,,");
  CHECK(e.line() == 5);
  CHECK_THAT(e.reason(), Contains("missing strike"));
}

TEST_CASE("book rejects an equity without quantity or with a bad currency on the trade's line",
          "[portfolio][book]") {
  const temp_dir dir;
  CHECK_THAT(book_error(dir, "BAD,equity,AAPL,USD,,,").reason(), Contains("missing quantity"));
  CHECK_THAT(book_error(dir, "BAD,equity,AAPL,usd,1,,").reason(), Contains("currency"));
  CHECK_THAT(book_error(dir, "BAD,equity,AAPL,USD,1e308,,").reason(), Contains("not finite"));
}

TEST_CASE("book rejects a base currency that is not a currency code as a bad option", "[portfolio][book]") {
  const temp_dir dir;
  const auto market = riskgrid::io::load_market(dir.write("market.csv", book_market));
  const riskgrid::scenario::factor_set shocked({"EQ.AAPL.SPOT"});
  const auto e = input_error_of([&] {
    const riskgrid::portfolio::book b({}, market, shocked, riskgrid::portfolio::book_options{"usd"});
  });
  CHECK(e.source() == "--base-ccy");
  CHECK(e.line() == 0);
}

// --- results JSON --------------------------------------------------------------------------

namespace {

riskgrid::risk::var_es_result measure(const char* alpha, double var, double es) {
  const auto c = riskgrid::confidence::parse(alpha);
  return {.confidence = c, .var = var, .es = es, .var_scenario = 0, .tail = c.tail(20000), .var_ci_low = std::nullopt, .var_ci_high = std::nullopt, .es_stderr = 0.0};
}

riskgrid::io::run_report sample_report() {
  riskgrid::io::run_report r;
  r.as_of = "2026-11-25";
  r.base_currency = "EUR";
  r.model = "gaussian";
  r.scenarios = 20000;
  r.horizon_days = 10;
  r.seed = 18446744073709551615ULL;  // the largest seed survives as an integer
  r.ranks = 3;
  r.threads = 1;
  r.base_value = 0.1 + 0.2;
  r.measures.push_back(measure("0.99", 2915477.9204394156, 1.0 / 3.0));
  r.measures.push_back(measure("0.975", 5e-324, -0.0));
  r.trades.push_back({"T1", "eq_us", riskgrid::portfolio::trade_type::sensitivity, 1e300});
  r.seconds = 0.125;
  r.revaluations_per_second = 3.21e7;
  return r;
}

std::vector<std::string> keys(const nlohmann::ordered_json& j) {
  std::vector<std::string> out;
  for (const auto& item : j.items()) out.push_back(item.key());
  return out;
}

}  // namespace

TEST_CASE("to_json writes the documented keys in the documented order", "[io][results_json]") {
  const auto j = riskgrid::io::to_json(sample_report());
  CHECK(keys(j) == std::vector<std::string>{"version", "as_of", "base_currency", "model", "scenarios",
                                            "horizon_days", "seed", "ranks", "threads", "base_value",
                                            "measures", "pnl", "trades", "timing"});
  CHECK(j["version"] == RISKGRID_VERSION_STRING);
  CHECK(j["as_of"] == "2026-11-25");
  CHECK(j["base_currency"] == "EUR");
  CHECK(j["scenarios"] == 20000);
  CHECK(j["horizon_days"] == 10);
  CHECK(j["seed"].get<std::uint64_t>() == 18446744073709551615ULL);
  CHECK(j["ranks"] == 3);
  REQUIRE(j["measures"].size() == 2);
  CHECK(keys(j["measures"][0]) == std::vector<std::string>{"confidence", "var", "es", "var_ci95", "es_stderr"});
  CHECK(j["measures"][0]["var_ci95"].is_array());
  CHECK(j["measures"][0]["var_ci95"][0].is_null());  // no interval in this hand-made report
  CHECK(keys(j["pnl"]) == std::vector<std::string>{"mean", "stdev", "min", "max"});
  CHECK(j["measures"][1]["confidence"].get<double>() == 0.975);
  REQUIRE(j["trades"].size() == 1);
  CHECK(keys(j["trades"][0]) == std::vector<std::string>{"id", "desk", "type", "base_value"});
  CHECK(j["trades"][0]["type"] == "sensitivity");
  CHECK(keys(j["timing"]) == std::vector<std::string>{"seconds", "revaluations_per_second", "attribution_seconds"});

  // With attribution, each measure gains desks and trades keyed by name.
  auto attributed = sample_report();
  attributed.attribution.resize(attributed.measures.size());
  attributed.attribution[0].desks.push_back({"rates", 1.5, 2.5, 3.0, 4.0});
  attributed.attribution[0].trades.push_back({"T1", 0.5, 0.75, std::nullopt, std::nullopt});
  const auto a = riskgrid::io::to_json(attributed);
  CHECK(keys(a["measures"][0]) ==
        std::vector<std::string>{"confidence", "var", "es", "var_ci95", "es_stderr", "desks", "trades"});
  CHECK(keys(a["measures"][0]["desks"]["rates"]) ==
        std::vector<std::string>{"standalone_var", "standalone_es", "component_var", "component_es"});
  CHECK(a["measures"][0]["desks"]["rates"]["standalone_es"] == 4.0);
  CHECK(a["measures"][0]["trades"]["T1"]["component_es"] == 0.75);
  CHECK(a["measures"][1]["desks"].empty());
}

TEST_CASE("to_json doubles round-trip exactly through the text", "[io][results_json]") {
  const auto r = sample_report();
  for (const int indent : {-1, 2}) {
    const auto text = riskgrid::io::to_json(r).dump(indent);
    CHECK_THAT(text, Contains("0.30000000000000004") && Contains("2915477.9204394156"));
    const auto back = nlohmann::json::parse(text);
    CHECK(back["base_value"].get<double>() == 0.1 + 0.2);
    CHECK(back["measures"][0]["var"].get<double>() == 2915477.9204394156);
    CHECK(back["measures"][0]["es"].get<double>() == 1.0 / 3.0);
    CHECK(back["measures"][0]["confidence"].get<double>() == 0.99);
    CHECK(back["measures"][1]["var"].get<double>() == std::numeric_limits<double>::denorm_min());
    const double negative_zero = back["measures"][1]["es"].get<double>();
    CHECK(negative_zero == 0.0);
    CHECK(std::signbit(negative_zero));
    CHECK(back["trades"][0]["base_value"].get<double>() == 1e300);
    CHECK(back["seed"].get<std::uint64_t>() == 18446744073709551615ULL);
  }
}

TEST_CASE("write_file_atomic replaces the target and leaves no temporary file", "[io][results_json]") {
  const temp_dir dir;
  const auto target = (dir.path() / "out.json").string();
  riskgrid::io::write_file_atomic(target, "first, and longer than the second\n");
  CHECK(read_text(target) == "first, and longer than the second\n");
  riskgrid::io::write_file_atomic(target, "second\n");
  CHECK(read_text(target) == "second\n");  // replaced, not overwritten in place
  CHECK(dir.entries() == std::vector<std::string>{"out.json"});
}

TEST_CASE("write_file_atomic into a missing directory throws and creates nothing", "[io][results_json]") {
  const temp_dir dir;
  const auto target = (dir.path() / "missing" / "out.json").string();
  const auto e = input_error_of([&] { riskgrid::io::write_file_atomic(target, "x"); });
  CHECK(e.source() == target);
  CHECK_THAT(e.reason(), Contains("cannot write"));
  CHECK(dir.entries().empty());
}
