// libFuzzer target: market.csv through io::load_market, then what binding a book does
// with a market: a zero curve per currency and the FX quote to USD (fuzz/README.md).
#include <cstddef>
#include <cstdint>
#include <unordered_set>

#include "fuzz_common.hpp"
#include "riskgrid/io/market_csv.hpp"
#include "riskgrid/market/zero_curve.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  fuzz::run(data, size, io::header_case::insensitive, [](const io::csv_table& table) {
    const auto m = io::load_market(table);
    // One factor per data row, all distinct, finite, found by name.
    RISKGRID_FUZZ_CHECK(m.size() == table.rows().size(), "factor count != data rows");
    std::unordered_set<std::string> names;
    for (std::size_t i = 0; i < m.size(); ++i) {
      RISKGRID_FUZZ_CHECK(std::isfinite(m.value(i)), m.name(i));
      RISKGRID_FUZZ_CHECK(names.insert(m.name(i)).second, m.name(i));
      RISKGRID_FUZZ_CHECK(m.find(m.name(i)) == i, m.name(i));
    }
    for (std::size_t i = 0; i < m.size(); ++i) {
      const auto& f = m.factor(i);
      if (f.kind == market::factor_kind::zero_rate) {
        try {
          const market::zero_curve c(m, f.subject);
          for (const double t : {0.0, 0.01, 0.5, 1.0, 7.3, 30.0, 1e4}) {
            const auto p = c.locate(t);
            RISKGRID_FUZZ_CHECK(p.first < c.size() && p.second < c.size() && p.weight >= 0.0 &&
                                    p.weight <= 1.0 && std::isfinite(c.zero_rate(t)),
                                m.name(i));
          }
        } catch (const error&) {
          // e.g. two pillars at the same time: the book reports it on the trade.
        }
      } else if (f.kind == market::factor_kind::fx_spot) {
        for (const std::string_view ccy : {std::string_view(f.subject).substr(0, 3), std::string_view(f.subject).substr(3)}) {
          try {
            (void)m.fx_to_base(ccy, "USD");
          } catch (const error&) {
          }
        }
      }
    }
  });
  return 0;
}
