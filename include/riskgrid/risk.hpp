#pragma once

/// Layer umbrella: risk measures over P&L (depends on core only).
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
