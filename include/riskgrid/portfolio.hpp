#pragma once

/// Layer umbrella: trades, books grouped by type, revaluation of shock blocks.
#include "riskgrid/portfolio/book.hpp"
#include "riskgrid/portfolio/sensitivities.hpp"
#include "riskgrid/portfolio/schedule.hpp"
#include "riskgrid/portfolio/trade.hpp"
