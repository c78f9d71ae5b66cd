#pragma once

/// Layer umbrella: risk measures over P&L (depends on core only).
#include "riskgrid/risk/attribution.hpp"
#include "riskgrid/risk/backtest.hpp"
#include "riskgrid/risk/bounded_var_es.hpp"
#include "riskgrid/risk/coverage_test.hpp"
#include "riskgrid/risk/frtb.hpp"
#include "riskgrid/risk/histogram.hpp"
#include "riskgrid/risk/pla.hpp"
#include "riskgrid/risk/pnl_moments.hpp"
#include "riskgrid/risk/rank_selection_pass.hpp"
#include "riskgrid/risk/tail_keeper.hpp"
#include "riskgrid/risk/tail_sums.hpp"
#include "riskgrid/risk/var_es.hpp"
#include "riskgrid/risk/var_es_aggregator.hpp"
