// libFuzzer target: pla.csv through io::load_pla, then risk::pla_test on what it loaded
// (fuzz/README.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "riskgrid/io/pla_csv.hpp"
#include "riskgrid/risk/pla.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  fuzz::run(data, size, io::header_case::insensitive, [](const io::csv_table& table) {
    const auto in = io::load_pla(table);
    const auto n = table.rows().size();
    RISKGRID_FUZZ_CHECK(in.dates.size() == n && in.lines.size() == n, "day count != data rows");
    RISKGRID_FUZZ_CHECK(in.hpl.size() == n && in.rtpl.size() == n, "series length");
    RISKGRID_FUZZ_CHECK(fuzz::all_finite(in.hpl.data(), n) && fuzz::all_finite(in.rtpl.data(), n), "non-finite value");
    for (std::size_t t = 1; t < n; ++t)
      RISKGRID_FUZZ_CHECK(in.dates[t - 1] < in.dates[t], "dates not strictly increasing");
    // What riskgrid-pla does next: may refuse (riskgrid::error), must not crash.
    (void)risk::pla_test(in.hpl, in.rtpl);
  });
  return 0;
}
