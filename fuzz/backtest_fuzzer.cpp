// libFuzzer target: backtest.csv through io::load_backtest, then risk::backtest on what
// it loaded (fuzz/README.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "riskgrid/io/backtest_csv.hpp"
#include "riskgrid/risk/backtest.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  fuzz::run(data, size, io::header_case::insensitive, [](const io::csv_table& table) {
    const auto in = io::load_backtest(table);
    const auto n = table.rows().size();
    const auto& s = in.series;
    RISKGRID_FUZZ_CHECK(in.dates.size() == n && in.lines.size() == n, "day count != data rows");
    RISKGRID_FUZZ_CHECK(s.pnl.size() == n && s.var_99.size() == n && s.var_975.size() == n, "series length");
    RISKGRID_FUZZ_CHECK(s.hpl.size() == (table.column("hpl") ? n : 0), "hpl length");
    for (std::size_t t = 0; t < n; ++t) {
      RISKGRID_FUZZ_CHECK(t == 0 || in.dates[t - 1] < in.dates[t], "dates not strictly increasing");
      for (const auto* v : {&s.pnl[t], &s.var_99[t], &s.var_975[t]})
        RISKGRID_FUZZ_CHECK(!*v || std::isfinite(**v), "non-finite value");
    }
    // What riskgrid-backtest does next: may refuse (riskgrid::error), must not crash.
    (void)risk::backtest(s);
  });
  return 0;
}
