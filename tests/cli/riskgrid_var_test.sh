#!/usr/bin/env bash
# End-to-end checks of riskgrid-var (DESIGN.md §5 and §6):
#  - the bundled sample gives the same measures, to the byte, at 1, 2, 3 and 4 ranks with
#    the static and the dynamic schedule (one thread per rank, 20 chunks), and at 1, 2
#    and 4 threads without mpirun (the executor matrix of issue 6);
#  - --quiet prints nothing; without it the table has a line per confidence level.
# Bad input: riskgrid_var_errors_test.sh.
#
# Usage: riskgrid_var_test.sh RISKGRID_VAR MPIEXEC DATA_DIR
# ctest sets OMPI_ALLOW_RUN_AS_ROOT, OMPI_MCA_rmaps_base_oversubscribe=1 etc.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
data=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-var-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv"
        --covariance "$data/covariance.csv" --as-of 2026-11-25)

measures1=""
# --- determinism across rank counts -----------------------------------------------------
out=$work/out
mkdir "$out"
for np in 1 2 3 4; do
  problems=()
  rc=0
  "$mpiexec" -n "$np" "$var" "${sample[@]}" --scenarios 20000 --chunk-size 1000 --schedule static --threads 1 \
    --quiet --out "$out/np$np.json" \
    >"$work/np$np.stdout" 2>"$work/np$np.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/np$np.stderr")")
  [[ ! -s $work/np$np.stdout ]] || problems+=("--quiet printed on stdout: $(head -n 1 "$work/np$np.stdout")")
  [[ -s $out/np$np.json ]] || problems+=("no output file")
  report "sample at -n $np runs quietly and writes its JSON" ${problems[@]+"${problems[@]}"}
done

if [[ -s $out/np1.json && -s $out/np2.json && -s $out/np3.json && -s $out/np4.json ]]; then
  problems=()
  measures1=$(json_value "$out/np1.json" measures)
  base1=$(json_value "$out/np1.json" base_value)
  for np in 2 3 4; do
    [[ $(json_value "$out/np$np.json" measures) == "$measures1" ]] ||
      problems+=("measures at -n $np differ from -n 1")
    [[ $(json_value "$out/np$np.json" base_value) == "$base1" ]] ||
      problems+=("base_value at -n $np differs from -n 1")
    [[ $(json_value "$out/np$np.json" trades) == "$(json_value "$out/np1.json" trades)" ]] ||
      problems+=("trades at -n $np differ from -n 1")
  done
  [[ $(json_value "$out/np3.json" ranks) == 3 ]] || problems+=("ranks of -n 3 is not 3")
  # Not vacuous: two levels, positive VaR, ES at least VaR.
  python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["measures"]
assert [x["confidence"] for x in m] == [0.99, 0.975], m
assert all(0 < x["var"] <= x["es"] for x in m), m' "$out/np1.json" 2>/dev/null ||
    problems+=("implausible measures: $measures1")
  report "measures and base_value are byte-identical at -n 1, 2, 3 and 4 (static)" ${problems[@]+"${problems[@]}"}

  # Attribution (part of the measures compared above, so np-invariant too): Euler
  # components of trades and of desks add up to the VaR and the ES, every desk has its
  # own VaR and ES, and the desks' own ES add up to at least the portfolio's (ES is
  # subadditive).
  problems=()
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]))
trades = {t["id"] for t in d["trades"]}
for m in d["measures"]:
    assert set(m["trades"]) == trades, "trades keys"
    for key in ("var", "es"):
        for part in ("trades", "desks"):
            total = sum(x["component_" + key] for x in m[part].values())
            assert abs(total - m[key]) <= 1e-9 * abs(m[key]), (part, key, total, m[key])
    assert len(m["desks"]) >= 2
    assert all(x["standalone_var"] > 0 and x["standalone_es"] >= x["standalone_var"] for x in m["desks"].values())
    assert sum(x["standalone_es"] for x in m["desks"].values()) >= m["es"]' "$out/np1.json" 2>"$work/attribution.err" ||
    problems+=("$(tail -n 1 "$work/attribution.err")")
  report "desk and trade components add up to VaR and ES; desks have their own VaR and ES" ${problems[@]+"${problems[@]}"}

  leftovers=$(cd "$out" && ls -A | grep -v -x -e np1.json -e np2.json -e np3.json -e np4.json || true)
  report "successful runs leave no temporary file beside the output" \
    ${leftovers:+"unexpected files: $leftovers"}
fi

# --- schedules and threads ------------------------------------------------------------------
# The dynamic schedule under mpiexec, and the threads executor without it, give the
# measures of -n 1 to the byte.
if [[ -n $measures1 ]]; then
  for np in 1 2 3 4; do
    problems=()
    rc=0
    # At -n 1 the default would be one thread per core: ask for the MPI executor.
    "$mpiexec" -n "$np" "$var" "${sample[@]}" --scenarios 20000 --chunk-size 1000 --schedule dynamic --threads 1 --quiet \
      --out "$out/dynamic$np.json" >"$work/dynamic$np.stdout" 2>"$work/dynamic$np.stderr" || rc=$?
    [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/dynamic$np.stderr")")
    if [[ -s $out/dynamic$np.json ]]; then
      [[ $(json_value "$out/dynamic$np.json" measures) == "$measures1" ]] ||
        problems+=("measures differ from the static schedule at -n 1")
      [[ $(json_value "$out/dynamic$np.json" threads) == 1 ]] || problems+=("threads is not 1")
    else
      problems+=("no output file")
    fi
    report "--schedule dynamic at -n $np gives the measures of -n 1 to the byte" ${problems[@]+"${problems[@]}"}
  done
  for threads in 1 2 4; do
    problems=()
    rc=0
    "$var" "${sample[@]}" --scenarios 20000 --chunk-size 1000 --threads "$threads" --quiet \
      --out "$out/threads$threads.json" >"$work/threads$threads.stdout" 2>"$work/threads$threads.stderr" || rc=$?
    [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/threads$threads.stderr")")
    if [[ -s $out/threads$threads.json ]]; then
      [[ $(json_value "$out/threads$threads.json" measures) == "$measures1" ]] ||
        problems+=("measures differ from -n 1")
      [[ $(json_value "$out/threads$threads.json" threads) == "$threads" ]] ||
        problems+=("threads is $(json_value "$out/threads$threads.json" threads), expected $threads")
    else
      problems+=("no output file")
    fi
    report "--threads $threads without mpiexec gives the measures of -n 1 to the byte" ${problems[@]+"${problems[@]}"}
  done
  # Without --threads a lone process uses every core.
  problems=()
  rc=0
  "$var" "${sample[@]}" --scenarios 20000 --quiet --out "$out/threads-default.json" \
    >/dev/null 2>"$work/threads-default.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/threads-default.stderr")")
  # std::thread::hardware_concurrency() may count CPUs that nproc's affinity mask hides.
  [[ ! -s $out/threads-default.json || $(json_value "$out/threads-default.json" threads) -ge 1 ]] ||
    problems+=("threads is $(json_value "$out/threads-default.json" threads), expected at least 1")
  [[ ! -s $out/threads-default.json || $(json_value "$out/threads-default.json" measures) == "$measures1" ]] ||
    problems+=("measures differ from -n 1")
  report "without --threads a lone process runs on all cores, same measures" ${problems[@]+"${problems[@]}"}
fi

# --- scenario models ------------------------------------------------------------------------
# Every model gives byte-identical measures at -n 1 (one thread), -n 2 and -n 3, and
# --threads 2; historical VaR/ES of the sample's linear trades equal the independent
# figures printed by examples/data/generate.py (full revaluation over all 1,600 rows).
models=(
  "gaussian-antithetic|--model gaussian --antithetic --scenarios 8000"
  "gaussian-sobol|--model gaussian --sobol --scenarios 8192"
  "student-t|--model student-t --dof 4 --scenarios 8000"
  "historical|--model historical --history $data/history.csv --horizon-days 1"
  "filtered-historical|--model filtered-historical --history $data/history.csv --lambda 0.97 --horizon-days 10"
  "bootstrap|--model bootstrap --history $data/history.csv --horizon-days 5 --scenarios 8000"
)
for entry in "${models[@]}"; do
  name=${entry%%|*}
  read -r -a flags <<<"${entry#*|}"
  problems=()
  reference=""
  for run in np1 np2 np3 threads2; do
    rc=0
    case $run in
      np1) cmd=("$mpiexec" -n 1 "$var" --threads 1) ;;
      np2) cmd=("$mpiexec" -n 2 "$var") ;;
      np3) cmd=("$mpiexec" -n 3 "$var" --schedule dynamic) ;;
      threads2) cmd=("$var" --threads 2) ;;
    esac
    "${cmd[@]}" "${sample[@]}" "${flags[@]}" --chunk-size 700 --quiet --out "$out/$name-$run.json" \
      >/dev/null 2>"$work/$name-$run.stderr" || rc=$?
    if [[ $rc -ne 0 || ! -s $out/$name-$run.json ]]; then
      problems+=("$run: exit status $rc: $(head -n 2 "$work/$name-$run.stderr")")
      continue
    fi
    got=$(json_value "$out/$name-$run.json" measures)
    if [[ -z $reference ]]; then reference=$got; elif [[ $got != "$reference" ]]; then problems+=("$run differs from np1"); fi
  done
  report "--model $name gives byte-identical measures at -n 1, 2, 3 and --threads 2" ${problems[@]+"${problems[@]}"}
done
# generate.py revalues the equity and sensitivity trades (the first 180 rows) only.
problems=()
head -n 181 "$data/portfolio.csv" >"$work/eq_sens.csv"
rc=0
"$var" --portfolio "$work/eq_sens.csv" --market "$data/market.csv" --history "$data/history.csv" --as-of 2026-11-25 \
  --model historical --horizon-days 1 --attribution none --quiet --out "$out/historical-eq-sens.json" || rc=$?
if [[ $rc -eq 0 && -s $out/historical-eq-sens.json ]]; then
  python3 -c 'import json, sys
r = json.load(open(sys.argv[1]))
assert r["scenarios"] == 1600, r["scenarios"]
m = {x["confidence"]: x for x in r["measures"]}
for a, var, es in ((0.99, 3609199, 4268929), (0.975, 2663202, 3585952)):
    assert abs(m[a]["var"] - var) < 1 and abs(m[a]["es"] - es) < 1, (a, m[a])' "$out/historical-eq-sens.json" ||
    problems+=("historical VaR/ES differ from generate.py's independent figures")
else
  problems+=("historical run of the equity and sensitivity trades failed: status $rc")
fi
report "historical VaR/ES of the sample's equity and sensitivity trades equal generate.py's independent full revaluation" ${problems[@]+"${problems[@]}"}

# --- worst scenarios -------------------------------------------------------------------------
# Historical model on 1,600 days: the 97.5% ES tail holds m = 40 scenarios, so 40 rows,
# worst first; row 17 is the 99% VaR scenario (k = floor(16) + 1); desk columns add up
# to the scenario's P&L; historical rows carry the window's date; identical at -n 2.
problems=()
rc=0
"$var" --portfolio "$data/portfolio.csv" --market "$data/market.csv" --history "$data/history.csv" \
  --model historical --as-of 2026-11-25 --quiet --threads 1 --tail-csv "$work/tail1.csv" --out "$work/tail1.json" \
  2>"$work/tail1.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 2 "$work/tail1.stderr")")
"$mpiexec" -n 2 "$var" --portfolio "$data/portfolio.csv" --market "$data/market.csv" --history "$data/history.csv" \
  --model historical --as-of 2026-11-25 --quiet --threads 1 --tail-csv "$work/tail2.csv" 2>/dev/null || rc=$?
cmp -s "$work/tail1.csv" "$work/tail2.csv" || problems+=("--tail-csv differs at -n 2")
python3 -c 'import csv, json, sys
rows = list(csv.DictReader(open(sys.argv[1])))
m = json.load(open(sys.argv[2]))["measures"]
assert len(rows) == 40, len(rows)
assert [int(r["rank"]) for r in rows] == list(range(1, 41))
pnl = [float(r["pnl"]) for r in rows]
assert pnl == sorted(pnl), "not worst first"
assert -pnl[16] == m[0]["var"], (pnl[16], m[0]["var"])
desks = [k for k in rows[0] if k not in ("rank", "scenario", "date", "pnl", "top_desks")]
assert len(desks) >= 2
for r in rows:
    assert len(r["date"]) == 10 and r["date"][4] == "-", r["date"]
    total = sum(float(r[d]) for d in desks)
    assert abs(total - float(r["pnl"])) <= 1e-9 * abs(float(r["pnl"])), r
    worst = min(desks, key=lambda d: float(r[d]))
    assert r["top_desks"].split(";")[0] == worst, r' "$work/tail1.csv" "$work/tail1.json" 2>"$work/tail.err" ||
  problems+=("$(tail -n 1 "$work/tail.err")")
report "--tail-csv lists the ES tail worst first, by desk, with dates, the same at -n 2" ${problems[@]+"${problems[@]}"}

# --- the table ------------------------------------------------------------------------------
problems=()
rc=0
"$mpiexec" -n 1 "$var" "${sample[@]}" --scenarios 20000 --out "$out/table.json" \
  >"$work/table.stdout" 2>"$work/table.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc")
if [[ -s $out/table.json ]]; then
  # The table prints VaR and ES rounded to cents with thousands separators.
  while read -r level table_var table_es; do
    # confidence, VaR, VaR interval, ES, ES standard error
    grep -q -E "^ *$level +$table_var +\[[^]]*\] +$table_es +[0-9,.]+\$" "$work/table.stdout" ||
      problems+=("no table line '$level $table_var $table_es'")
  done < <(python3 -c 'import json, sys
for m in json.load(open(sys.argv[1]))["measures"]:
    print(m["confidence"], format(m["var"], ",.2f"), format(m["es"], ",.2f"))' "$out/table.json")
  grep -q -E '^ *0\.99 ' "$work/table.stdout" || problems+=("no line for 0.99")
  grep -q -E '^ *0\.975 ' "$work/table.stdout" || problems+=("no line for 0.975")
  if [[ -s $out/np1.json && $(json_value "$out/table.json" measures) != "$measures1" ]]; then
    problems+=("measures differ from the --quiet run")
  fi
else
  problems+=("no output file")
fi
report "without --quiet the table has the JSON's VaR and ES for 0.99 and 0.975" \
  ${problems[@]+"${problems[@]}"}

if [[ $failures -ne 0 ]]; then
  echo "riskgrid_var_test: $failures check(s) FAILED"
  exit 1
fi
echo "riskgrid_var_test: all checks passed"
