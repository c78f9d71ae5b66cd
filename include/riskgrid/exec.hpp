#pragma once

/// Layer umbrella: chunking, the pipeline and the executors that need no MPI.
/// The MPI executor is in "riskgrid/exec/mpi.hpp" (target riskgrid::mpi).
#include "riskgrid/exec/attribution_job.hpp"
#include "riskgrid/exec/checkpoint.hpp"
#include "riskgrid/exec/chunk_plan.hpp"
#include "riskgrid/exec/concepts.hpp"
#include "riskgrid/exec/elastic.hpp"
#include "riskgrid/exec/incremental_job.hpp"
#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/progress.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/tail_pnl_job.hpp"
#include "riskgrid/exec/threads.hpp"
