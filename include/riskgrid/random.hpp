#pragma once

/// \file
/// Umbrella header of the random layer: Philox4x32-10 streams (scalar and SIMD batches),
/// normal, gamma and chi-square draws, Sobol' points.

#include "riskgrid/random/gamma.hpp"
#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
#include "riskgrid/random/philox_batch.hpp"
#include "riskgrid/random/sobol.hpp"
