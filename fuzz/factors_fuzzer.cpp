// libFuzzer target: factors.csv (FRTB) through io::load_factors (fuzz/README.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "riskgrid/io/factors_csv.hpp"
#include "riskgrid/risk/frtb.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  fuzz::run(data, size, io::header_case::insensitive, [](const io::csv_table& table) {
    const auto t = io::load_factors(table, io::factors_options{"USD"});
    RISKGRID_FUZZ_CHECK(t.size() == table.rows().size(), "factor count != data rows");
    for (std::size_t i = 0; i < t.size(); ++i) {
      const auto& f = t.entries()[i];
      RISKGRID_FUZZ_CHECK(f.line == table.rows()[i].line, f.name);
      RISKGRID_FUZZ_CHECK(t.find(f.name) == &f, f.name);
      RISKGRID_FUZZ_CHECK(risk::frtb::is_liquidity_horizon(f.liquidity_horizon), f.name);
      RISKGRID_FUZZ_CHECK(!f.reduced_set || f.modellable, f.name);
      RISKGRID_FUZZ_CHECK(!f.idiosyncratic || f.cls == risk::frtb::risk_class::equity ||
                              f.cls == risk::frtb::risk_class::credit,
                          f.name);
    }
  });
  return 0;
}
