// libFuzzer target: covariance.csv through io::load_covariance, then the model's
// scenario::check_covariance (fuzz/README.md).
#include <cstddef>
#include <cstdint>

#include "fuzz_common.hpp"
#include "riskgrid/io/covariance_csv.hpp"
#include "riskgrid/scenario/covariance.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace riskgrid;
  // The programs read covariance.csv with case-sensitive names (factor names).
  fuzz::run(data, size, io::header_case::sensitive, [](const io::csv_table& table) {
    const auto c = io::load_covariance(table);
    const auto n = c.factors.size();
    RISKGRID_FUZZ_CHECK(n + 1 == table.header().size(), "factor count != header columns - 1");
    RISKGRID_FUZZ_CHECK(n == table.rows().size(), "factor count != data rows");
    RISKGRID_FUZZ_CHECK(static_cast<std::size_t>(c.matrix.rows()) == n &&
                            static_cast<std::size_t>(c.matrix.cols()) == n,
                        "matrix shape");
    RISKGRID_FUZZ_CHECK(fuzz::all_finite(c.matrix.data(), n * n), "non-finite entry");
    for (std::size_t i = 0; i < n; ++i) {
      const auto ii = static_cast<Eigen::Index>(i);
      RISKGRID_FUZZ_CHECK(c.matrix(ii, ii) >= 0.0, "negative variance accepted");
    }
    // What the models do next: check (may refuse with model_error), then factorize.
    scenario::check_covariance(c);
    for (std::size_t i = 0; i < n; ++i)
      for (std::size_t j = 0; j < i; ++j) {
        const auto ii = static_cast<Eigen::Index>(i), jj = static_cast<Eigen::Index>(j);
        // DESIGN.md §6: symmetric to 1e-12 relative (the scale written so it cannot overflow).
        const double scale = std::sqrt(c.matrix(ii, ii)) * std::sqrt(c.matrix(jj, jj));
        RISKGRID_FUZZ_CHECK(std::abs(c.matrix(ii, jj) - c.matrix(jj, ii)) <= 1e-12 * scale,
                            "asymmetric matrix accepted at (" + c.factors.name(i) + ", " + c.factors.name(j) + ")");
      }
    const auto f = scenario::pivoted_cholesky(c.matrix);
    RISKGRID_FUZZ_CHECK(static_cast<std::size_t>(f.loadings.rows()) == n && f.leading.size() == n, "factor shape");
    RISKGRID_FUZZ_CHECK(fuzz::all_finite(f.loadings.data(), static_cast<std::size_t>(f.loadings.size())),
                        "non-finite loading");
  });
  return 0;
}
