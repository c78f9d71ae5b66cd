#!/usr/bin/env bash
# riskgrid-var --memory-budget (issue 6, memory per rank independent of N):
#  - over the budget, the multi-pass bounded-memory mode gives the JSON measures and P&L
#    summary of the in-memory mode to the byte, alone, with 2 threads and at -n 2 (both
#    schedules), and says so on stderr;
#  - --plot draws the same SVG in both modes;
#  - a budget the tail fits leaves the default run (attribution included) unchanged;
#  - features that need the whole tail are refused at startup with one error line.
#
# Usage: riskgrid_var_memory_test.sh RISKGRID_VAR MPIEXEC DATA_DIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
data=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-var-memory-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# Every eighth trade of the sample (all types), 8,000 scenarios in chunks of 1,000: the
# in-memory tail (down to the 90% VaR's rank 801 plus its attribution window) needs
# 32 B x 830 = 27 kB, so 0.002 MB (125 entries, 13 for each of the 9 ranks to select)
# forces histogram passes before the collecting one.
awk 'NR == 1 || NR % 8 == 2' "$data/portfolio.csv" >"$work/portfolio.csv"
run=(--portfolio "$work/portfolio.csv" --market "$data/market.csv" --covariance "$data/covariance.csv"
     --as-of 2026-11-25 --scenarios 8000 --chunk-size 1000 --confidence 0.99,0.975,0.9)

problems=()
"$var" "${run[@]}" --threads 1 --attribution none --quiet --out "$work/memory.json" 2>"$work/memory.stderr" ||
  problems+=("in-memory run failed: $(head -n 2 "$work/memory.stderr")")
declare -A launches=(
  [alone]="$var --threads 1"
  [threads2]="$var --threads 2"
  [np2]="$mpiexec -n 2 $var --threads 1"
  [np2dynamic]="$mpiexec -n 2 $var --threads 1 --schedule dynamic"
)
for name in alone threads2 np2 np2dynamic; do
  # shellcheck disable=SC2086
  if ! ${launches[$name]} "${run[@]}" --attribution none --memory-budget 0.002 --out "$work/$name.json" \
      >"$work/$name.stdout" 2>"$work/$name.stderr"; then
    problems+=("$name: failed: $(grep -m 2 . "$work/$name.stderr")")
    continue
  fi
  grep -q "^note: --memory-budget: .* by exact selection in [3-9] passes" "$work/$name.stderr" ||
    problems+=("$name: no note of at least 3 bounded-memory passes on stderr")
  [[ -s $work/memory.json ]] || continue
  for key in measures pnl; do
    [[ $(json_value "$work/$name.json" "$key") == "$(json_value "$work/memory.json" "$key")" ]] ||
      problems+=("$name: $key differ from the in-memory run")
  done
done
if [[ -s $work/memory.json ]]; then
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["measures"]
assert len(m) == 3 and all(x["var"] > 0 and x["es"] > x["var"] and x["es_stderr"] > 0 for x in m), m' \
    "$work/memory.json" || problems+=("the in-memory measures are not three positive VaR < ES levels")
fi
report "--memory-budget over the tail gives the in-memory JSON measures to the byte (alone, 2 threads, -n 2)" \
  ${problems[@]+"${problems[@]}"}

problems=()
for mode in memory bounded; do
  budget=()
  [[ $mode == memory ]] || budget=(--memory-budget 0.002)
  "$var" "${run[@]}" --threads 2 --attribution none --quiet ${budget[@]+"${budget[@]}"} --plot "$work/$mode.svg" \
    --out "$work/plot-$mode.json" 2>"$work/plot-$mode.stderr" || problems+=("$mode: failed: $(head -n 2 "$work/plot-$mode.stderr")")
done
[[ -s $work/memory.svg ]] && cmp -s "$work/memory.svg" "$work/bounded.svg" || problems+=("the SVGs differ or are missing")
report "--plot draws the same SVG bytes with the bounded-memory mode" ${problems[@]+"${problems[@]}"}

problems=()
if "$var" "${run[@]}" --threads 1 --quiet --memory-budget 1 --out "$work/fits.json" 2>"$work/fits.stderr"; then
  python3 -c 'import json, sys
assert all(m.get("desks") for m in json.load(open(sys.argv[1]))["measures"])' "$work/fits.json" ||
    problems+=("no attribution by desk")
  "$var" "${run[@]}" --threads 1 --quiet --out "$work/default.json"
  [[ $(json_value "$work/fits.json" measures) == "$(json_value "$work/default.json" measures)" ]] ||
    problems+=("measures differ from a run without --memory-budget")
else
  problems+=("a budget the tail fits failed: $(head -n 2 "$work/fits.stderr")")
fi
report "a budget the in-memory tail fits runs the default mode, attribution included" ${problems[@]+"${problems[@]}"}

expect_error "--memory-budget over the tail refuses attribution" "error: --memory-budget: the in-memory tail" \
  "$var" -- "${run[@]}" --threads 1 --memory-budget 0.002
expect_error "--memory-budget over the tail refuses --tail-csv" "error: --memory-budget:" \
  "$var" -- "${run[@]}" --threads 1 --attribution none --memory-budget 0.002 --tail-csv "$work/error-out/tail.csv"
expect_error "--memory-budget over the tail refuses --checkpoint" "error: --memory-budget:" \
  "$var" -- "${run[@]}" --threads 1 --attribution none --memory-budget 0.002 --checkpoint "$work/error-out/ck"
expect_error "--memory-budget 0 is refused" "error: --memory-budget: expected a number of MB greater than 0" \
  "$var" -- "${run[@]}" --threads 1 --attribution none --memory-budget 0
expect_error "--memory-budget refuses alike at -n 2" "error: --memory-budget:" \
  "$mpiexec" -n 2 "$var" -- "${run[@]}" --threads 1 --memory-budget 0.002

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
