#include <riskgrid/portfolio/schedule.hpp>

#include <catch2/catch.hpp>

#include <string>
#include <vector>

namespace rg = riskgrid;

namespace {

rg::date d(const char* iso) { return *rg::parse_iso_date(iso); }

std::vector<std::string> iso(const std::vector<rg::date>& dates) {
  std::vector<std::string> out;
  for (const auto x : dates) out.push_back(rg::format_iso_date(x));
  return out;
}

}  // namespace

TEST_CASE("schedule counts back from maturity and clips the day to the month's length", "[portfolio][schedule]") {
  using v = std::vector<std::string>;
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2027-08-31"), 2)) == v{"2027-02-28", "2027-08-31"});
  // Counted from the maturity each time, so the 31st comes back after a short month.
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2027-03-31"), 12)) ==
        v{"2026-11-30", "2026-12-31", "2027-01-31", "2027-02-28", "2027-03-31"});
  CHECK(iso(rg::portfolio::payment_dates(d("2027-06-01"), d("2028-08-31"), 2)) == v{"2027-08-31", "2028-02-29", "2028-08-31"});
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2028-05-31"), 4)) ==
        v{"2026-11-30", "2027-02-28", "2027-05-31", "2027-08-31", "2027-11-30", "2028-02-29", "2028-05-31"});
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2029-11-24"), 1)) ==
        v{"2027-11-24", "2028-11-24", "2029-11-24"});
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2027-03-15"), 3)) == v{"2027-03-15"});
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2027-01-25"), 6)) == v{"2027-01-25"});
  // A date on the as-of date is not after it: it is not paid.
  CHECK(iso(rg::portfolio::payment_dates(d("2027-02-28"), d("2027-08-31"), 2)) == v{"2027-08-31"});
  CHECK(iso(rg::portfolio::payment_dates(d("2026-11-25"), d("2026-11-26"), 12)) == v{"2026-11-26"});
}

TEST_CASE("fixed leg pays Act/365F coupons from the as-of date and the principal at maturity", "[portfolio][schedule]") {
  const auto flows = rg::portfolio::fixed_leg(d("2026-11-25"), d("2027-08-31"), 2, 1e6, 0.05, 1e6);
  REQUIRE(flows.size() == 2);
  // Short first period 2026-11-25 → 2027-02-28: 95 days; then 2027-02-28 → 2027-08-31: 184 days.
  CHECK(flows[0].payment == d("2027-02-28"));
  CHECK(flows[0].time == 95.0 / 365.0);
  CHECK(flows[0].amount == 1e6 * 0.05 * (95.0 / 365.0));
  CHECK(flows[1].time == 279.0 / 365.0);
  CHECK(flows[1].amount == 1e6 * 0.05 * (184.0 / 365.0) + 1e6);
  const auto swap_leg = rg::portfolio::fixed_leg(d("2026-11-25"), d("2027-08-31"), 2, 1e6, 0.05, 0.0);
  CHECK(swap_leg[1].amount == 1e6 * 0.05 * (184.0 / 365.0));
}
