#!/usr/bin/env bash
# riskgrid-var --plot FILE.svg (issue 7):
#  - the sample at -n 1 and -n 2 (Gaussian) and under the historical model writes SVGs
#    that parse as XML, whose title names the model, N and the horizon, whose VaR/ES
#    markers carry the JSON's values exactly and are labelled with them, whose bars hold
#    every scenario with heights proportional to their counts, and whose bins put the
#    k-th worst scenario (the VaR) on the right side of the VaR line;
#  - the SVG is byte-identical at -n 1 and -n 2;
#  - --plot into a missing directory: status 2, one `error:` line, no output file.
#
# Usage: riskgrid_var_plot_test.sh RISKGRID_VAR MPIEXEC DATA_DIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
data=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-var-plot-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

sample=(--portfolio "$data/portfolio.csv" --market "$data/market.csv"
        --covariance "$data/covariance.csv" --as-of 2026-11-25)

# check_plot SVG JSON: the SVG against the run's JSON; prints the problem and fails.
check_plot() {
  python3 - "$1" "$2" <<'EOF'
import json, math, re, sys
import xml.etree.ElementTree as ET

svg_path, json_path = sys.argv[1], sys.argv[2]
r = json.load(open(json_path))
ns = {"s": "http://www.w3.org/2000/svg"}
root = ET.parse(svg_path).getroot()
assert root.tag == "{http://www.w3.org/2000/svg}svg", root.tag
texts = ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]

title = next(t for t in root.iter("{http://www.w3.org/2000/svg}text") if t.get("class") == "title").text
n = r["scenarios"]
for part in (r["model"] + " model", "N = {:,} scenarios".format(n), "{}-day horizon".format(r["horizon_days"])):
    assert part in title, "title %r does not name %r" % (title, part)
assert any(t.startswith("P&L (" + r["base_currency"] + ")") for t in texts), "no x-axis label with the currency"

markers = {float(g.get("data-value")): g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "marker"}
assert len(markers) == 2 * len(r["measures"]), "markers: %s" % sorted(markers)
for m in r["measures"]:
    level = ("%.10g" % (100 * m["confidence"])) + "%"
    for key in ("var", "es"):
        name = key.replace("var", "VaR").replace("es", "ES")
        # The marker sits exactly at the JSON's value (shortest round-trip on both sides).
        assert -m[key] in markers, "no marker at -%s = %r" % (key, -m[key])
        label = "".join(markers[-m[key]].find("s:text", ns).itertext())
        assert label == name + " " + level, "marker label %r" % label
        amount = "{:,.0f}".format(m[key]) if abs(m[key]) >= 1000 else "{:,.2f}".format(m[key])
        legend = "%s %s = %s %s" % (name, level, amount, r["base_currency"])
        assert legend in texts, "no legend %r" % legend

bars = [b for b in root.iter("{http://www.w3.org/2000/svg}rect") if b.get("class") == "bar"]
bins = []
for b in bars:
    lo, hi, close, count = re.fullmatch(r"\[(\S+), (\S+)([)\]]): (\d+)", b.find("s:title", ns).text).groups()
    bins.append((float(lo), float(hi), int(count), float(b.get("height"))))
assert sum(c for _, _, c, _ in bins) == n, "bars hold %d scenarios, expected %d" % (sum(c for _, _, c, _ in bins), n)
assert all(bins[i][1] == bins[i + 1][0] for i in range(len(bins) - 1)), "bins are not contiguous"
assert bins[0][0] == r["pnl"]["min"] and bins[-1][1] == r["pnl"]["max"], "bins do not span [min, max]"
peak = max(bins, key=lambda x: x[2])
for lo, hi, c, h in bins:
    assert abs(h - c * peak[3] / peak[2]) <= 0.011, "bar height %r for count %d, peak %r" % (h, c, peak)
# −VaR is the k-th smallest P&L, k = floor(N(1 − α)) + 1: fewer than k scenarios in the
# bins wholly below it, at least k up to the bin that holds it.
for m in r["measures"]:
    k = math.floor(n * (1 - m["confidence"]) + 1e-9) + 1
    below = sum(c for lo, hi, c, _ in bins if hi <= -m["var"])
    upto = sum(c for lo, hi, c, _ in bins if lo <= -m["var"])
    assert below < k <= upto, "VaR %r: %d scenarios in bins below, %d up to its bin, k = %d" % (m["var"], below, upto, k)
EOF
}

out=$work/out
mkdir "$out"
for run in np1 np2 historical-np1 historical-np2; do
  problems=()
  case $run in
    np1) cmd=("$mpiexec" -n 1 "$var" "${sample[@]}" --threads 1 --scenarios 20000) ;;
    np2) cmd=("$mpiexec" -n 2 "$var" "${sample[@]}" --scenarios 20000) ;;
    historical-np1) cmd=("$mpiexec" -n 1 "$var" "${sample[@]}" --threads 1 --model historical --history "$data/history.csv") ;;
    historical-np2) cmd=("$mpiexec" -n 2 "$var" "${sample[@]}" --model historical --history "$data/history.csv" --horizon-days 1) ;;
  esac
  rc=0
  "${cmd[@]}" --chunk-size 1000 --attribution none --quiet --out "$out/$run.json" --plot "$out/$run.svg" \
    >"$work/$run.stdout" 2>"$work/$run.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("exit status $rc: $(head -n 3 "$work/$run.stderr")")
  if [[ -s $out/$run.svg && -s $out/$run.json ]]; then
    check_plot "$out/$run.svg" "$out/$run.json" 2>"$work/$run.check" || problems+=("$(tail -n 1 "$work/$run.check")")
  else
    problems+=("no SVG or no JSON written")
  fi
  report "--plot of $run: XML, title, VaR/ES markers equal to the JSON, bars hold every scenario" \
    ${problems[@]+"${problems[@]}"}
done
for model in "" historical-; do
  problems=()
  cmp -s "$out/${model}np1.svg" "$out/${model}np2.svg" || problems+=("the SVGs differ")
  report "--plot ${model:-gaussian-}np1 and np2 are byte-identical" ${problems[@]+"${problems[@]}"}
done
leftovers=$(cd "$out" && ls -A | grep -v -E '^(historical-)?np[12]\.(svg|json)$' || true)
report "successful runs leave no temporary file beside the outputs" ${leftovers:+"unexpected files: $leftovers"}

# --- a plot that cannot be written ----------------------------------------------------------
# expect_error's directory also receives the tail CSV: it must not be written either.
expect_error "--plot into a missing directory" "error: $work/missing/plot.svg: " "$var" -- \
  "${sample[@]}" --scenarios 2000 --attribution none --quiet --tail-csv "$work/error-out/tail.csv" \
  --plot "$work/missing/plot.svg"
expect_error "--plot into a missing directory under mpiexec -n 2" "error: $work/missing/plot.svg: " "$mpiexec" -n 2 "$var" -- \
  "${sample[@]}" --scenarios 2000 --attribution none --quiet --tail-csv "$work/error-out/tail.csv" \
  --plot "$work/missing/plot.svg"

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
