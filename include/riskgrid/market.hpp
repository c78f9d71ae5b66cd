#pragma once

/// Layer umbrella: market factors, the base market and its shocked views.
#include "riskgrid/market/base_market.hpp"
#include "riskgrid/market/market_view.hpp"
#include "riskgrid/market/risk_factor.hpp"
#include "riskgrid/market/zero_curve.hpp"
