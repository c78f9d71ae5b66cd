#!/usr/bin/env bash
# Fault tests of riskgrid-var --checkpoint (DESIGN.md §5):
#  (a) a 2-rank run is SIGKILLed (one rank) after some chunk records exist; reruns on
#      copies of its directory at 2, 1 and 3 ranks give the measures of an uninterrupted
#      run to the byte and compute fewer chunks than there are;
#  (b) a truncated last record and a corrupted one are detected, recomputed, and the
#      measures are still identical;
#  (c) a checkpoint made with other inputs (seed, chunk size, a changed portfolio file)
#      is refused: exit 2, one `error: DIR: ...` line, no output file.
#
# Usage: checkpoint_test.sh RISKGRID_VAR MPIEXEC DATA_DIR
# ctest sets OMPI_ALLOW_RUN_AS_ROOT, OMPI_MCA_rmaps_base_oversubscribe=1 etc.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
data=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-checkpoint-test.XXXXXX")
background=""
cleanup() {
  # Only the mpiexec this script started, by its PID, and that PID's children.
  if [[ -n $background ]]; then
    pkill -KILL -P "$background" 2>/dev/null || true
    kill -KILL "$background" 2>/dev/null || true
  fi
  rm -rf "$work"
}
trap cleanup EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# 400,000 scenarios in 100 chunks: a few seconds at 2 ranks, so the kill lands mid-run.
chunks=100
inputs=(--portfolio "$data/portfolio.csv" --market "$data/market.csv" --covariance "$data/covariance.csv"
        --as-of 2026-11-25 --scenarios 400000 --quiet)
job=("${inputs[@]}" --chunk-size 4000)
records() { find "$1" -maxdepth 1 -name 'chunk-*.rec' | wc -l; }

# --- the uninterrupted reference --------------------------------------------------------------
rc=0
"$var" "${job[@]}" --threads 2 --out "$work/reference.json" 2>"$work/reference.stderr" || rc=$?
if [[ $rc -ne 0 || ! -s $work/reference.json ]]; then
  report "uninterrupted reference run" "exit status $rc: $(head -n 3 "$work/reference.stderr")"
  exit 1
fi
reference=$(json_value "$work/reference.json" measures)

# --- (a) SIGKILL one rank mid-run, resume at 2, 1 and 3 ranks ---------------------------------
problems=()
"$mpiexec" -n 2 "$var" "${job[@]}" --checkpoint "$work/ckpt" --out "$work/killed.json" \
  >"$work/killed.stdout" 2>"$work/killed.stderr" &
background=$!
# Poll until a tenth of the chunks are durable, then kill rank 1 or 0 (whichever child
# comes first): OpenMPI then aborts the whole job.
for _ in $(seq 1 600); do
  [[ -d $work/ckpt && $(records "$work/ckpt") -ge 10 ]] && break
  sleep 0.05
done
victim=$(pgrep -P "$background" | head -n 1 || true)
[[ -n $victim ]] && kill -KILL "$victim"
rc=0
wait "$background" || rc=$?
background=""
done_before=$(records "$work/ckpt")
[[ $rc -ne 0 ]] || problems+=("the killed run exited 0")
[[ ! -e $work/killed.json ]] || problems+=("the killed run wrote a result")
[[ $done_before -ge 10 && $done_before -lt $chunks ]] ||
  problems+=("$done_before records after the kill, expected between 10 and $((chunks - 1))")
report "SIGKILL of a rank mid-run leaves some chunk records and no result ($done_before of $chunks)" \
  ${problems[@]+"${problems[@]}"}

for np in 2 1 3; do
  cp -r "$work/ckpt" "$work/ckpt-np$np"
done
for np in 2 1 3; do
  problems=()
  rc=0
  "$mpiexec" -n "$np" "$var" "${job[@]}" --threads 1 --checkpoint "$work/ckpt-np$np" --out "$work/resumed$np.json" \
    >/dev/null 2>"$work/resumed$np.stderr" || rc=$?
  if [[ $rc -ne 0 || ! -s $work/resumed$np.json ]]; then
    problems+=("exit status $rc: $(head -n 3 "$work/resumed$np.stderr")")
  else
    [[ $(json_value "$work/resumed$np.json" measures) == "$reference" ]] ||
      problems+=("measures differ from the uninterrupted run")
    loaded=$(json_value "$work/resumed$np.json" checkpoint chunks_loaded)
    computed=$(json_value "$work/resumed$np.json" checkpoint chunks_computed)
    [[ $loaded -eq $done_before ]] || problems+=("loaded $loaded chunks, $done_before records existed")
    [[ $computed -eq $((chunks - done_before)) ]] ||
      problems+=("computed $computed chunks, expected $((chunks - done_before))")
    [[ $(records "$work/ckpt-np$np") -eq $chunks ]] || problems+=("not every chunk has a record afterwards")
  fi
  report "resumed at -n $np: measures of the uninterrupted run, only the missing chunks computed" \
    ${problems[@]+"${problems[@]}"}
done

# --- (b) a truncated and a corrupted record -----------------------------------------------------
damaged=$work/ckpt-np2
last=$(find "$damaged" -maxdepth 1 -name 'chunk-*.rec' | sort | tail -n 1)
middle=$(find "$damaged" -maxdepth 1 -name 'chunk-*.rec' | sort | sed -n 50p)
truncate -s -100 "$last"
# One payload byte flipped in the middle record.
python3 -c 'import sys
p = sys.argv[1]
b = bytearray(open(p, "rb").read())
b[len(b) // 2] ^= 0x40
open(p, "wb").write(b)' "$middle"
# Debris of a crash in the middle of a write: a temporary name is never read.
head -c 50 "$middle" >"$middle.tmp.somehost.12345.0"
problems=()
rc=0
"$mpiexec" -n 2 "$var" "${job[@]}" --checkpoint "$damaged" --out "$work/repaired.json" \
  >/dev/null 2>"$work/repaired.stderr" || rc=$?
if [[ $rc -ne 0 || ! -s $work/repaired.json ]]; then
  problems+=("exit status $rc: $(head -n 3 "$work/repaired.stderr")")
else
  [[ $(json_value "$work/repaired.json" measures) == "$reference" ]] || problems+=("measures differ")
  [[ $(json_value "$work/repaired.json" checkpoint records_discarded) -eq 2 ]] ||
    problems+=("records_discarded is $(json_value "$work/repaired.json" checkpoint records_discarded), expected 2")
  [[ $(json_value "$work/repaired.json" checkpoint chunks_computed) -eq 2 ]] ||
    problems+=("chunks_computed is $(json_value "$work/repaired.json" checkpoint chunks_computed), expected 2")
fi
# The records were rewritten whole: a further run loads everything.
rc=0
"$var" "${job[@]}" --threads 2 --checkpoint "$damaged" --out "$work/again.json" 2>"$work/again.stderr" || rc=$?
[[ $rc -eq 0 && $(json_value "$work/again.json" checkpoint chunks_loaded) -eq $chunks ]] ||
  problems+=("the run after the repair did not load all $chunks chunks (status $rc)")
[[ $rc -ne 0 || $(json_value "$work/again.json" measures) == "$reference" ]] || problems+=("measures differ after the repair")
report "a truncated and a corrupted record are detected and recomputed, same measures" ${problems[@]+"${problems[@]}"}

# --- (c) a checkpoint of other inputs is refused ------------------------------------------------
changed=$work/changed-portfolio.csv
cp "$data/portfolio.csv" "$changed"
# One quantity one unit larger in the first trade.
python3 -c 'import sys
p = sys.argv[1]
lines = open(p).read().split("\n")
fields = lines[1].split(",")
fields[5] = str(int(fields[5]) + 1)
lines[1] = ",".join(fields)
open(p, "w").write("\n".join(lines))' "$changed"
refuse() {  # refuse NAME EXPECTED-DIFFERENCE ARGS...
  local name=$1 expected=$2
  shift 2
  local problems=() rc=0
  "$var" "$@" --threads 2 --checkpoint "$damaged" --out "$work/refused.json" \
    >"$work/refused.stdout" 2>"$work/refused.stderr" || rc=$?
  [[ $rc -eq 2 ]] || problems+=("exit status $rc, expected 2")
  [[ $(wc -l <"$work/refused.stderr") -eq 1 ]] || problems+=("expected one line on stderr: $(head -n 3 "$work/refused.stderr")")
  grep -q -F "error: $damaged: checkpoint of another job ($expected" "$work/refused.stderr" ||
    problems+=("unexpected message: $(head -n 1 "$work/refused.stderr")")
  [[ ! -e $work/refused.json ]] || problems+=("wrote an output file")
  [[ ! -s $work/refused.stdout ]] || problems+=("printed on stdout")
  report "a checkpoint of another job is refused: $name" ${problems[@]+"${problems[@]}"}
  echo "     stderr: $(head -n 1 "$work/refused.stderr")"
}
refuse "another seed" "seed: 42 in the checkpoint, 43 now" "${job[@]}" --seed 43
refuse "another chunk size" "chunk_size: 4000 in the checkpoint, 5000 now" "${inputs[@]}" --chunk-size 5000
other_portfolio=("${job[@]}")
other_portfolio[1]=$changed
refuse "a changed portfolio file" "portfolio: crc64:" "${other_portfolio[@]}"
# Records are untouched by the refused runs.
[[ $(records "$damaged") -eq $chunks ]] || report "refused runs leave the records alone" "records changed"

if [[ $failures -ne 0 ]]; then
  echo "checkpoint_test: $failures check(s) FAILED"
  exit 1
fi
echo "checkpoint_test: all checks passed"
