#!/usr/bin/env bash
# End-to-end checks of riskgrid-var --pla-csv (issue 5 item 5, issue 4 item 4):
#  - the bundled sample under --model historical writes `date,hpl,rtpl` with one row per
#    scenario, dated by the last day of each window (horizon 1 and 10);
#  - HPL is the full-revaluation P&L: its mean, min and max equal the JSON's pnl figures
#    (to 1e-9 relative: the trades are summed in another order); RTPL, the delta-gamma
#    P&L of the bump-and-revalue sensitivities, follows HPL closely on 1-day moves;
#  - riskgrid-pla reads the file and gives a zone;
#  - the file has the same bytes at 1 and 2 ranks (and with 2 threads);
#  - models without dated scenarios are refused: status 2, one `error: --pla-csv: ` line,
#    no output file written.
#
# Usage: riskgrid_var_pla_test.sh RISKGRID_VAR MPIEXEC RISKGRID_PLA DATA_DIR
set -euo pipefail

if [[ $# -ne 4 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC RISKGRID_PLA DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
pla=$3
data=$4

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-var-pla-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv" --history "$data/history.csv"
        --as-of 2026-11-25 --model historical --attribution none --quiet)

# --- the file, and what it holds -------------------------------------------------------------
for h in 1 10; do
  problems=()
  rc=0
  "$var" "${sample[@]}" --horizon-days "$h" --threads 1 --out "$work/h$h.json" --pla-csv "$work/h$h.csv" \
    >"$work/h$h.stdout" 2>"$work/h$h.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 2 "$work/h$h.stderr")")
  if [[ -s $work/h$h.csv && -s $work/h$h.json ]]; then
    check=$(python3 -c '
import csv, json, sys
h = int(sys.argv[4])
r = json.load(open(sys.argv[1]))
rows = list(csv.reader(open(sys.argv[2])))
history = [l.split(",")[0] for l in open(sys.argv[3]) if l.strip() and not l.startswith("#")][1:]
bad = []
if rows[0] != ["date", "hpl", "rtpl"]: bad.append("header %r" % rows[0])
rows = rows[1:]
if len(rows) != r["scenarios"] or len(rows) != len(history) - h + 1:
    bad.append("%d rows for %d scenarios" % (len(rows), r["scenarios"]))
if [x[0] for x in rows] != history[h - 1:]: bad.append("dates are not the last days of the windows")
hpl = [float(x[1]) for x in rows]
rtpl = [float(x[2]) for x in rows]
n = len(hpl)
mean = sum(hpl) / n
for name, got in (("mean", mean), ("min", min(hpl)), ("max", max(hpl))):
    want = r["pnl"][name]
    if abs(got - want) > 1e-9 * max(abs(want), r["pnl"]["stdev"]): bad.append("hpl %s %r, pnl.%s %r" % (name, got, name, want))
sd = (sum((x - mean) ** 2 for x in hpl) / (n - 1)) ** 0.5
gap = sorted(abs(a - b) for a, b in zip(hpl, rtpl))
median_gap = gap[n // 2]
# Unexplained P&L: on 1-day moves the second-order expansion leaves a small fraction.
limit = 0.05 if h == 1 else 0.2
if not median_gap < limit * sd: bad.append("median |hpl - rtpl| %.6g not below %g of the hpl stdev %.6g" % (median_gap, limit, sd))
if all(a == b for a, b in zip(hpl, rtpl)): bad.append("rtpl is a copy of hpl")
print("; ".join(bad) if bad else "ok", "(%d rows, median |hpl-rtpl| / stdev %.4f)" % (n, median_gap / sd))
' "$work/h$h.json" "$work/h$h.csv" "$data/history.csv" "$h" 2>&1) || true
    [[ $check == ok* ]] || problems+=("$check")
  else
    problems+=("missing output")
    check=""
  fi
  report "horizon $h: one dated row per scenario, HPL = the run's P&L, RTPL close to it $check" \
    ${problems[@]+"${problems[@]}"}
done

# --- riskgrid-pla reads it --------------------------------------------------------------------
problems=()
rc=0
"$pla" --input "$work/h1.csv" --out "$work/pla.json" >"$work/pla.stdout" 2>"$work/pla.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 2 "$work/pla.stderr")")
zone=""
if [[ -s $work/pla.json ]]; then
  zone=$(json_value "$work/pla.json" zone)
  [[ $zone =~ ^\"(green|amber|red)\"$ ]] || problems+=("zone $zone")
  [[ $(json_value "$work/pla.json" n) == 250 ]] || problems+=("n $(json_value "$work/pla.json" n), expected 250")
else
  problems+=("no JSON")
fi
report "riskgrid-pla reads the file: zone $zone, spearman $(json_value "$work/pla.json" spearman 2>/dev/null || true)" \
  ${problems[@]+"${problems[@]}"}

# --- the same bytes at any rank or thread count -------------------------------------------------
problems=()
rc=0
"$mpiexec" -n 2 "$var" "${sample[@]}" --threads 1 --chunk-size 100 --pla-csv "$work/np2.csv" \
  >"$work/np2.stdout" 2>"$work/np2.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("-n 2: exit status $rc: $(head -n 2 "$work/np2.stderr")")
cmp -s "$work/h1.csv" "$work/np2.csv" || problems+=("-n 2 differs from 1 rank")
rc=0
"$var" "${sample[@]}" --threads 2 --chunk-size 300 --pla-csv "$work/t2.csv" >/dev/null 2>"$work/t2.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("--threads 2: exit status $rc: $(head -n 2 "$work/t2.stderr")")
cmp -s "$work/h1.csv" "$work/t2.csv" || problems+=("--threads 2 differs from 1 thread")
report "the file has the same bytes at 1 and 2 ranks and 2 threads" ${problems[@]+"${problems[@]}"}

# --- refused without dated scenarios --------------------------------------------------------------
for model in gaussian bootstrap; do
  expect_error "--model $model --pla-csv is refused" "error: --pla-csv: " "$var" -- \
    --portfolio "$data/portfolio.csv" --market "$data/market.csv" --history "$data/history.csv" \
    --covariance "$data/covariance.csv" --as-of 2026-11-25 --model "$model" --scenarios 1000 --quiet \
    --pla-csv "$work/error-out/pla.csv"
done

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
