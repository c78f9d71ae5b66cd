#pragma once

/// Umbrella header of riskgrid's core (no MPI): include "riskgrid/exec/mpi.hpp" and
/// link riskgrid::mpi for the MPI executor.
#include "riskgrid/core.hpp"
#include "riskgrid/exec.hpp"
#include "riskgrid/io.hpp"
#include "riskgrid/market.hpp"
#include "riskgrid/portfolio.hpp"
#include "riskgrid/pricing.hpp"
#include "riskgrid/random.hpp"
#include "riskgrid/risk.hpp"
#include "riskgrid/scenario.hpp"
#include "riskgrid/version.hpp"
