#include <cmath>
#include <cstddef>
#include <string>
#include <vector>

#include <catch2/catch.hpp>

#include "riskgrid/core/date.hpp"
#include "riskgrid/scenario/filtered_historical_model.hpp"
#include "riskgrid/scenario/history.hpp"

namespace rg = riskgrid;
using rg::scenario::filtered_historical_model;
using rg::scenario::history;
using rg::scenario::shock_block;

namespace {

// `rows` consecutive days from 2026-01-01 with the given columns.
history make_history(std::vector<std::string> names, const std::vector<std::vector<double>>& columns) {
  history h;
  h.factors = rg::scenario::factor_set(std::move(names));
  const auto rows = columns.front().size();
  const auto start = *rg::parse_iso_date("2026-01-01");
  for (std::size_t r = 0; r < rows; ++r) {
    h.dates.push_back(start + std::chrono::days(static_cast<int>(r)));
    for (const auto& c : columns) h.shocks.push_back(c[r]);
  }
  return h;
}

bool close(double a, double b, double rel) { return std::abs(a - b) <= rel * std::abs(b); }

}  // namespace

TEST_CASE("FHS rescales each day by the current EWMA vol over the day's own vol (4 rows by hand)",
          "[scenario][filtered_historical]") {
  // r = 1%, −1%, 2%, −2%; λ = 0.5. In units of 1e-4:
  //   seed: σ²_0 = (1 + 1 + 4 + 4)/4 = 2.5 (mean square of min(4, 30) rows)
  //   σ²_1 = 0.5·2.5 + 0.5·1 = 1.75,  σ²_2 = 0.5·1.75 + 0.5·1 = 1.375,
  //   σ²_3 = 0.5·1.375 + 0.5·4 = 2.6875,  σ²_4 = 0.5·2.6875 + 0.5·4 = 3.34375 (tomorrow).
  const std::vector<double> r{0.01, -0.01, 0.02, -0.02};
  const auto h = make_history({"EQ.A.SPOT", "EQ.FLAT.SPOT"}, {r, {0.0, 0.0, 0.0, 0.0}});
  const double var[5] = {2.5e-4, 1.75e-4, 1.375e-4, 2.6875e-4, 3.34375e-4};

  const filtered_historical_model model(h, {.ewma = {.decay = 0.5, .seed_rows = 30}, .horizon_days = 1});
  CHECK(close(model.current_volatility(0), std::sqrt(var[4]), 1e-15));
  for (std::size_t t = 0; t < 4; ++t) {
    INFO("row " << t);
    CHECK(close(model.daily_shock(t, 0), r[t] * std::sqrt(var[4] / var[t]), 1e-14));
  }
  // A factor that never moves: zero vol, zero shocks, no NaN.
  CHECK(model.current_volatility(1) == 0.0);
  for (std::size_t t = 0; t < 4; ++t) CHECK(model.daily_shock(t, 1) == 0.0);

  // Scenarios are overlapping sums of the rescaled rows, like historical simulation.
  const filtered_historical_model two_day(h, {.ewma = {.decay = 0.5, .seed_rows = 30}, .horizon_days = 2});
  REQUIRE(two_day.scenario_count() == 3);
  shock_block block(2, 3);
  two_day.generate({0, 3}, block);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(block.factor(0)[i] == model.daily_shock(i, 0) + model.daily_shock(i + 1, 0));
    CHECK(block.factor(1)[i] == 0.0);
  }
  CHECK(two_day.scenario_date(2) == h.dates[3]);

  // Seeding from the first 2 rows only: σ²_0 = (1 + 1)/2 = 1, σ²_1 = 1, σ²_2 = 1,
  // σ²_3 = 0.5·1 + 0.5·4 = 2.5, σ²_4 = 0.5·2.5 + 0.5·4 = 3.25.
  const filtered_historical_model seeded(h, {.ewma = {.decay = 0.5, .seed_rows = 2}, .horizon_days = 1});
  const double var2[5] = {1e-4, 1e-4, 1e-4, 2.5e-4, 3.25e-4};
  CHECK(close(seeded.current_volatility(0), std::sqrt(var2[4]), 1e-15));
  for (std::size_t t = 0; t < 4; ++t) CHECK(close(seeded.daily_shock(t, 0), r[t] * std::sqrt(var2[4] / var2[t]), 1e-14));
}

TEST_CASE("When the vol doubles in the second half, FHS shocks take the current vol",
          "[scenario][filtered_historical]") {
  // 500 days of ±1%, then 500 days of ±2%, alternating signs.
  const std::size_t half = 500;
  std::vector<double> r;
  for (std::size_t t = 0; t < 2 * half; ++t) r.push_back((t % 2 == 0 ? 1.0 : -1.0) * (t < half ? 0.01 : 0.02));
  const auto h = make_history({"EQ.A.SPOT"}, {r});
  const filtered_historical_model model(h, {.ewma = {.decay = 0.94, .seed_rows = 30}, .horizon_days = 1});

  // σ²_t = 4e-4 − 3e-4·0.94^(t − 500) after the break: 0.94^500 ≈ 4e-14 from 2%.
  const double now = model.current_volatility(0);
  CHECK(close(now, 0.02, 1e-12));
  // First half: σ_t = 1% exactly in exact arithmetic (seed and recursion at 1e-4), so
  // every rescaled shock is ±σ_T: the calm days are scaled up to today's vol.
  double first_half = 0.0, last_250 = 0.0, all = 0.0, raw = 0.0;
  for (std::size_t t = 0; t < 2 * half; ++t) {
    const double x = model.daily_shock(t, 0);
    if (t < half) {
      CHECK(close(std::abs(x), now, 1e-12));
      first_half += x * x;
    }
    if (t >= 2 * half - 250) last_250 += x * x;
    all += x * x;
    raw += r[t] * r[t];
  }
  CHECK(close(first_half / half, now * now, 1e-12));
  // Last 250 days: 0.94^250 ≈ 2e-7, so σ_t is 2% to 1e-6.
  CHECK(close(last_250 / 250, now * now, 1e-6));
  // Whole history, closed form: z_t² = 1 before the break and 4/(4 − 3·0.94^k) on day
  // 500 + k, so the mean square is σ_T²·(1 + Σ_k 3·0.94^k/(4 − 3·0.94^k)/1000) ≈ 1.024·σ_T²;
  // the raw shocks' mean square is 2.5e-4, 37.5% below σ_T².
  double transient = 0.0;
  for (std::size_t k = 0; k < half; ++k) {
    const double decayed = std::pow(0.94, static_cast<double>(k));
    transient += 3.0 * decayed / (4.0 - 3.0 * decayed);
  }
  CHECK(transient == Approx(23.97).margin(0.01));
  CHECK(close(all / (2.0 * half), now * now * (1.0 + transient / (2.0 * half)), 1e-9));
  CHECK(close(raw / (2.0 * half), 2.5e-4, 1e-12));
}

TEST_CASE("FHS gives finite shocks for a factor that starts moving late", "[scenario][filtered_historical]") {
  // Zero for the first 40 days (seed window and early days: σ_t = 0), then ±0.5%.
  std::vector<double> r(100, 0.0);
  for (std::size_t t = 40; t < 100; ++t) r[t] = (t % 2 == 0 ? 0.005 : -0.005);
  const auto h = make_history({"EQ.NEW.SPOT"}, {r});
  const filtered_historical_model model(h, {.ewma = {.decay = 0.94, .seed_rows = 30}, .horizon_days = 5});
  for (std::size_t t = 0; t <= 40; ++t) CHECK(model.daily_shock(t, 0) == 0.0);
  for (std::size_t t = 41; t < 100; ++t) CHECK(std::isfinite(model.daily_shock(t, 0)));
  CHECK(model.daily_shock(41, 0) != 0.0);
  shock_block block(1, 96);
  model.generate({0, 96}, block);
  for (const double x : block.factor(0)) CHECK(std::isfinite(x));
}

TEST_CASE("FHS refuses a decay outside (0, 1), no seed rows and a horizon longer than the history",
          "[scenario][filtered_historical][errors]") {
  const auto h = make_history({"EQ.A.SPOT"}, {{0.01, -0.02, 0.03}});
  for (const double decay : {0.0, 1.0, -0.5, 1.5, std::nan("")}) {
    INFO("decay " << decay);
    CHECK_THROWS_WITH(filtered_historical_model(h, {.ewma = {.decay = decay, .seed_rows = 30}, .horizon_days = 1}),
                      Catch::Contains("0 < lambda < 1"));
  }
  CHECK_THROWS_AS(filtered_historical_model(h, {.ewma = {.decay = 0.9, .seed_rows = 0}, .horizon_days = 1}),
                  riskgrid::error);
  CHECK_THROWS_WITH(filtered_historical_model(h, {.ewma = {}, .horizon_days = 4}),
                    Catch::Contains("zero scenarios: horizon 4 days longer than the history of 3 rows"));
  CHECK_THROWS_AS(filtered_historical_model(h, {.ewma = {}, .horizon_days = 0}), riskgrid::error);
}
