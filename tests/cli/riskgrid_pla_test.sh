#!/usr/bin/env bash
# End-to-end checks of riskgrid-pla (issue 5 items 5 and 6, DESIGN.md §6):
#  - the bundled sample runs, its JSON has the keys of issue 5 item 6, n = 250 (the last
#    250 of 260 days), the KS statistic of an independent computation (python, exact
#    fractions) and the zone of its Spearman and KS values;
#  - tiny hand-made files give the zones green, amber and red; --quiet prints nothing;
#  - bad input exits with status 2, prints exactly one line `error: <file>:<line>: ...`
#    on stderr and nothing on stdout, and neither creates nor touches the --out file.
#
# Usage: riskgrid_backtest_test.sh RISKGRID_PLA DATA_DIR
set -euo pipefail

if [[ $# -ne 2 ]]; then
  echo "usage: $0 RISKGRID_PLA DATA_DIR" >&2
  exit 64
fi
pla=$1
data=$2

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-pla-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- the sample -----------------------------------------------------------------------------
problems=()
rc=0
"$pla" --input "$data/pla.csv" --out "$work/pla.json" >"$work/table.stdout" 2>"$work/table.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 2 "$work/table.stderr")")
[[ -s $work/pla.json ]] || problems+=("no output file")
report "the sample runs and writes its JSON" ${problems[@]+"${problems[@]}"}

if [[ -s $work/pla.json ]]; then
  problems=()
  check=$(python3 -c '
import csv, json, sys
from fractions import Fraction
r = json.load(open(sys.argv[1]))
rows = [x for x in csv.DictReader(l for l in open(sys.argv[2]) if not l.startswith("#"))][-250:]
h = [float(x["hpl"]) for x in rows]
t = [float(x["rtpl"]) for x in rows]
bad = [k + " missing" for k in ("n", "spearman", "ks", "zone") if k not in r]
if r.get("n") != 250: bad.append("n %r" % r.get("n"))
ks = max(abs(Fraction(sum(a <= v for a in h), 250) - Fraction(sum(b <= v for b in t), 250)) for v in h + t)
if r.get("ks") != float(ks): bad.append("ks %r, expected %r" % (r.get("ks"), float(ks)))
s, k = r["spearman"], r["ks"]
zone = "green" if s > 0.8 and k < 0.09 else "red" if s < 0.7 or k > 0.12 else "amber"
if r.get("zone") != zone: bad.append("zone %r, expected %s" % (r.get("zone"), zone))
if not 0.5 < s < 1: bad.append("spearman %r" % s)
print("; ".join(bad) if bad else "ok", "spearman %.4f ks %.4f %s" % (s, k, zone))
' "$work/pla.json" "$data/pla.csv" 2>&1) || true
  [[ $check == ok* ]] || problems+=("$check")
  grep -q -E "^PLA zone +$(python3 -c 'import json, sys; print(json.load(open(sys.argv[1]))["zone"])' "$work/pla.json")\$" \
    "$work/table.stdout" || problems+=("the table has no zone line matching the JSON")
  report "the JSON has n, spearman, ks and zone of an independent KS ($check)" ${problems[@]+"${problems[@]}"}
fi

# Hand-made windows: t vs t + shift over 250 days has Spearman 1 and KS = shift/250:
# 20 → green, 30 → 0.12 exactly → amber, 40 → red.
for entry in 20:green 30:amber 40:red; do
  shift_days=${entry%%:*}
  zone=${entry#*:}
  python3 -c 'import datetime, sys
k = int(sys.argv[1])
print("date,hpl,rtpl")
for i in range(250):
    print("%s,%d,%d" % (datetime.date(2025, 1, 1) + datetime.timedelta(days=i), i, i + k))' "$shift_days" \
    >"$work/shift$shift_days.csv"
  problems=()
  rc=0
  "$pla" --input "$work/shift$shift_days.csv" --quiet --out "$work/shift$shift_days.json" >"$work/shift.stdout" 2>&1 || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 1 "$work/shift.stdout")")
  [[ ! -s $work/shift.stdout ]] || problems+=("--quiet printed: $(head -n 1 "$work/shift.stdout")")
  got=$(python3 -c 'import json, sys; r = json.load(open(sys.argv[1])); print(r["zone"], r["ks"], r["spearman"])' \
    "$work/shift$shift_days.json" 2>/dev/null || echo none)
  want="$zone $(python3 -c "print($shift_days / 250)") 1.0"
  [[ $got == "$want" ]] || problems+=("got '$got', expected '$want'")
  report "KS $shift_days/250 with Spearman 1 is $zone" ${problems[@]+"${problems[@]}"}
done

problems=()
"$pla" --version >"$work/version.stdout" 2>&1 || problems+=("--version failed")
grep -q -E '^[0-9]+\.[0-9]+' "$work/version.stdout" || problems+=("--version printed $(head -c 80 "$work/version.stdout")")
"$pla" --help >"$work/help.stdout" 2>&1 || problems+=("--help failed")
grep -q -- '--input' "$work/help.stdout" || problems+=("--help does not list --input")
report "--version and --help" ${problems[@]+"${problems[@]}"}

# --- bad input ------------------------------------------------------------------------------
# refuses NAME PREFIX ARGS...: lib.sh's expect_error with this program as the launcher.
refuses() { expect_error "$1" "$2" "$pla" -- "${@:3}"; }

# Copies of the sample with one defect on data row 40: file line 43 (the sample's
# comment and header, then a comment the copy adds).
sample=$data/pla.csv
defect() {  # defect NAME AWK-ACTION
  local out="$work/$1"
  {
    sed -n '1,2p' "$sample"
    printf '# copied by the test\n'
    tail -n +3 "$sample" | awk -F, -v OFS=, "NR == 40 { $2 } { print }"
  } >"$out"
  echo "$out"
}
bad_number=$(defect "bad number.csv" '$3 = "1e999"')
missing=$(defect missing.csv '$2 = ""')
repeated_date=$(defect repeated-date.csv '$1 = "2025-08-20"')
[[ $(sed -n 43p "$bad_number" | cut -d, -f3) == 1e999 ]] ||
  report "the malformed copies are built as intended" "line 43 of the copy is '$(sed -n 43p "$bad_number")'"
printf 'date,hpl,rtpl\n2026-01-02,1,1\n2026-01-05,1,2\n2026-01-06,1,3\n' >"$work/constant.csv"
printf 'date,hpl\n2026-01-02,1\n' >"$work/no-rtpl.csv"

refuses "a missing file" "error: $work/none.csv: cannot open file" --input "$work/none.csv"
refuses "an out-of-range number names the file and its physical line" \
  "error: $bad_number:43: rtpl: expected a finite decimal number, got '1e999'" --input "$bad_number"
refuses "a missing HPL" "error: $missing:43: hpl: missing value" --input "$missing"
refuses "a date not after the previous one" "error: $repeated_date:43: date: dates must be strictly increasing" \
  --input "$repeated_date"
refuses "a missing required column" "error: $work/no-rtpl.csv:1: missing required column 'rtpl'" \
  --input "$work/no-rtpl.csv"
refuses "a constant HPL (Spearman undefined)" "error: $work/constant.csv: Spearman correlation undefined" \
  --input "$work/constant.csv"
refuses "no --input" "error: --input: required"
refuses "an unknown option" "error: --no-such-option: " --input "$sample" --no-such-option

if [[ $failures -ne 0 ]]; then
  echo "riskgrid_pla_test: $failures check(s) FAILED"
  exit 1
fi
echo "riskgrid_pla_test: all checks passed"
