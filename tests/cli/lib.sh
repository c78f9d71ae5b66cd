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
