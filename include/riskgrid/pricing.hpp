#pragma once

/// Layer umbrella: pricers, one template per instrument over the value type.
#include "riskgrid/pricing/american.hpp"
#include "riskgrid/pricing/barrier.hpp"
#include "riskgrid/pricing/bivariate_normal.hpp"
#include "riskgrid/pricing/black_scholes.hpp"
#include "riskgrid/pricing/bond.hpp"
#include "riskgrid/pricing/digital.hpp"
#include "riskgrid/pricing/equity.hpp"
#include "riskgrid/pricing/forward.hpp"
#include "riskgrid/pricing/option_type.hpp"
#include "riskgrid/pricing/sensitivity.hpp"
#include "riskgrid/pricing/swap.hpp"
