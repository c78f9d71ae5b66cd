// libFuzzer target: portfolio.csv through io::load_portfolio, then bound to a fixed
// market by portfolio::book (the step that checks underlyings, currencies, curves and
// factors, and prices every trade at the base market), then revalued once with zero
// shocks (fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <string_view>
#include <unordered_set>
#include <vector>

#include "fuzz_common.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/io/market_csv.hpp"
#include "riskgrid/io/portfolio_csv.hpp"
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/shock_block.hpp"

namespace {

// A copy of examples/data/market.csv (fixed here so that a corpus keeps its meaning when
// the sample data is regenerated), plus GBP and CHF curves so every FX pair can bind.
constexpr std::string_view market_csv = R"(factor,value
EQ.AAPL.SPOT,232.45
EQ.AAPL.VOL,0.26
EQ.AAPL.DIV,0.0044
EQ.MSFT.SPOT,478.2
EQ.MSFT.VOL,0.24
EQ.MSFT.DIV,0.007
EQ.NVDA.SPOT,181.3
EQ.NVDA.VOL,0.45
EQ.NVDA.DIV,0.0002
EQ.AMZN.SPOT,221.4
EQ.AMZN.VOL,0.31
EQ.AMZN.DIV,0
EQ.JPM.SPOT,298.6
EQ.JPM.VOL,0.24
EQ.JPM.DIV,0.019
EQ.XOM.SPOT,116.8
EQ.XOM.VOL,0.25
EQ.XOM.DIV,0.034
EQ.JNJ.SPOT,192.4
EQ.JNJ.VOL,0.18
EQ.JNJ.DIV,0.027
EQ.CAT.SPOT,512.3
EQ.CAT.VOL,0.28
EQ.CAT.DIV,0.0115
EQ.SAP.SPOT,246.1
EQ.SAP.VOL,0.28
EQ.SAP.DIV,0.01
EQ.ASML.SPOT,812.4
EQ.ASML.VOL,0.36
EQ.ASML.DIV,0.0095
EQ.SIEMENS.SPOT,221.7
EQ.SIEMENS.VOL,0.25
EQ.SIEMENS.DIV,0.024
EQ.LVMH.SPOT,612.9
EQ.LVMH.VOL,0.3
EQ.LVMH.DIV,0.021
EQ.TOTAL.SPOT,54.35
EQ.TOTAL.VOL,0.24
EQ.TOTAL.DIV,0.0395
EQ.BNP.SPOT,72.48
EQ.BNP.VOL,0.29
EQ.BNP.DIV,0.038
EQ.SHELL.SPOT,27.42
EQ.SHELL.VOL,0.23
EQ.SHELL.DIV,0.0385
EQ.HSBC.SPOT,9.86
EQ.HSBC.VOL,0.24
EQ.HSBC.DIV,0.037
EQ.AZN.SPOT,118.6
EQ.AZN.VOL,0.22
EQ.AZN.DIV,0.019
EQ.TOYOTA.SPOT,2875
EQ.TOYOTA.VOL,0.29
EQ.TOYOTA.DIV,0.029
EQ.SONY.SPOT,3912
EQ.SONY.VOL,0.33
EQ.SONY.DIV,0.006
EQ.NESTLE.SPOT,79.84
EQ.NESTLE.VOL,0.18
EQ.NESTLE.DIV,0.0385
EQ.NOVARTIS.SPOT,96.52
EQ.NOVARTIS.VOL,0.19
EQ.NOVARTIS.DIV,0.0355
EQ.UBS.SPOT,31.27
EQ.UBS.VOL,0.32
EQ.UBS.DIV,0.022
FX.EURUSD.SPOT,1.163
FX.EURUSD.VOL,0.072
FX.GBPUSD.SPOT,1.315
FX.GBPUSD.VOL,0.078
FX.USDJPY.SPOT,154.2
FX.USDJPY.VOL,0.098
FX.USDCHF.SPOT,0.802
FX.USDCHF.VOL,0.075
IR.USD.1M,0.0382
IR.USD.3M,0.0375
IR.USD.6M,0.0364
IR.USD.1Y,0.0351
IR.USD.2Y,0.0342
IR.USD.3Y,0.0344
IR.USD.5Y,0.0358
IR.USD.7Y,0.0374
IR.USD.10Y,0.0395
IR.USD.20Y,0.0436
IR.USD.30Y,0.0441
IR.EUR.1M,0.0193
IR.EUR.3M,0.0195
IR.EUR.6M,0.0198
IR.EUR.1Y,0.0203
IR.EUR.2Y,0.0212
IR.EUR.3Y,0.0222
IR.EUR.5Y,0.0241
IR.EUR.7Y,0.0258
IR.EUR.10Y,0.0276
IR.EUR.20Y,0.0302
IR.EUR.30Y,0.0295
IR.JPY.1M,0.0048
IR.JPY.3M,0.0055
IR.JPY.6M,0.0064
IR.JPY.1Y,0.0078
IR.JPY.2Y,0.0096
IR.JPY.3Y,0.0109
IR.JPY.5Y,0.0131
IR.JPY.7Y,0.015
IR.JPY.10Y,0.0176
IR.JPY.20Y,0.0248
IR.JPY.30Y,0.0289
IR.GBP.1Y,0.0410
IR.GBP.10Y,0.0445
IR.CHF.1Y,0.0050
IR.CHF.10Y,0.0090
)";

struct fixture {
  riskgrid::market::base_market market;
  riskgrid::scenario::factor_set shocked;
  riskgrid::portfolio::book_options options;
};

const fixture& fixed() {
  static const fixture f = [] {
    fixture x;
    x.market = riskgrid::io::load_market(riskgrid::io::csv_table::parse(market_csv, "market.csv"));
    std::vector<std::string> names;
    for (std::size_t i = 0; i < x.market.size(); ++i) names.push_back(x.market.name(i));
    x.shocked = riskgrid::scenario::factor_set(std::move(names));
    x.options.base_currency = "USD";
    x.options.as_of = riskgrid::parse_iso_date("2026-11-25");
    return x;
  }();
  return f;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  (void)fixed();
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  fuzz::run(data, size, io::header_case::insensitive, [](const io::csv_table& table) {
    const auto trades = io::load_portfolio(table);
    RISKGRID_FUZZ_CHECK(trades.size() == table.rows().size(), "trade count != data rows");
    std::unordered_set<std::string> ids;
    for (std::size_t i = 0; i < trades.size(); ++i) {
      const auto& t = trades[i];
      RISKGRID_FUZZ_CHECK(!t.id.empty() && ids.insert(t.id).second, "empty or duplicate id '" + t.id + "'");
      RISKGRID_FUZZ_CHECK(t.source == fuzz::source_name && t.line == table.rows()[i].line, "trade source/line");
    }
    const auto& f = fixed();
    const portfolio::book b(trades, f.market, f.shocked, f.options);
    RISKGRID_FUZZ_CHECK(b.size() == trades.size(), "book size != trade count");
    for (const auto& s : b.trades()) RISKGRID_FUZZ_CHECK(std::isfinite(s.base_value), "trade " + s.id);
    // A scenario without shocks has a P&L of exactly 0 (portfolio::book).
    constexpr std::size_t scenarios = 3;
    scenario::shock_block block(f.shocked.size(), scenarios);
    block.reset({0, scenarios});
    std::vector<double> pnl(scenarios, 1.0);
    b.revalue(block, pnl);
    for (const double p : pnl) RISKGRID_FUZZ_CHECK(p == 0.0, "zero-shock P&L " + std::to_string(p));
  });
  return 0;
}
