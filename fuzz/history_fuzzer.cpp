// libFuzzer target: history.csv through io::load_history (fuzz/README.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "riskgrid/io/history_csv.hpp"
#include "riskgrid/scenario/history.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  // The programs read history.csv with case-sensitive names (factor names).
  fuzz::run(data, size, io::header_case::sensitive, [](const io::csv_table& table) {
    const auto h = io::load_history(table);
    RISKGRID_FUZZ_CHECK(h.factors.size() + 1 == table.header().size(), "factor count != header columns - 1");
    RISKGRID_FUZZ_CHECK(h.dates.size() == table.rows().size(), "day count != data rows");
    RISKGRID_FUZZ_CHECK(h.shocks.size() == h.dates.size() * h.factors.size(), "shock count");
    // load_history promises a result that satisfies scenario::check_history.
    try {
      scenario::check_history(h);
    } catch (const error& e) {
      RISKGRID_FUZZ_CHECK(false, std::string("check_history refused a loaded history: ") + e.what());
    }
  });
  return 0;
}
