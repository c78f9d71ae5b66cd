#!/usr/bin/env bash
# Elastic mode of riskgrid-var (DESIGN.md §5, docs/cluster.md): three independent
# processes started together on one --checkpoint directory with --elastic; one is
# SIGKILLed early, holding a claim. The other two take its claim over once it expires,
# finish, and each writes the result: measures identical to an uninterrupted run. A later
# launch finds every chunk done, computes nothing and writes the same measures.
#
# Usage: elastic_test.sh RISKGRID_VAR DATA_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 RISKGRID_VAR DATA_DIR" >&2
  exit 64
fi
var=$1
data=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-elastic-test.XXXXXX")
pids=()
cleanup() {
  for pid in ${pids[@]+"${pids[@]}"}; do kill -KILL "$pid" 2>/dev/null || true; done
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

chunks=80
job=(--portfolio "$data/portfolio.csv" --market "$data/market.csv" --covariance "$data/covariance.csv"
     --as-of 2026-11-25 --scenarios 320000 --chunk-size 4000 --quiet)
ckpt=$work/shared-checkpoint

rc=0
"$var" "${job[@]}" --threads 2 --out "$work/reference.json" 2>"$work/reference.stderr" || rc=$?
if [[ $rc -ne 0 || ! -s $work/reference.json ]]; then
  report "uninterrupted reference run" "exit status $rc: $(head -n 3 "$work/reference.stderr")"
  exit 1
fi
reference=$(json_value "$work/reference.json" measures)

for i in 1 2 3; do
  "$var" "${job[@]}" --threads 1 --checkpoint "$ckpt" --elastic --claim-ttl 2 --out "$work/launch$i.json" \
    >"$work/launch$i.stdout" 2>"$work/launch$i.stderr" &
  pids+=($!)
done
victim=${pids[0]}
# Kill launch 1 as soon as it holds a claim (its owner names its PID).
held=""
for _ in $(seq 1 600); do
  held=$(grep -l -s ":$victim:" "$ckpt"/claims/*.claim 2>/dev/null | head -n 1 || true)
  [[ -n $held ]] && break
  sleep 0.02
done
kill -KILL "$victim" 2>/dev/null || true
problems=()
[[ -n $held ]] || problems+=("launch 1 never held a claim")
rc=0
wait "$victim" || rc=$?
[[ $rc -eq 137 ]] || problems+=("launch 1 exited $rc, expected 137 (SIGKILL)")
report "launch 1 is killed while holding a claim ($(basename "${held:-none}"))" ${problems[@]+"${problems[@]}"}

for i in 2 3; do
  problems=()
  rc=0
  wait "${pids[$((i - 1))]}" || rc=$?
  if [[ $rc -ne 0 || ! -s $work/launch$i.json ]]; then
    problems+=("exit status $rc: $(head -n 3 "$work/launch$i.stderr")")
  else
    [[ $(json_value "$work/launch$i.json" measures) == "$reference" ]] ||
      problems+=("measures differ from the uninterrupted run")
    [[ $(json_value "$work/launch$i.json" checkpoint elastic) == true ]] || problems+=("checkpoint.elastic is not true")
  fi
  report "surviving launch $i finishes with the measures of the uninterrupted run" ${problems[@]+"${problems[@]}"}
done
pids=()

problems=()
if [[ -s $work/launch2.json && -s $work/launch3.json ]]; then
  c2=$(json_value "$work/launch2.json" checkpoint chunks_computed)
  c3=$(json_value "$work/launch3.json" checkpoint chunks_computed)
  [[ $c2 -ge 1 && $c3 -ge 1 ]] || problems+=("the work was not shared: $c2 and $c3 chunks")
  [[ $((c2 + c3)) -le $chunks ]] || problems+=("$c2 + $c3 chunks computed: more than $chunks, claims did not work")
  echo "     launch 2 computed $c2 chunks, launch 3 computed $c3"
fi
[[ $(find "$ckpt" -maxdepth 1 -name 'chunk-*.rec' | wc -l) -eq $chunks ]] || problems+=("not every chunk has a record")
left=$(find "$ckpt/claims" -type f | wc -l)
[[ $left -eq 0 ]] || problems+=("$left claim file(s) left, among them the dead launch's: $(ls "$ckpt/claims" | head -n 3)")
report "the survivors shared the chunks and took over the dead launch's claim" ${problems[@]+"${problems[@]}"}

# A later launch finds every chunk done: it only merges.
problems=()
rc=0
"$var" "${job[@]}" --threads 2 --checkpoint "$ckpt" --elastic --claim-ttl 2 --out "$work/late.json" \
  2>"$work/late.stderr" || rc=$?
if [[ $rc -ne 0 || ! -s $work/late.json ]]; then
  problems+=("exit status $rc: $(head -n 3 "$work/late.stderr")")
else
  [[ $(json_value "$work/late.json" measures) == "$reference" ]] || problems+=("measures differ")
  [[ $(json_value "$work/late.json" checkpoint chunks_computed) -eq 0 ]] || problems+=("computed chunks again")
fi
report "a later launch merges the finished checkpoint without computing" ${problems[@]+"${problems[@]}"}

# --elastic needs a directory.
rc=0
"$var" "${job[@]}" --elastic --out "$work/none.json" >/dev/null 2>"$work/none.stderr" || rc=$?
[[ $rc -eq 2 && $(cat "$work/none.stderr") == "error: --elastic: requires --checkpoint DIR" && ! -e $work/none.json ]] &&
  report "--elastic without --checkpoint is refused" ||
  report "--elastic without --checkpoint is refused" "status $rc: $(head -n 2 "$work/none.stderr")"

if [[ $failures -ne 0 ]]; then
  echo "elastic_test: $failures check(s) FAILED"
  exit 1
fi
echo "elastic_test: all checks passed"
