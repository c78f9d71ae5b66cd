#!/usr/bin/env bash
# End-to-end checks of riskgrid-var (DESIGN.md §5 and §6):
#  - the bundled sample gives the same measures, to the byte, at 1, 2 and 3 ranks;
#  - --quiet prints nothing; without it the table has a line per confidence level;
#  - bad input exits with status 2, prints exactly one line `error: ...` on stderr and
#    nothing on stdout, and neither creates nor touches the --out file.
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
report() {  # report NAME PROBLEM...: PASS when no problem is given
  local name=$1
  shift
  if [[ $# -eq 0 ]]; then
    echo "PASS $name"
  else
    echo "FAIL $name: $(IFS=';'; echo "$*")"
    failures=$((failures + 1))
  fi
}

sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv"
        --covariance "$data/covariance.csv" --as-of 2026-11-25)

# The JSON value of KEY in FILE, numbers exactly as written in the file (parse_float=str
# keeps their text), so equal output means byte-identical numbers.
json_value() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]), parse_float=str)
print(json.dumps(d[sys.argv[2]]))' "$1" "$2"
}

measures1=""
# --- determinism across rank counts -----------------------------------------------------
out=$work/out
mkdir "$out"
for np in 1 2 3; do
  problems=()
  rc=0
  "$mpiexec" -n "$np" "$var" "${sample[@]}" --scenarios 20000 --quiet --out "$out/np$np.json" \
    >"$work/np$np.stdout" 2>"$work/np$np.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/np$np.stderr")")
  [[ ! -s $work/np$np.stdout ]] || problems+=("--quiet printed on stdout: $(head -n 1 "$work/np$np.stdout")")
  [[ -s $out/np$np.json ]] || problems+=("no output file")
  report "sample at -n $np runs quietly and writes its JSON" ${problems[@]+"${problems[@]}"}
done

if [[ -s $out/np1.json && -s $out/np2.json && -s $out/np3.json ]]; then
  problems=()
  measures1=$(json_value "$out/np1.json" measures)
  base1=$(json_value "$out/np1.json" base_value)
  for np in 2 3; do
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
  report "measures and base_value are byte-identical at -n 1, 2 and 3" ${problems[@]+"${problems[@]}"}

  leftovers=$(cd "$out" && ls -A | grep -v -x -e np1.json -e np2.json -e np3.json || true)
  report "successful runs leave no temporary file beside the output" \
    ${leftovers:+"unexpected files: $leftovers"}
fi

# --- the table ------------------------------------------------------------------------------
problems=()
rc=0
"$mpiexec" -n 1 "$var" "${sample[@]}" --scenarios 20000 --out "$out/table.json" \
  >"$work/table.stdout" 2>"$work/table.stderr" || rc=$?
[[ $rc -eq 0 ]] || problems+=("exit status $rc")
if [[ -s $out/table.json ]]; then
  # The table prints VaR and ES rounded to cents with thousands separators.
  while read -r level table_var table_es; do
    grep -q -E "^ *$level +$table_var +$table_es\$" "$work/table.stdout" ||
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

# --- bad input ------------------------------------------------------------------------------
# expect_error NAME PREFIX LAUNCH... -- ARGS...
# Runs LAUNCH... ARGS... --out FILE twice, without and then with an older FILE, and
# requires: status 2; stdout empty; on stderr exactly one line starting with `error: `,
# which starts with PREFIX; FILE neither created nor changed; no file left beside it.
# A launcher (mpiexec) may add its own lines on stderr: with one, only the lines starting
# with `error: ` are counted.
expect_error() {
  local name=$1 prefix=$2
  shift 2
  local launch=()
  while [[ $1 != -- ]]; do
    launch+=("$1")
    shift
  done
  shift
  local dir=$work/error-out
  local target=$dir/result.json
  local problems=() round rc errors
  for round in fresh older; do
    rm -rf "$dir"
    mkdir "$dir"
    if [[ $round == older ]]; then printf '{"older": "output"}\n' >"$target"; fi
    rc=0
    "${launch[@]}" "$@" --out "$target" >"$work/error.stdout" 2>"$work/error.stderr" || rc=$?
    [[ $rc -eq 2 ]] || problems+=("$round: exit status $rc, expected 2")
    [[ ! -s $work/error.stdout ]] || problems+=("$round: stdout not empty: $(head -n 1 "$work/error.stdout")")
    if [[ ${#launch[@]} -eq 1 ]]; then
      errors=$(cat "$work/error.stderr")
      [[ $(wc -l <"$work/error.stderr") -eq 1 ]] ||
        problems+=("$round: $(wc -l <"$work/error.stderr") lines on stderr, expected 1: $errors")
    else
      errors=$(grep -E '^error: ' "$work/error.stderr" || true)
      [[ $(grep -c -E '^error: ' "$work/error.stderr") -eq 1 ]] ||
        problems+=("$round: expected one 'error: ' line: $(head -n 3 "$work/error.stderr")")
    fi
    [[ $errors == "$prefix"* ]] || problems+=("$round: stderr '$errors' does not start with '$prefix'")
    if [[ $round == fresh ]]; then
      [[ ! -e $target ]] || problems+=("fresh: created the output file")
    else
      [[ $(cat "$target" 2>/dev/null) == '{"older": "output"}' ]] ||
        problems+=("older: the existing output file changed")
    fi
    local extra
    extra=$(cd "$dir" && ls -A | grep -v -x result.json || true)
    [[ -z $extra ]] || problems+=("$round: left files beside the output: $extra")
  done
  report "$name" ${problems[@]+"${problems[@]}"}
  echo "     stderr: $(head -n 1 "$work/error.stderr")"
}

# A copy of market.csv with a comment and a blank line after the header (they count in
# line numbers) and a malformed value on the 40th data row, file line 43.
bad_market="$work/bad market.csv"
{
  head -n 1 "$data/market.csv"
  printf '# copied by the test\n\n'
  tail -n +2 "$data/market.csv" | awk -F, 'NR == 40 { $0 = $1 ",12abc" } { print }'
} >"$bad_market"
bad_line=43
bad_factor=$(sed -n "${bad_line}p" "$bad_market" | cut -d, -f1)
with_bad_market=(--portfolio "$data/portfolio.csv" --market "$bad_market"
                 --covariance "$data/covariance.csv" --as-of 2026-11-25 --scenarios 1000)
if [[ $(sed -n "${bad_line}p" "$bad_market") != "$bad_factor,12abc" ]]; then
  report "the malformed market is built as intended" "line $bad_line is '$(sed -n "${bad_line}p" "$bad_market")'"
fi

# A tiny model: two factors, sensitivity trades on both.
tiny=$work/tiny
mkdir "$tiny"
printf 'factor,value\nEQ.A.SPOT,100\nEQ.B.SPOT,50\n' >"$tiny/market.csv"
printf 'id,type,factor,delta,gamma\nS1,sensitivity,EQ.A.SPOT,1e6,\nS2,sensitivity,EQ.B.SPOT,-2e6,1e5\n' \
  >"$tiny/portfolio.csv"
# Variances 1e-4 both, covariance 2e-4: a correlation of 2, eigenvalues 3e-4 and -1e-4.
printf 'factor,EQ.A.SPOT,EQ.B.SPOT\nEQ.A.SPOT,1e-4,2e-4\nEQ.B.SPOT,2e-4,1e-4\n' >"$tiny/not_psd.csv"
printf 'factor,EQ.A.SPOT,EQ.B.SPOT\nEQ.A.SPOT,1e-4,5e-5\nEQ.B.SPOT,5e-5,1e-4\n' >"$tiny/psd.csv"
# S3 (file line 4) needs EQ.C.SPOT, which the covariance does not have.
printf 'id,type,factor,delta\nS1,sensitivity,EQ.A.SPOT,1e6\n\nS3,sensitivity,EQ.C.SPOT,1e6\n' \
  >"$tiny/unshocked.csv"
tiny_common=(--market "$tiny/market.csv" --as-of 2026-11-25 --scenarios 1000)
tiny_psd=("${tiny_common[@]}" --covariance "$tiny/psd.csv" --portfolio "$tiny/portfolio.csv")
tiny_not_psd=("${tiny_common[@]}" --covariance "$tiny/not_psd.csv" --portfolio "$tiny/portfolio.csv")
tiny_unshocked=("${tiny_common[@]}" --covariance "$tiny/psd.csv" --portfolio "$tiny/unshocked.csv")

# Control: the tiny inputs run with a PSD covariance, so the failures below are theirs.
rc=0
"$var" "${tiny_psd[@]}" --quiet --out "$tiny/ok.json" \
  >/dev/null 2>"$work/control.stderr" || rc=$?
if [[ $rc -eq 0 && -s $tiny/ok.json ]]; then
  report "control: the tiny model with a PSD covariance runs"
else
  report "control: the tiny model with a PSD covariance runs" "exit status $rc: $(head -n 1 "$work/control.stderr")"
fi

missing="$work/no such market.csv"
expect_error "a missing file" "error: $missing: " "$var" -- \
  --portfolio "$data/portfolio.csv" --market "$missing" --covariance "$data/covariance.csv" --as-of 2026-11-25
expect_error "a malformed number names the file and its physical line" \
  "error: $bad_market:$bad_line: value: expected a finite decimal number, got '12abc'" "$var" -- \
  "${with_bad_market[@]}"
expect_error "--confidence 1.5" "error: --confidence: " "$var" -- "${sample[@]}" --confidence 1.5
expect_error "--confidence 0.99,abc" "error: --confidence: " "$var" -- "${sample[@]}" --confidence 0.99,abc
expect_error "--scenarios 0" "error: --scenarios: " "$var" -- "${sample[@]}" --scenarios 0
expect_error "--as-of 2026-02-30" "error: --as-of: " "$var" -- \
  --portfolio "$data/portfolio.csv" --market "$data/market.csv" --covariance "$data/covariance.csv" \
  --as-of 2026-02-30
expect_error "an unknown option" "error: " "$var" -- "${sample[@]}" --no-such-option
expect_error "a covariance that is not positive semi-definite" "error: $tiny/not_psd.csv: " "$var" -- \
  "${tiny_not_psd[@]}"
if ! grep -q 'positive semi-definite' "$work/error.stderr"; then
  report "the non-PSD error says so" "got: $(cat "$work/error.stderr")"
fi
expect_error "a sensitivity to a factor missing from the covariance" \
  "error: $tiny/unshocked.csv:4: trade S3: " "$var" -- "${tiny_unshocked[@]}"

# The same validation under mpiexec: every rank fails alike, before any collective.
expect_error "a malformed number at -n 2" "error: $bad_market:$bad_line: " "$mpiexec" -n 2 "$var" -- \
  "${with_bad_market[@]}"
expect_error "a missing factor at -n 3" "error: $tiny/unshocked.csv:4: " "$mpiexec" -n 3 "$var" -- \
  "${tiny_unshocked[@]}"

if [[ $failures -ne 0 ]]; then
  echo "riskgrid_var_test: $failures check(s) FAILED"
  exit 1
fi
echo "riskgrid_var_test: all checks passed"
