#pragma once

/// \file
/// Umbrella header of the random layer: Philox4x32-10 streams and normal draws.

#include "riskgrid/random/normal.hpp"
#include "riskgrid/random/philox.hpp"
