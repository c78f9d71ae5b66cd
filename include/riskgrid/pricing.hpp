#pragma once

/// Layer umbrella: pricers, one template per instrument over the value type.
#include "riskgrid/pricing/equity.hpp"
#include "riskgrid/pricing/option_type.hpp"
#include "riskgrid/pricing/sensitivity.hpp"
