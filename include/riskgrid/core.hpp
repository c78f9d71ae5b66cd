#pragma once

/// Layer umbrella: vocabulary types shared by every other layer.
#include "riskgrid/core/assert.hpp"
#include "riskgrid/core/byte_buffer.hpp"
#include "riskgrid/core/concepts.hpp"
#include "riskgrid/core/confidence.hpp"
#include "riskgrid/core/date.hpp"
#include "riskgrid/core/error.hpp"
#include "riskgrid/core/exact_sum.hpp"
#include "riskgrid/core/format.hpp"
#include "riskgrid/core/pnl_block.hpp"
#include "riskgrid/core/scenario_range.hpp"
