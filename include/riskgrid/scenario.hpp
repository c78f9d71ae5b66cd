#pragma once

/// Layer umbrella: risk-factor scenario generators.
#include "riskgrid/scenario/bootstrap_model.hpp"
#include "riskgrid/scenario/concepts.hpp"
#include "riskgrid/scenario/covariance.hpp"
#include "riskgrid/scenario/factor_set.hpp"
#include "riskgrid/scenario/filtered_historical_model.hpp"
#include "riskgrid/scenario/gaussian_model.hpp"
#include "riskgrid/scenario/historical_model.hpp"
#include "riskgrid/scenario/history.hpp"
#include "riskgrid/scenario/nearest_correlation.hpp"
#include "riskgrid/scenario/shock_block.hpp"
#include "riskgrid/scenario/student_t_model.hpp"
#include "riskgrid/scenario/subset_historical_model.hpp"
