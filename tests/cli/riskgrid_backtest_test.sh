#!/usr/bin/env bash
# End-to-end checks of riskgrid-backtest (issue 5 items 4 and 6, DESIGN.md §6):
#  - the bundled sample runs, and its JSON has every key of issue 5 item 6 with the
#    exception counts of an independent count (python's csv module), the Basel zone,
#    plus factor and FRTB multiplier of those counts;
#  - the table has a line per window and level; --quiet prints nothing;
#  - bad input exits with status 2, prints exactly one line `error: <file>:<line>: ...`
#    on stderr and nothing on stdout, and neither creates nor touches the --out file.
#
# Usage: riskgrid_backtest_test.sh RISKGRID_BACKTEST DATA_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 RISKGRID_BACKTEST DATA_DIR" >&2
  exit 64
fi
bt=$1
data=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-backtest-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- the sample -----------------------------------------------------------------------------
problems=()
rc=0
"$bt" --input "$data/backtest.csv" --out "$work/bt.json" >"$work/table.stdout" 2>"$work/table.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 2 "$work/table.stderr")")
[[ -s $work/bt.json ]] || problems+=("no output file")
[[ ! -s $work/table.stderr ]] || problems+=("stderr not empty: $(head -n 1 "$work/table.stderr")")
report "the sample runs and writes its JSON" ${problems[@]+"${problems[@]}"}

if [[ -s $work/bt.json ]]; then
  problems=()
  check=$(python3 -c '
import csv, json, sys
r = json.load(open(sys.argv[1]))
rows = [x for x in csv.DictReader(l for l in open(sys.argv[2]) if not l.startswith("#"))]
keys = ["n", "exceptions", "kupiec_lr", "kupiec_p", "christoffersen_ind_lr", "christoffersen_ind_p",
        "christoffersen_cc_lr", "christoffersen_cc_p"]
bad = []
if r["rows"] != len(rows): bad.append("rows %s, expected %d" % (r["rows"], len(rows)))
def exceptions(part, pnl, var):
    return sum(1 for x in part if x[pnl] == "" or x[var] == "" or -float(x[pnl]) > float(x[var]))
for window, part in (("full", rows), ("last250", rows[-250:])):
    for level, var in (("0.99", "var_99"), ("0.975", "var_975")):
        w = r["windows"][window][level]
        for k in keys:
            if k not in w: bad.append("windows.%s.%s.%s missing" % (window, level, k))
        expected = max(exceptions(part, "pnl", var), exceptions(part, "hpl", var))
        if w.get("n") != len(part): bad.append("%s %s n %s" % (window, level, w.get("n")))
        if w.get("exceptions") != expected:
            bad.append("%s %s exceptions %s, expected %d" % (window, level, w.get("exceptions"), expected))
        for k in keys[2:]:
            if not isinstance(w.get(k), float) or not w[k] >= 0: bad.append("%s %s %s = %r" % (window, level, k, w.get(k)))
x = r["windows"]["last250"]["0.99"]["exceptions"]
zone = "green" if x <= 4 else "yellow" if x <= 9 else "red"
plus = [0, 0, 0, 0, 0, 0.40, 0.50, 0.65, 0.75, 0.85][x] if x <= 9 else 1.0
m = [1.5] * 5 + [1.70, 1.76, 1.83, 1.88, 1.92] if x <= 9 else None
if r["basel"] != dict(r["basel"], exceptions=x, zone=zone, plus_factor=plus): bad.append("basel %r" % r["basel"])
if r["frtb"]["multiplier"] != (m[x] if m else 2.0): bad.append("frtb %r" % r["frtb"])
x975 = r["windows"]["last250"]["0.975"]["exceptions"]
if r["frtb"]["desk_eligible"] is not (x <= 12 and x975 <= 30): bad.append("desk %r" % r["frtb"])
print("; ".join(bad) if bad else "ok", x, zone)
' "$work/bt.json" "$data/backtest.csv" 2>&1) || true
  [[ $check == ok* ]] || problems+=("$check")
  report "the JSON has the keys of issue 5 and counts/zones that match an independent count ($check)" \
    ${problems[@]+"${problems[@]}"}

  problems=()
  for window in full last250; do
    for level in 0.99 0.975; do
      x=$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["windows"][sys.argv[2]][sys.argv[3]]["exceptions"])' \
        "$work/bt.json" "$window" "$level")
      grep -q -E "^$window +[0-9-]+ +[0-9-]+ +[0-9]+ +$level +$x " "$work/table.stdout" ||
        problems+=("no table line for $window $level with $x exceptions")
    done
  done
  grep -q -E '^Basel traffic light' "$work/table.stdout" || problems+=("no Basel line")
  grep -q -E '^FRTB: multiplier' "$work/table.stdout" || problems+=("no FRTB line")
  report "the table has the JSON's exceptions per window and level" ${problems[@]+"${problems[@]}"}
fi

problems=()
rc=0
"$bt" --input "$data/backtest.csv" --quiet --out "$work/quiet.json" >"$work/quiet.stdout" 2>&1 || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc")
[[ ! -s $work/quiet.stdout ]] || problems+=("printed: $(head -n 1 "$work/quiet.stdout")")
cmp -s "$work/quiet.json" "$work/bt.json" || problems+=("JSON differs from the first run")
report "--quiet prints nothing and writes the same JSON" ${problems[@]+"${problems[@]}"}

problems=()
"$bt" --version >"$work/version.stdout" 2>&1 || problems+=("--version failed")
grep -q -E '^[0-9]+\.[0-9]+' "$work/version.stdout" || problems+=("--version printed $(head -c 80 "$work/version.stdout")")
"$bt" --help >"$work/help.stdout" 2>&1 || problems+=("--help failed")
grep -q -- '--input' "$work/help.stdout" || problems+=("--help does not list --input")
report "--version and --help" ${problems[@]+"${problems[@]}"}

# --- bad input ------------------------------------------------------------------------------
# refuses NAME PREFIX ARGS...: lib.sh's expect_error with this program as the launcher.
refuses() { expect_error "$1" "$2" "$bt" -- "${@:3}"; }

# Copies of the sample with one defect on data row 40: the file line is 42 (a comment
# and the header come first), 43 with the extra comment the copies add after the header.
sample=$data/backtest.csv
defect() {  # defect NAME AWK-PROGRAM: a copy with an extra comment line, row 40 edited
  local out="$work/$1"
  {
    sed -n '1,2p' "$sample"
    printf '# copied by the test\n'
    tail -n +3 "$sample" | awk -F, -v OFS=, "NR == 40 { $2 } { print }"
  } >"$out"
  echo "$out"
}
bad_number=$(defect "bad number.csv" '$2 = "12abc"')
bad_date=$(defect bad-date.csv '$1 = "2025-13-01"')
repeated_date=$(defect repeated-date.csv '$1 = "2025-09-01"')
short_row=$(defect short-row.csv 'NF = 3')
[[ $(sed -n 43p "$bad_number" | cut -d, -f2) == 12abc ]] ||
  report "the malformed copies are built as intended" "line 43 of the copy is '$(sed -n 43p "$bad_number")'"
printf 'date,pnl,var_99\n2026-01-02,1,2\n' >"$work/no-var975.csv"
printf '# nothing but a header\ndate,pnl,var_99,var_975\n' >"$work/empty.csv"

refuses "a missing file" "error: $work/none.csv: cannot open file" --input "$work/none.csv"
refuses "a malformed P&L names the file and its physical line" \
  "error: $bad_number:43: pnl: expected a finite decimal number, got '12abc'" --input "$bad_number"
refuses "an impossible date" "error: $bad_date:43: date: expected a date YYYY-MM-DD" --input "$bad_date"
refuses "a date not after the previous one" "error: $repeated_date:43: date: dates must be strictly increasing" \
  --input "$repeated_date"
refuses "a row with too few fields" "error: $short_row:43: expected 5 fields, got 3" --input "$short_row"
refuses "a missing required column" "error: $work/no-var975.csv:1: missing required column 'var_975'" \
  --input "$work/no-var975.csv"
refuses "no data row" "error: $work/empty.csv: no data row" --input "$work/empty.csv"
refuses "no --input" "error: --input: required"
refuses "an unknown option" "error: --no-such-option: " --input "$sample" --no-such-option

if [[ $failures -ne 0 ]]; then
  echo "riskgrid_backtest_test: $failures check(s) FAILED"
  exit 1
fi
echo "riskgrid_backtest_test: all checks passed"
