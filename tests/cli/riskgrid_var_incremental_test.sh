#!/usr/bin/env bash
# riskgrid-var --incremental (issue 5, item 2) end to end, on the bundled sample book:
#  - the JSON (measures with their desks and trades) is byte-identical at -n 1, 2 and 3;
#  - every desk and trade has incremental_var/_es; marginals are component / quantity,
#    null for sensitivity trades;
#  - the incremental VaR/ES of a desk and of a trade equal VaR(P) − VaR(P without it) from
#    separate runs on the portfolio file without them (the same scenarios: same seed), to
#    1e-12 of the portfolio's measure;
#  - a list of trade ids gives those trades' figures of `all`, to the bit;
#  - with --checkpoint the pass is recorded and a rerun resumes to the same bytes;
#  - bad values of --incremental: status 2, one `error:` line, no output file.
#
# Usage: riskgrid_var_incremental_test.sh RISKGRID_VAR MPIEXEC DATA_DIR
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR MPIEXEC DATA_DIR" >&2
  exit 64
fi
var=$1
mpiexec=$2
data=$3

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-var-incremental-test.XXXXXX")
trap 'rm -rf "$work"' EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

common=(--market "$data/market.csv" --covariance "$data/covariance.csv" --as-of 2026-11-25
        --scenarios 3000 --chunk-size 400 --threads 1 --confidence 0.99,0.975 --quiet)
sample=(--portfolio "$data/portfolio.csv" "${common[@]}")

# --- np-invariance ----------------------------------------------------------------------
for np in 1 2 3; do
  rc=0
  "$mpiexec" -n "$np" "$var" "${sample[@]}" --attribution components --incremental all \
    --out "$work/np$np.json" >"$work/np$np.stdout" 2>"$work/np$np.stderr" || rc=$?
  if [[ $rc -eq 0 && -s $work/np$np.json ]]; then report "--incremental all runs at -n $np"
  else report "--incremental all runs at -n $np" "exit status $rc: $(head -n 3 "$work/np$np.stderr")"; fi
done
problems=()
for np in 2 3; do
  [[ -s $work/np$np.json && $(json_value "$work/np$np.json" measures) == "$(json_value "$work/np1.json" measures)" ]] ||
    problems+=("measures (with desks and trades) at -n $np differ from -n 1")
done
report "incremental and marginal figures are byte-identical at -n 1, 2 and 3" ${problems[@]+"${problems[@]}"}

# --- shape: every position has its figures; marginal = component / quantity ------------------
problems=()
python3 - "$work/np1.json" "$data/portfolio.csv" >"$work/shape.txt" 2>&1 <<'EOF' || problems+=("$(tail -n 3 "$work/shape.txt")")
import csv, json, sys
d = json.load(open(sys.argv[1]))
rows = {r["id"]: r for r in csv.DictReader(open(sys.argv[2]))}
for m in d["measures"]:
    assert set(m["trades"]) == set(rows), "trade keys"
    assert set(m["desks"]) == {r["desk"] for r in rows.values()}, "desk keys"
    for part in ("trades", "desks"):
        for name, x in m[part].items():
            assert isinstance(x["incremental_var"], float) and isinstance(x["incremental_es"], float), (part, name, x)
    moved = [x for x in m["desks"].values() if abs(x["incremental_var"]) > 1e-3 * m["var"]]
    assert moved, "no desk moves the VaR: the test would be vacuous"
    for tid, x in m["trades"].items():
        r = rows[tid]
        if r["type"] == "sensitivity":
            assert x["marginal_var"] is None and x["marginal_es"] is None, (tid, x)
            continue
        q = float(r["quantity"]) if r["quantity"] else 1.0
        for key in ("var", "es"):
            c, mg = x["component_" + key], x["marginal_" + key]
            assert abs(mg * q - c) <= 1e-12 * max(abs(c), 1e-300), (tid, key, mg, q, c)
EOF
report "desks and trades carry incremental figures, marginal = component / quantity" ${problems[@]+"${problems[@]}"}

# --- oracle: the same run on the portfolio without the desk or the trade ------------------------
desk=rates
trade=$(awk -F, 'NR == 2 { print $1 }' "$data/portfolio.csv")
python3 - "$data/portfolio.csv" "$work/no_desk.csv" "$work/no_trade.csv" "$desk" "$trade" <<'EOF'
import csv, sys
rows = list(csv.reader(open(sys.argv[1], newline="")))
header, body = rows[0], rows[1:]
desk_col = header.index("desk")
for path, keep in ((sys.argv[2], lambda r: r[desk_col] != sys.argv[4]), (sys.argv[3], lambda r: r[0] != sys.argv[5])):
    with open(path, "w", newline="") as f:
        csv.writer(f, lineterminator="\n").writerows([header] + [r for r in body if keep(r)])
EOF
problems=()
for case in no_desk no_trade; do
  rc=0
  "$var" --portfolio "$work/$case.csv" "${common[@]}" --attribution none --out "$work/$case.json" \
    2>"$work/$case.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("$case run: exit status $rc: $(head -n 2 "$work/$case.stderr")")
done
if [[ ${#problems[@]} -eq 0 ]]; then
  python3 - "$work/np1.json" "$work/no_desk.json" "$work/no_trade.json" "$desk" "$trade" >"$work/oracle.txt" 2>&1 <<'EOF' ||
import json, sys
d, no_desk, no_trade = (json.load(open(p)) for p in sys.argv[1:4])
desk, trade = sys.argv[4], sys.argv[5]
for m, md, mt in zip(d["measures"], no_desk["measures"], no_trade["measures"]):
    for key in ("var", "es"):
        for got, rest in ((m["desks"][desk]["incremental_" + key], md[key]), (m["trades"][trade]["incremental_" + key], mt[key])):
            want = m[key] - rest
            assert abs(got - want) <= 1e-12 * abs(m[key]), (key, got, want)
    assert abs(m["desks"][desk]["incremental_var"]) > 1e-3 * m["var"], "the desk does not move the VaR"
EOF
    problems+=("$(tail -n 3 "$work/oracle.txt")")
fi
report "incremental VaR/ES of desk $desk and trade $trade equal runs without them (1e-12)" ${problems[@]+"${problems[@]}"}

# --- a list of ids: the same bits as `all` for those trades ---------------------------------
second=$(awk -F, 'NR == 300 { print $1 }' "$data/portfolio.csv")
rc=0
"$var" "${sample[@]}" --attribution components --incremental "$trade, $second" --out "$work/list.json" \
  2>"$work/list.stderr" || rc=$?
problems=()
if [[ $rc -ne 0 ]]; then
  problems+=("exit status $rc: $(head -n 2 "$work/list.stderr")")
else
  python3 - "$work/np1.json" "$work/list.json" "$trade" "$second" >"$work/list.txt" 2>&1 <<'EOF' ||
import json, sys
a, b = (json.load(open(p, encoding="utf-8"), parse_float=str) for p in sys.argv[1:3])
listed = set(sys.argv[3:5])
for ma, mb in zip(a["measures"], b["measures"]):
    for tid, x in mb["trades"].items():
        if tid in listed:
            assert x["incremental_var"] == ma["trades"][tid]["incremental_var"], tid
            assert x["incremental_es"] == ma["trades"][tid]["incremental_es"], tid
        else:
            assert "incremental_var" not in x, tid
    assert all("incremental_var" not in x for x in mb["desks"].values()), "desks"
EOF
    problems+=("$(tail -n 3 "$work/list.txt")")
fi
report "--incremental ID,ID gives those trades' figures of --incremental all, to the bit" ${problems[@]+"${problems[@]}"}

# --- checkpoint: recorded, and a rerun resumes to the same bytes -----------------------------
problems=()
for round in first again; do
  rc=0
  "$mpiexec" -n 2 "$var" "${sample[@]}" --attribution components --incremental desks --checkpoint "$work/ck" \
    --out "$work/ck-$round.json" 2>"$work/ck-$round.stderr" || rc=$?
  [[ $rc -eq 0 ]] || problems+=("$round: exit status $rc: $(head -n 2 "$work/ck-$round.stderr")")
done
records=$(find "$work/ck" -path '*/incremental-*' -type f | wc -l)
[[ $records -gt 1 ]] || problems+=("no records of the incremental pass under $work/ck")
if [[ ${#problems[@]} -eq 0 ]]; then
  [[ $(json_value "$work/ck-again.json" measures) == "$(json_value "$work/ck-first.json" measures)" ]] ||
    problems+=("the resumed run's measures differ")
  python3 -c 'import json, sys
a, b = (json.load(open(p), parse_float=str)["measures"] for p in sys.argv[1:3])
assert [{k: x["incremental_var"] for k, x in m["desks"].items()} for m in a] == \
       [{k: x["incremental_var"] for k, x in m["desks"].items()} for m in b]' "$work/ck-first.json" "$work/np1.json" ||
    problems+=("desks' incremental VaR with --checkpoint differs from the run without")
fi
report "--checkpoint records the incremental pass and a rerun gives the same bytes" ${problems[@]+"${problems[@]}"}

# --- bad values ----------------------------------------------------------------------------
expect_error "--incremental with an unknown trade id" "error: --incremental: no trade 'NOPE'" \
  "$var" -- "${sample[@]}" --incremental "$trade,NOPE"
expect_error "--incremental listing a trade twice" "error: --incremental: trade '$trade' listed twice" \
  "$var" -- "${sample[@]}" --incremental "$trade,$trade"
expect_error "--incremental with an empty entry" "error: --incremental: expected none, desks, trades, all" \
  "$var" -- "${sample[@]}" --incremental "$trade,,$second"
expect_error "--incremental with a trailing comma" "error: --incremental: expected none, desks, trades, all" \
  "$var" -- "${sample[@]}" --incremental "$trade,"
expect_error "--incremental without attribution" "error: --incremental: needs --attribution" \
  "$var" -- "${sample[@]}" --attribution none --incremental desks
expect_error "--incremental on 3 ranks with an unknown id" "error: --incremental: no trade 'NOPE'" \
  "$mpiexec" -n 3 "$var" -- "${sample[@]}" --incremental NOPE

if [[ $failures -ne 0 ]]; then
  echo "$failures check(s) failed"
  exit 1
fi
echo "all checks passed"
