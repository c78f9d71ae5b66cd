#pragma once

/// Layer umbrella: CSV loaders with precise errors, results JSON, the SVG histogram.
/// Nothing in the core includes it.
#include "riskgrid/io/backtest_csv.hpp"
#include "riskgrid/io/covariance_csv.hpp"
#include "riskgrid/io/csv_table.hpp"
#include "riskgrid/io/factors_csv.hpp"
#include "riskgrid/io/history_csv.hpp"
#include "riskgrid/io/market_csv.hpp"
#include "riskgrid/io/parse.hpp"
#include "riskgrid/io/pla_csv.hpp"
#include "riskgrid/io/pla_csv_writer.hpp"
#include "riskgrid/io/portfolio_csv.hpp"
#include "riskgrid/io/results_json.hpp"
#include "riskgrid/io/svg_histogram.hpp"
