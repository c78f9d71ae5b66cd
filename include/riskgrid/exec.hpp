#pragma once

/// Layer umbrella: chunking, the pipeline and the executors that need no MPI.
/// The MPI executor is in "riskgrid/exec/mpi.hpp" (target riskgrid::mpi).
#include "riskgrid/exec/chunk_plan.hpp"
#include "riskgrid/exec/concepts.hpp"
#include "riskgrid/exec/pipeline.hpp"
#include "riskgrid/exec/serial.hpp"
#include "riskgrid/exec/threads.hpp"
