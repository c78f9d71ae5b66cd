#!/usr/bin/env bash
# riskgrid-var on bad input (DESIGN.md §7): status 2, exactly one line `error: ...` on
# stderr, nothing on stdout, the --out file neither created nor touched, at one rank and
# under mpiexec; --repair-correlation on a covariance that is not PSD. Cheap enough for
# the sanitizer build, unlike riskgrid_var_test.sh's runs.
#
# Usage: riskgrid_var_errors_test.sh RISKGRID_VAR MPIEXEC DATA_DIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
data=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-var-errors-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv"
        --covariance "$data/covariance.csv" --as-of 2026-11-25)

# --- bad input ------------------------------------------------------------------------------

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

# --repair-correlation: the not-PSD tiny covariance (correlation 2) becomes correlation 1,
# at Frobenius distance sqrt(2) in correlation and sqrt(2)·1e-4 in covariance, reported on
# stderr; a PSD covariance is left alone (the same measures as without the flag).
problems=()
rc=0
"$var" "${tiny_not_psd[@]}" --repair-correlation --out "$tiny/repaired.json" \
  >/dev/null 2>"$work/repair.stderr" || rc=$?
[[ $rc -eq 0 && -s $tiny/repaired.json ]] || problems+=("exit status $rc: $(head -n 1 "$work/repair.stderr")")
grep -q "^note: $tiny/not_psd.csv is not positive semi-definite (smallest eigenvalue -[0-9.e-]*); --repair-correlation .*Frobenius distance 1.41421[0-9]* in correlation, 0.000141421[0-9]* in covariance" \
  "$work/repair.stderr" || problems+=("stderr: $(head -n 2 "$work/repair.stderr")")
"$var" "${tiny_psd[@]}" --repair-correlation --quiet --out "$tiny/psd_flag.json" >/dev/null 2>&1 || problems+=("PSD run failed")
[[ -s $tiny/psd_flag.json && "$(json_value "$tiny/psd_flag.json" measures)" == "$(json_value "$tiny/ok.json" measures)" ]] ||
  problems+=("a PSD covariance changed with --repair-correlation")
report "--repair-correlation repairs a non-PSD covariance and reports the distance" ${problems[@]+"${problems[@]}"}

missing="$work/no such market.csv"
expect_error "a missing file" "error: $missing: " "$var" -- \
  --portfolio "$data/portfolio.csv" --market "$missing" --covariance "$data/covariance.csv" --as-of 2026-11-25
expect_error "a malformed number names the file and its physical line" \
  "error: $bad_market:$bad_line: value: expected a finite decimal number, got '12abc'" "$var" -- \
  "${with_bad_market[@]}"
expect_error "--confidence 1.5" "error: --confidence: " "$var" -- "${sample[@]}" --confidence 1.5
expect_error "--tail-csv in a missing directory leaves --out untouched" "error: $work/no-such-dir/tail.csv: " \
  "$var" -- "${sample[@]}" --scenarios 2000 --quiet --tail-csv "$work/no-such-dir/tail.csv"
expect_error "--confidence 0.99,abc" "error: --confidence: " "$var" -- "${sample[@]}" --confidence 0.99,abc
expect_error "--scenarios 0" "error: --scenarios: " "$var" -- "${sample[@]}" --scenarios 0
expect_error "--as-of 2026-02-30" "error: --as-of: " "$var" -- \
  --portfolio "$data/portfolio.csv" --market "$data/market.csv" --covariance "$data/covariance.csv" \
  --as-of 2026-02-30
expect_error "an unknown option" "error: " "$var" -- "${sample[@]}" --no-such-option
expect_error "--threads 0" "error: --threads: " "$var" -- "${sample[@]}" --threads 0
expect_error "--threads -2" "error: --threads: " "$var" -- "${sample[@]}" --threads -2
expect_error "--threads many" "error: --threads: " "$var" -- "${sample[@]}" --threads many
expect_error "--schedule fast" "error: --schedule: " "$var" -- "${sample[@]}" --schedule fast
expect_error "--model foo" "error: --model: " "$var" -- "${sample[@]}" --model foo
expect_error "--model historical without --history" "error: --history: " "$var" -- "${sample[@]}" --model historical
expect_error "--dof 2" "error: --dof: " "$var" -- "${sample[@]}" --model student-t --dof 2
expect_error "--lambda 1" "error: --lambda: " "$var" -- "${sample[@]}" --model filtered-historical --history "$data/history.csv" --lambda 1
expect_error "--sobol with student-t" "error: --sobol: " "$var" -- "${sample[@]}" --model student-t --sobol
expect_error "--repair-correlation with historical" "error: --repair-correlation: " "$var" -- \
  "${sample[@]}" --model historical --history "$data/history.csv" --repair-correlation
expect_error "a horizon longer than the history" "error: $data/history.csv: " "$var" -- \
  "${sample[@]}" --model historical --history "$data/history.csv" --horizon-days 2000
expect_error "--scenarios other than the history's windows" "error: --scenarios: " "$var" -- \
  "${sample[@]}" --model historical --history "$data/history.csv" --scenarios 5
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
expect_error "--threads 2 at -n 2" "error: --threads: " "$mpiexec" -n 2 "$var" -- "${sample[@]}" --threads 2
expect_error "--schedule fast at -n 2" "error: --schedule: " "$mpiexec" -n 2 "$var" -- "${sample[@]}" --schedule fast
expect_error "a missing factor at -n 3" "error: $tiny/unshocked.csv:4: " "$mpiexec" -n 3 "$var" -- \
  "${tiny_unshocked[@]}"

if [[ $failures -ne 0 ]]; then
  echo "riskgrid_var_errors_test: $failures check(s) FAILED"
  exit 1
fi
echo "riskgrid_var_errors_test: all checks passed"
