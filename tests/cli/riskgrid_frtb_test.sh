#!/usr/bin/env bash
# End-to-end checks of riskgrid-frtb (issue 5 item 3, DESIGN.md §4 "FRTB specifics"):
#  - the bundled sample runs; its JSON has the keys of the issue, and the total agrees
#    with its parts (IMCC = 0.5·ES_all + 0.5·Σ ES_class to 1e-12, each scope's ES =
#    ES_R,S·max(ES_F,C / ES_R,C, 1), each cascade = sqrt(Σ terms²), the SES from the
#    per-factor charges at ρ = 0.6); the stress window is the worst of es_by_window;
#    two runs give byte-identical JSON; the table shows every figure;
#  - a generated history with a planted crash: the stress window is the earliest of the
#    windows that hold it, found through the whole program (dates included);
#  - bad input exits with status 2, prints exactly one line `error: ...` on stderr and
#    nothing on stdout, and neither creates nor touches the --out file.
#
# Usage: riskgrid_frtb_test.sh RISKGRID_FRTB DATA_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 RISKGRID_FRTB DATA_DIR" >&2
  exit 64
fi
frtb=$1
data=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-frtb-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv" --as-of 2026-11-25
        --factors "$data/factors.csv" --current-history "$data/history.csv" --stress-history "$data/history.csv")

# sample_with FLAG VALUE: the sample's arguments with FLAG's value replaced, or FLAG added
# (each option may be given once), in the array `args`.
sample_with() {
  args=()
  local i found=0
  for ((i = 0; i < ${#sample[@]}; i += 2)); do
    if [[ ${sample[i]} == "$1" ]]; then
      args+=("$1" "$2")
      found=1
    else
      args+=("${sample[i]}" "${sample[i + 1]}")
    fi
  done
  [[ $found -eq 1 ]] || args+=("$1" "$2")
}

# --- the sample -----------------------------------------------------------------------------
problems=()
rc=0
"$frtb" "${sample[@]}" --out "$work/sample.json" >"$work/sample.stdout" 2>"$work/sample.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/sample.stderr")")
[[ -s $work/sample.json ]] || problems+=("no output file")
report "the sample runs and writes its JSON" ${problems[@]+"${problems[@]}"}

if [[ -s $work/sample.json ]]; then
  problems=()
  check=$(python3 - "$work/sample.json" "$data/history.csv" <<'EOF' 2>&1
import json, math, sys
r = json.load(open(sys.argv[1]))
dates = [line.split(",", 1)[0] for line in open(sys.argv[2]).read().splitlines()[1:]]
bad = []
def need(cond, what):
    if not cond:
        bad.append(what)
def close(a, b, rel=1e-12):
    return abs(a - b) <= rel * max(abs(a), abs(b), 1e-300)
# The keys of issue 5.
for k in ("stress_window", "imcc", "unconstrained_es", "constrained_es_sum", "ses", "scopes"):
    need(k in r, "missing key " + k)
for k in ("start_date", "end_date"):
    need(k in r["stress_window"], "missing key stress_window." + k)
need(sorted(r["scopes"]) == ["all", "equity", "fx", "ir"], "scopes " + str(sorted(r["scopes"])))
for name, s in r["scopes"].items():
    for k in ("es_fc", "es_rc", "es_rs", "ratio", "es"):
        need(isinstance(s.get(k), float), "scopes.%s.%s missing or not a number" % (name, k))
# The total and its parts.
classes = [s["es"] for n, s in r["scopes"].items() if n != "all"]
need(close(r["imcc"], 0.5 * r["scopes"]["all"]["es"] + 0.5 * sum(classes)), "IMCC != 0.5 ES_all + 0.5 sum ES_class")
need(r["unconstrained_es"] == r["scopes"]["all"]["es"], "unconstrained_es != scopes.all.es")
need(close(r["constrained_es_sum"], sum(classes)), "constrained_es_sum != sum of class ES")
need(close(r["total"], r["imcc"] + r["ses"]), "total != imcc + ses")
for name, s in r["scopes"].items():
    need(close(s["ratio"], max(s["es_fc"] / s["es_rc"], 1.0)), name + ": ratio != max(ES_F,C / ES_R,C, 1)")
    need(s["ratio"] >= 1.0, name + ": ratio below 1")
    need(close(s["es"], s["es_rs"] * s["ratio"]), name + ": es != es_rs * ratio")
    need(close(s["reduced_set_explained"], s["es_rc"] / s["es_fc"]), name + ": reduced_set_explained")
    need(s["reduced_set_check_passed"] == (s["reduced_set_explained"] >= 0.75), name + ": 75% check")
    for key, c in (("es_fc", "fc"), ("es_rc", "rc"), ("es_rs", "rs")):
        cas = s["cascade"][c]
        need(cas["es"] == s[key], "%s: cascade %s != %s" % (name, c, key))
        need([t["liquidity_horizon"] for t in cas["terms"]] == [10, 20, 40, 60, 120], name + ": horizons")
        for t, lh0, lh1 in zip(cas["terms"], [0, 10, 20, 40, 60], [10, 20, 40, 60, 120]):
            need(close(t["scale"], math.sqrt((lh1 - lh0) / 10)), name + ": scale")
            need(t["term"] == t["es"] * t["scale"], name + ": term")
        need(close(cas["es"], math.sqrt(sum(t["term"] ** 2 for t in cas["terms"]))), name + ": cascade sum")
need(r["reduced_set_check"]["passed"] == r["scopes"]["all"]["reduced_set_check_passed"], "reduced_set_check")
# The stress window: 250 rows of the history, the worst (earliest among ties) of es_by_window.
w = r["stress_window"]
need(w["rows"] == 250 and w["scenarios"] == 241, "stress window size")
need(w["windows_searched"] == len(dates) - 249 == len(w["es_by_window"]), "windows searched")
first = w["first_row"]
need(dates[first] == w["start_date"] and dates[first + 249] == w["end_date"], "stress window dates")
top = max(w["es_by_window"])
need(first == min(i for i, x in enumerate(w["es_by_window"]) if x >= top - 1e-9 * abs(top)), "not the worst window")
need(w["es_rs"] == r["scopes"]["all"]["es_rs"] == w["es_by_window"][first], "stress window ES != scopes.all.es_rs")
need(r["current_window"]["end_date"] == dates[-1] and r["current_window"]["start_date"] == dates[-250], "current window")
# SES: per-factor charges aggregated at rho = 0.6, idiosyncratic ones at zero correlation.
f = r["ses_detail"]["factors"]
need(sorted(f) == ["EQ.TOYOTA.VOL", "IR.JPY.30Y"], "non-modellable factors " + str(sorted(f)))
need(f["EQ.TOYOTA.VOL"]["horizon_days"] == 20 and f["EQ.TOYOTA.VOL"]["scenarios"] == 231, "TOYOTA horizon")
need(all(x["ses"] >= 0 and x["ses"] == max(x["es"], 0.0) for x in f.values()), "SES per factor != max(ES, 0)")
need(f["EQ.TOYOTA.VOL"]["ses"] > 0, "no SES for EQ.TOYOTA.VOL (vega trades)")
idio = [x["ses"] for x in f.values() if x["idiosyncratic"]]
other = [x["ses"] for x in f.values() if not x["idiosyncratic"]]
ses = math.sqrt(sum(x * x for x in idio)) + math.sqrt((0.6 * sum(other)) ** 2 + 0.64 * sum(x * x for x in other))
need(close(r["ses"], ses), "SES aggregation")
need(r["imcc"] > 0, "non-positive IMCC")
print("\n".join(bad))
EOF
  ) || problems+=("checker failed: $check")
  [[ -z $check ]] || problems+=("$check")
  report "the JSON has the issue's keys and the total agrees with its parts" ${problems[@]+"${problems[@]}"}

  problems=()
  rc=0
  "$frtb" "${sample[@]}" --quiet --out "$work/again.json" >"$work/again.stdout" 2>&1 || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc")
  [[ ! -s $work/again.stdout ]] || problems+=("--quiet printed: $(head -n 1 "$work/again.stdout")")
  cmp -s "$work/sample.json" "$work/again.json" || problems+=("the JSON of two runs differs")
  leftovers=$(cd "$work" && ls -A | grep -v -x -e sample.json -e again.json -e sample.stdout -e sample.stderr -e again.stdout || true)
  [[ -z $leftovers ]] || problems+=("files left beside the output: $leftovers")
  report "--quiet prints nothing and a second run gives the same bytes" ${problems[@]+"${problems[@]}"}

  problems=()
  # The table: every scope's three cascades and its calibration, the IMCC, the SES, the total.
  for scope in all ir equity fx; do
    for set in F,C R,C R,S; do
      grep -q -E "^$scope +$set " "$work/sample.stdout" || problems+=("no cascade line '$scope $set'")
    done
    es=$(python3 -c 'import json, sys; print(format(json.load(open(sys.argv[1]))["scopes"][sys.argv[2]]["es"], ",.2f"))' \
      "$work/sample.json" "$scope")
    grep -q -E "^$scope .* $es( |\$)" "$work/sample.stdout" || problems+=("no calibration line for $scope with ES $es")
  done
  imcc=$(python3 -c 'import json, sys; print(format(json.load(open(sys.argv[1]))["imcc"], ",.2f"))' "$work/sample.json")
  grep -q "^IMCC = .* = $imcc\$" "$work/sample.stdout" || problems+=("no IMCC line with $imcc")
  grep -q '^EQ.TOYOTA.VOL ' "$work/sample.stdout" || problems+=("no SES line for EQ.TOYOTA.VOL")
  grep -q '^SES = ' "$work/sample.stdout" || problems+=("no SES total")
  grep -q '^stress window S: ' "$work/sample.stdout" || problems+=("no stress window line")
  # A warning for each scope whose reduced set explains less than 75%, and only for those.
  while read -r scope passed; do
    if [[ $passed == False ]]; then
      grep -q "^warning: scope $scope: the reduced set explains" "$work/sample.stderr" ||
        problems+=("no warning for the reduced set of $scope")
    elif grep -q "^warning: scope $scope: " "$work/sample.stderr"; then
      problems+=("a warning for $scope, whose reduced set passes")
    fi
  done < <(python3 -c 'import json, sys
for n, s in json.load(open(sys.argv[1]))["scopes"].items(): print(n, s["reduced_set_check_passed"])' "$work/sample.json")
  report "the table prints every intermediate figure" ${problems[@]+"${problems[@]}"}
fi

# --- a planted crash ------------------------------------------------------------------------
# 400 weekdays; EQ.A.SPOT (reduced set, LH 10) moves by small noise but falls 2% a day on
# rows 300–329 (0-based), EQ.B.SPOT is non-modellable. The scenarios inside the crash tie
# exactly (same shocks, same sums), so every window holding ≥ 7 of them (rows 300–320 start
# one) ties: the earliest starts on row 66 (scenarios 66–306). The current history is a
# separate file: the last 260 rows.
crash=$work/crash
mkdir "$crash"
python3 - "$crash" <<'EOF'
import datetime, random, sys
out = sys.argv[1]
rng = random.Random(5)
day = datetime.date(2022, 1, 3)
rows = []
while len(rows) < 400:
    if day.weekday() < 5:
        r = len(rows)
        a = -0.02 if 300 <= r < 330 else rng.gauss(0, 0.004)
        rows.append("%s,%r,%r" % (day.isoformat(), a, rng.gauss(0, 0.01)))
    day += datetime.timedelta(days=1)
header = "date,EQ.A.SPOT,EQ.B.SPOT\n"
open(out + "/history.csv", "w").write(header + "\n".join(rows) + "\n")
open(out + "/current.csv", "w").write(header + "\n".join(rows[-260:]) + "\n")
open(out + "/dates.txt", "w").write("\n".join(r.split(",")[0] for r in rows) + "\n")
open(out + "/market.csv", "w").write("factor,value\nEQ.A.SPOT,100\nEQ.B.SPOT,50\n")
open(out + "/portfolio.csv", "w").write(
    "id,desk,type,underlying,currency,quantity\nT1,d,equity,A,USD,1000\nT2,d,equity,B,USD,-400\n")
open(out + "/factors.csv", "w").write(
    "factor,risk_class,liquidity_horizon,modellable,reduced_set\n"
    "EQ.A.SPOT,equity,10,true,true\nEQ.B.SPOT,equity,,false,false\n")
EOF
crash_run=(--portfolio "$crash/portfolio.csv" --market "$crash/market.csv" --as-of 2023-07-31
           --factors "$crash/factors.csv" --current-history "$crash/current.csv" --stress-history "$crash/history.csv")
problems=()
rc=0
"$frtb" "${crash_run[@]}" --quiet --out "$crash/out.json" >/dev/null 2>"$crash/stderr" || rc=$?
if [[ $rc -ne 0 || ! -s $crash/out.json ]]; then
  problems+=("exit status $rc: $(head -n 2 "$crash/stderr")")
else
  check=$(python3 - "$crash/out.json" "$crash/dates.txt" <<'EOF' 2>&1
import json, math, sys
r = json.load(open(sys.argv[1]))
dates = open(sys.argv[2]).read().split()
w = r["stress_window"]
bad = []
if (w["first_row"], w["start_date"], w["end_date"]) != (66, dates[66], dates[315]):
    bad.append("stress window %s %s..%s, expected row 66 %s..%s" % (w["first_row"], w["start_date"], w["end_date"], dates[66], dates[315]))
# Inside the crash a 10-day scenario loses 1000·100·(1 − e^{−0.2}).
loss = 1000 * 100 * (1 - math.exp(-0.2))
if abs(w["es_rs"] - loss) > 1e-6 * loss:
    bad.append("ES_R,S %r, expected %r" % (w["es_rs"], loss))
if r["current_window"]["start_date"] != dates[150] or r["current_window"]["end_date"] != dates[399]:
    bad.append("current window " + str(r["current_window"]))
if sorted(r["scopes"]) != ["all", "equity"]:
    bad.append("scopes " + str(sorted(r["scopes"])))
b = r["ses_detail"]["factors"]["EQ.B.SPOT"]
if b["liquidity_horizon"] != 10 or b["horizon_days"] != 20 or b["scenarios"] != 231 or not b["idiosyncratic"] or not b["ses"] > 0:
    bad.append("SES of EQ.B.SPOT " + str(b))
if r["ses"] != b["ses"]:
    bad.append("one idiosyncratic SES: the total is that SES")
print("\n".join(bad))
EOF
  ) || problems+=("checker failed: $check")
  [[ -z $check ]] || problems+=("$check")
fi
report "a planted crash is found: the earliest window that holds it, with its dates" ${problems[@]+"${problems[@]}"}

# --- bad input ------------------------------------------------------------------------------
# refuses NAME PREFIX ARGS...: lib.sh's expect_error with this program as the launcher.
refuses() { expect_error "$1" "$2" "$frtb" -- "${@:3}"; }

bad=$work/bad
mkdir "$bad"
# factors.csv with a comment and a blank line after the header and an unknown risk class on
# the 20th data row: file line 23.
{
  head -n 1 "$data/factors.csv"
  printf '# copied by the test\n\n'
  tail -n +2 "$data/factors.csv" | awk -F, 'BEGIN { OFS = "," } NR == 20 { $2 = "rates" } { print }'
} >"$bad/class.csv"
bad_factor=$(sed -n 23p "$bad/class.csv" | cut -d, -f1)
awk -F, 'BEGIN { OFS = "," } NR == 5 { $3 = "30" } { print }' "$data/factors.csv" >"$bad/horizon.csv"
{ cat "$data/factors.csv"; sed -n 2p "$data/factors.csv"; } >"$bad/duplicate.csv"
duplicate_line=$(wc -l <"$bad/duplicate.csv")
first_factor=$(sed -n 2p "$data/factors.csv" | cut -d, -f1)
cut -d, -f1-4 "$data/factors.csv" >"$bad/no_reduced.csv"
grep -v '^EQ.NVDA.SPOT,' "$data/factors.csv" >"$bad/unclassified.csv"
# The stress history without the reduced-set factor EQ.AAPL.SPOT (column 2).
cut -d, -f1,3- "$data/history.csv" >"$bad/no_aapl.csv"
head -n 200 "$data/history.csv" >"$bad/short.csv"

refuses "--factors missing" "error: --factors: required" \
  --portfolio "$data/portfolio.csv" --market "$data/market.csv" --as-of 2026-11-25 \
  --current-history "$data/history.csv" --stress-history "$data/history.csv"
sample_with --as-of 2026-02-30
refuses "--as-of 2026-02-30" "error: --as-of: " "${args[@]}"
sample_with --base-ccy usd
refuses "--base-ccy usd" "error: --base-ccy: " "${args[@]}"
refuses "an unknown option" "error: " "${sample[@]}" --no-such-option
sample_with --factors "$work/none.csv"
refuses "a missing file" "error: $work/none.csv: " "${args[@]}"
sample_with --factors "$bad/class.csv"
refuses "an unknown risk class names the file, its physical line and the value" \
  "error: $bad/class.csv:23: risk_class: expected ir, credit, equity, fx or commodity, got 'rates'" "${args[@]}"
[[ -n $bad_factor ]] || report "the bad factors file is built as intended" "line 23 is empty"
sample_with --factors "$bad/horizon.csv"
refuses "a liquidity horizon of 30 days" \
  "error: $bad/horizon.csv:5: liquidity_horizon: expected 10, 20, 40, 60 or 120" "${args[@]}"
sample_with --factors "$bad/duplicate.csv"
refuses "a duplicate factor" \
  "error: $bad/duplicate.csv:$duplicate_line: factor: duplicate factor '$first_factor' (first on line 2)" "${args[@]}"
sample_with --factors "$bad/no_reduced.csv"
refuses "a missing column" "error: $bad/no_reduced.csv:1: missing required column 'reduced_set'" "${args[@]}"
sample_with --factors "$bad/unclassified.csv"
refuses "a history factor missing from factors.csv" \
  "error: $data/history.csv:1: factor 'EQ.NVDA.SPOT' is not classified in $bad/unclassified.csv" "${args[@]}"
sample_with --stress-history "$bad/no_aapl.csv"
refuses "a stress history without a reduced-set factor" \
  "error: $bad/no_aapl.csv:1: no column for reduced-set factor 'EQ.AAPL.SPOT'" "${args[@]}"
sample_with --current-history "$bad/short.csv"
refuses "a current history shorter than 250 rows" "error: $bad/short.csv: 199 rows of shocks" "${args[@]}"

if [[ $failures -ne 0 ]]; then
  echo "riskgrid_frtb_test: $failures check(s) FAILED"
  exit 1
fi
echo "riskgrid_frtb_test: all checks passed"
