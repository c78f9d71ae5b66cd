#!/bin/sh
# Runs riskgrid-var on the bundled sample book under mpirun on all cores, prints its
# VaR/ES table and writes riskgrid-var.json and the P&L histogram riskgrid-var.svg (the
# picture in docs/sample-pnl.svg). Usage: sh examples/run-sample.sh [BUILD_DIR] [extra
# riskgrid-var options]
set -eu
here=$(cd "$(dirname "$0")" && pwd)
build=${1:-build}
[ $# -gt 0 ] && shift
data="$here/data"
# mpirun refuses root unless told; more ranks than cores need --oversubscribe.
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
exec mpirun -np "$(nproc)" "$build/examples/riskgrid-var" \
  --portfolio "$data/portfolio.csv" --market "$data/market.csv" \
  --covariance "$data/covariance.csv" --as-of 2026-11-25 --base-ccy USD \
  --scenarios 1000000 --confidence 0.99,0.975 --seed 42 --horizon-days 1 \
  --out riskgrid-var.json --plot riskgrid-var.svg "$@"
