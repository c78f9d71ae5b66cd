# Helpers shared by the end-to-end test scripts (sourced, not run).
#
# report NAME PROBLEM...: prints PASS NAME when no problem is given, else FAIL with the
# problems joined by ';' and counts it in $failures (the caller sets failures=0 first).
report() {
  local name=$1
  shift
  if [[ $# -eq 0 ]]; then
    echo "PASS $name"
  else
    echo "FAIL $name: $(IFS=';'; echo "$*")"
    failures=$((failures + 1))
  fi
}

# json_value FILE KEY...: the JSON value at the key path, numbers exactly as written in
# the file (parse_float=str keeps their text), so equal output means byte-identical numbers.
json_value() {
  python3 -c 'import json, sys
d = json.load(open(sys.argv[1]), parse_float=str)
for k in sys.argv[2:]: d = d[k]
print(json.dumps(d))' "$@"
}

# expect_error NAME PREFIX LAUNCH... -- ARGS...
# Runs LAUNCH... ARGS... --out FILE twice, without and then with an older FILE, and
# requires: status 2; stdout empty; on stderr exactly one line starting with `error: `,
# which starts with PREFIX; FILE neither created nor changed; no file left beside it.
# A launcher (mpiexec) may add its own lines on stderr: with one, only the lines starting
# with `error: ` are counted. Needs $work; leaves the last stderr in $work/error.stderr.
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
  local problems=() round rc errors extra
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
    extra=$(cd "$dir" && ls -A | grep -v -x result.json || true)
    [[ -z $extra ]] || problems+=("$round: left files beside the output: $extra")
  done
  report "$name" ${problems[@]+"${problems[@]}"}
  echo "     stderr: $(head -n 1 "$work/error.stderr")"
}
