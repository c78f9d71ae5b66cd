#!/bin/sh
# Installs riskgrid's build and test dependencies from Debian 12 packages (clang-14 and
# libclang-rt-14-dev, which holds libFuzzer, for the fuzz targets: fuzz/README.md; Slurm
# and munge for the private cluster of the slurm.requeue test: tests/slurm/).
# Idempotent: packages already present are skipped by apt-get. Needs root or sudo.
set -eu

packages="build-essential cmake pkg-config
  libeigen3-dev libxsimd-dev xtl-dev librandom123-dev
  libboost-dev libboost-math-dev libboost-mpi-dev libopenmpi-dev openmpi-bin
  catch2 libbenchmark-dev libcli11-dev nlohmann-json3-dev
  libquantlib0-dev
  clang-14 libclang-rt-14-dev
  slurmctld slurmd slurm-client munge"

if [ "$(id -u)" -eq 0 ]; then sudo=""; else sudo="sudo"; fi

missing=""
for p in $packages; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing="$missing $p"
done

if [ -n "$missing" ]; then
  export DEBIAN_FRONTEND=noninteractive
  $sudo apt-get update -qq
  # shellcheck disable=SC2086
  $sudo apt-get install -y -qq --no-install-recommends $missing
fi
