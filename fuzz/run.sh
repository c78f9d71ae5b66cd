#!/bin/sh
# Runs one libFuzzer target the way ctest's fuzz.<loader> entries do (fuzz/CMakeLists.txt):
#   run.sh FUZZER WORK_DIR SEED_DIR REGRESSION_DIR [libFuzzer options...]
# WORK_DIR is emptied and receives the inputs libFuzzer finds (the source tree is never
# written); the seeds and the reproducers of past bugs (if any) are read first, so a
# reproducer that crashes again fails the entry at once. Crash artifacts go to
# WORK_DIR/../artifacts/. Exit status: libFuzzer's (0 = no finding).
set -eu
fuzzer=$1 work=$2 seeds=$3 regressions=$4
shift 4
artifacts=$(dirname "$work")/artifacts/$(basename "$work")
rm -rf "$work"
mkdir -p "$work" "$artifacts"
set -- -artifact_prefix="$artifacts/" -print_final_stats=1 "$@" "$work" "$seeds"
[ -d "$regressions" ] && set -- "$@" "$regressions"
exec "$fuzzer" "$@"
