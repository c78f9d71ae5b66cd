#!/usr/bin/env bash
# A build for AVX2 (x86-64-v3) and a build for AVX-512 (x86-64-v4) of riskgrid-var give
# byte-identical results on the bundled sample (DESIGN.md §5: contraction is pinned and
# no kernel depends on the SIMD width), so a heterogeneous cluster may mix them:
#  - each binary's --version names the SIMD architecture it was built for (avx2 / avx512);
#  - Gaussian (20,000 scenarios, full attribution, --tail-csv), historical (h = 10, full
#    attribution, --tail-csv), Student-t antithetic and Gaussian Sobol runs: the JSON apart
#    from `timing`, and the tail CSV, are the same bytes;
#  - the checkpoint records of a Gaussian run are the same files, so a run checkpointed on
#    one kind of machine may be resumed on the other.
# Exit 77 (skipped) when this CPU cannot run the AVX-512 (or the AVX2) build.
#
# Usage: simd_arch_test.sh RISKGRID_VAR_AVX2 RISKGRID_VAR_AVX512 DATA_DIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR_AVX2 RISKGRID_VAR_AVX512 DATA_DIR" >&2
  exit 64
fi
declare -A bin=([avx2]=$1 [avx512]=$2)
data=$3

# x86-64-v4 = AVX-512 F, BW, CD, DQ, VL on top of x86-64-v3 (AVX2, FMA, BMI2, ...).
flags=" $(grep -m 1 '^flags' /proc/cpuinfo 2>/dev/null | cut -d: -f2) "
for f in avx2 fma bmi2 avx512f avx512bw avx512cd avx512dq avx512vl; do
  if [[ $flags != *" $f "* ]]; then
    echo "SKIP this CPU lacks $f: cannot run both builds"
    exit 77
  fi
done

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-simd-arch-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

# --- each build reports the architecture it uses -----------------------------------------
problems=()
for arch in avx2 avx512; do
  version=$("${bin[$arch]}" --version 2>&1) || problems+=("$arch: --version failed: $version")
  echo "     $arch build: $version"
  simd=$(sed -n 's/.*(simd \([^)]*\)).*/\1/p' <<<"$version")
  case $arch in
    avx2) [[ $simd == *avx2* && $simd != *avx512* ]] || problems+=("the x86-64-v3 build reports simd '$simd'") ;;
    avx512) [[ $simd == avx512* ]] || problems+=("the x86-64-v4 build reports simd '$simd'") ;;
  esac
done
report "the two builds use AVX2 and AVX-512" ${problems[@]+"${problems[@]}"}

# --- same bytes -------------------------------------------------------------------------
sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv" --as-of 2026-11-25 --threads 1 --quiet)
# run_args NAME ARCH: the arguments of run NAME in `call` (paths may hold spaces).
run_args() {
  local out=$work/$1-$2
  case $1 in
    gaussian) call=(--covariance "$data/covariance.csv" --scenarios 20000 --chunk-size 3000 --tail-csv "$out.csv") ;;
    historical) call=(--model historical --history "$data/history.csv" --horizon-days 10 --chunk-size 500
                      --tail-csv "$out.csv") ;;
    student_t) call=(--model student-t --dof 4 --antithetic --covariance "$data/covariance.csv" --scenarios 20000
                     --attribution none) ;;
    sobol) call=(--sobol --covariance "$data/covariance.csv" --scenarios 20000 --attribution none) ;;
    records) call=(--covariance "$data/covariance.csv" --scenarios 20000 --chunk-size 3000 --attribution none
                   --checkpoint "$out.checkpoint") ;;
  esac
}
for name in gaussian historical student_t sobol records; do
  problems=()
  for arch in avx2 avx512; do
    run_args "$name" "$arch"
    rc=0
    "${bin[$arch]}" "${sample[@]}" "${call[@]}" --out "$work/$name-$arch.json" \
      >"$work/$name-$arch.stdout" 2>"$work/$name-$arch.stderr" || rc=$?
    [[ $rc -eq 0 ]] || problems+=("$arch: exit status $rc: $(head -n 2 "$work/$name-$arch.stderr")")
  done
  if [[ ${#problems[@]} -eq 0 ]]; then
    # Everything but timing and the checkpoint's path, numbers as written.
    for arch in avx2 avx512; do
      python3 -c 'import json, sys
d = json.load(open(sys.argv[1]), parse_float=str)
d.pop("timing", None)
d.get("checkpoint", {}).pop("directory", None)
print(json.dumps(d, sort_keys=True))' "$work/$name-$arch.json" >"$work/$name-$arch.cmp"
    done
    cmp -s "$work/$name-avx2.cmp" "$work/$name-avx512.cmp" || problems+=("the JSON results differ")
    [[ $(json_value "$work/$name-avx2.json" measures) == "$(json_value "$work/$name-avx512.json" measures)" ]] ||
      problems+=("measures differ")
    # Not vacuous: two levels with a positive VaR.
    python3 -c 'import json, sys
m = json.load(open(sys.argv[1]))["measures"]
sys.exit(0 if len(m) == 2 and all(x["var"] > 0 and x["es"] >= x["var"] for x in m) else 1)' \
      "$work/$name-avx2.json" || problems+=("implausible measures: $(json_value "$work/$name-avx2.json" measures | head -c 200 || true)")
    if [[ $name == gaussian || $name == historical ]]; then
      cmp -s "$work/$name-avx2.csv" "$work/$name-avx512.csv" || problems+=("the tail CSVs differ")
      [[ $(wc -l <"$work/$name-avx2.csv") -gt 2 ]] || problems+=("tail CSV has $(wc -l <"$work/$name-avx2.csv") lines")
    fi
    if [[ $name == records ]]; then
      diff -r -q "$work/$name-avx2.checkpoint" "$work/$name-avx512.checkpoint" >/dev/null ||
        problems+=("the checkpoint directories differ: $(diff -r -q "$work/$name-avx2.checkpoint" "$work/$name-avx512.checkpoint" | head -n 1 || true)")
      records=$(find "$work/$name-avx2.checkpoint" -name 'chunk-*.rec' | wc -l)
      [[ $records -eq 7 ]] || problems+=("$records chunk records, expected 7")
    fi
  fi
  report "$name: AVX2 and AVX-512 builds give the same bytes" ${problems[@]+"${problems[@]}"}
done

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
