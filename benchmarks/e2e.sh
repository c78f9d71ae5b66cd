#!/bin/sh
# End-to-end sweep (issue 8): riskgrid-var on the bundled sample book (582 trades, the
# Gaussian model on its 87 factors) for N = 10^4 … 10^7 under mpirun, one line per run:
# ranks, N, pipeline seconds (the JSON's timing.seconds), revaluations per second and
# per core-second of the pipeline, attribution seconds, peak RSS of rank 0 (from
# /usr/bin/time when installed), and the VaR/ES measures' checksum (equal lines = the
# same bits). Usage:
#   sh benchmarks/e2e.sh [BUILD_DIR] [RANKS] [MAX_N] [extra riskgrid-var options]
# e.g. `sh benchmarks/e2e.sh build 2 10000000 --attribution none`.
set -eu
here=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-build}
ranks=${2:-$(nproc)}
max_n=${3:-1000000}
[ $# -gt 3 ] && shift 3 || shift $#
data="$here/examples/data"
if [ "$(id -u)" -eq 0 ]; then
  export OMPI_ALLOW_RUN_AS_ROOT=1 OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1
fi
export OMPI_MCA_rmaps_base_oversubscribe=1
out=$(mktemp -d)
trap 'rm -rf "$out"' EXIT
timer=""
[ -x /usr/bin/time ] && timer="/usr/bin/time -f %M -o $out/rss"
printf '%5s %9s %10s %12s %15s %10s %8s  %s\n' ranks N pipeline_s revals/s revals/core-s attrib_s rss_MB measures
n=10000
while [ "$n" -le "$max_n" ]; do
  # shellcheck disable=SC2086
  mpirun -np "$ranks" $timer "$build/examples/riskgrid-var" \
    --portfolio "$data/portfolio.csv" --market "$data/market.csv" --covariance "$data/covariance.csv" \
    --as-of 2026-11-25 --scenarios "$n" --quiet --out "$out/r.json" "$@"
  python3 - "$out/r.json" "$ranks" "$n" "$out/rss" <<'EOF'
import hashlib, json, os, sys
path, ranks, n, rss = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
r = json.load(open(path))
t = r["timing"]
kb = open(rss).read().split()[-1] if os.path.exists(rss) else "nan"
digest = hashlib.sha256(json.dumps(r["measures"], sort_keys=True).encode()).hexdigest()[:12]
print("%5d %9d %10.3f %12.4g %15.4g %10.3f %8.1f  %s" % (
    ranks, n, t["seconds"], t["revaluations_per_second"], t["revaluations_per_second"] / ranks,
    t.get("attribution_seconds", 0.0), float(kb) / 1024.0, digest))
EOF
  n=$((n * 10))
done
