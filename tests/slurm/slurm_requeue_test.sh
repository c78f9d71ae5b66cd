#!/usr/bin/env bash
# The Slurm requeue test of issue 6: brings up a private single-node Slurm cluster from
# Debian's packages (all state in a temporary directory, a private munged, no systemd),
# submits examples/slurm/riskgrid-var.sbatch, interrupts the job twice while it runs
# (`scontrol requeue`, then marking the node DOWN and resuming it), and checks that the
# restarted job resumed from its checkpoint (fewer chunks computed than there are) and
# wrote the measures of an uninterrupted run, to the byte. Success is judged from the
# job's own result and checkpoint, never from Slurm's job state.
#
# Usage: slurm_requeue_test.sh RISKGRID_VAR DATA_DIR SBATCH_SCRIPT
# Exit 77 (ctest SKIP_RETURN_CODE) if the Slurm packages are absent; must run as root
# (SlurmUser=root). Stops the daemons it started, by PID, on every exit path.
set -euo pipefail

if [[ $# -ne 3 ]]; then
  echo "usage: $0 RISKGRID_VAR DATA_DIR SBATCH_SCRIPT" >&2
  exit 64
fi
var=$(realpath "$1")
data=$(realpath "$2")
script=$(realpath "$3")

for tool in slurmctld slurmd munged mungekey sbatch scontrol sinfo squeue; do
  if ! command -v "$tool" >/dev/null 2>&1 && [[ ! -x /usr/sbin/$tool ]]; then
    echo "SKIP: $tool not installed (apt-get install --no-install-recommends slurmctld slurmd slurm-client munge)"
    exit 77
  fi
done
if [[ $(id -u) -ne 0 ]]; then
  echo "SKIP: the private cluster runs its daemons as root"
  exit 77
fi
export PATH=$PATH:/usr/sbin

work=$(mktemp -d "${TMPDIR:-/tmp}/riskgrid-slurm-test.XXXXXX")
chmod 755 "$work"
host=$(hostname -s)
job_id=""
stop_pid() {  # stop_pid PIDFILE: SIGTERM, then SIGKILL after 5 s
  [[ -s $1 ]] || return 0
  local pid
  pid=$(cat "$1")
  kill "$pid" 2>/dev/null || return 0
  for _ in $(seq 1 50); do
    kill -0 "$pid" 2>/dev/null || return 0
    sleep 0.1
  done
  kill -KILL "$pid" 2>/dev/null || true
}
cleanup() {
  if [[ -n $job_id ]]; then
    scancel "$job_id" 2>/dev/null || true
    for _ in $(seq 1 50); do
      [[ -z $(squeue -h -j "$job_id" 2>/dev/null) ]] && break
      sleep 0.2
    done
  fi
  stop_pid "$work/slurmd.pid"
  stop_pid "$work/slurmctld.pid"
  stop_pid "$work/munge/munged.pid"
  if [[ ${KEEP_WORK:-0} == 1 ]]; then echo "work directory kept: $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT

failures=0
# shellcheck source=tests/cli/lib.sh
source "$(dirname "${BASH_SOURCE[0]}")/../cli/lib.sh"
fail_setup() {
  echo "FAIL $1"
  for log in "$work"/munge/munged.log "$work"/slurmctld.log "$work"/slurmd.log; do
    [[ -s $log ]] && { echo "--- $log"; tail -n 15 "$log"; }
  done
  exit 1
}

# --- a private munged ---------------------------------------------------------------------
mkdir -p "$work/munge"
chmod 711 "$work/munge"
mungekey -c -k "$work/munge/munge.key" >/dev/null 2>&1 || mungekey --create --keyfile="$work/munge/munge.key"
chmod 600 "$work/munge/munge.key"
munged --socket="$work/munge/munge.socket" --key-file="$work/munge/munge.key" \
  --pid-file="$work/munge/munged.pid" --log-file="$work/munge/munged.log" \
  --seed-file="$work/munge/munged.seed" || fail_setup "munged did not start"

# --- slurm.conf: one node, this host; random ports so parallel runs do not collide ------------
port=$((20000 + RANDOM % 20000))
cpus=2
memory=$(($(awk '/MemTotal/ {print int($2 / 1024)}' /proc/meminfo) / 2))
conf=$work/slurm.conf
cat >"$conf" <<CONF
ClusterName=riskgridtest
SlurmctldHost=$host
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$work/munge/munge.socket,cred_expire=5
StateSaveLocation=$work/state
SlurmdSpoolDir=$work/spool
SlurmctldPidFile=$work/slurmctld.pid
SlurmdPidFile=$work/slurmd.pid
SlurmctldLogFile=$work/slurmctld.log
SlurmdLogFile=$work/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
SchedulerParameters=sched_interval=1,bf_interval=1
JobRequeue=1
ReturnToService=1
KillWait=5
MpiDefault=none
SlurmdParameters=config_overrides
NodeName=$host CPUs=$cpus RealMemory=$memory State=UNKNOWN
PartitionName=test Nodes=$host Default=YES MaxTime=INFINITE State=UP
CONF
mkdir -p "$work/state" "$work/spool"
export SLURM_CONF=$conf
slurmctld -c -f "$conf" || fail_setup "slurmctld did not start"
slurmd -f "$conf" || fail_setup "slurmd did not start"
state=""
for _ in $(seq 1 150); do
  state=$(sinfo -h -n "$host" -o %T 2>/dev/null || true)
  [[ $state == idle ]] && break
  sleep 0.2
done
[[ $state == idle ]] || fail_setup "the node is '$state', not idle, after 30 s"
echo "cluster up: node $host idle (ports $port, $((port + 1)))"

# --- the job and its uninterrupted reference ----------------------------------------------------
chunks=600
args="--portfolio $data/portfolio.csv --market $data/market.csv --covariance $data/covariance.csv --as-of 2026-11-25 --scenarios 2400000 --chunk-size 4000 --quiet"
records() { { find "$work/checkpoints" -mindepth 2 -maxdepth 2 -name 'chunk-*.rec' 2>/dev/null || true; } | wc -l; }

# shellcheck disable=SC2086
"$var" $args --threads 2 --out "$work/reference.json" 2>"$work/reference.stderr" ||
  fail_setup "reference run failed: $(head -n 2 "$work/reference.stderr")"
reference=$(json_value "$work/reference.json" measures)

cd "$work"
job_id=$(sbatch --parsable \
  --export=ALL,RISKGRID_VAR="$var",RISKGRID_ARGS="$args",CHECKPOINT_ROOT="$work/checkpoints",RESULT="$work/result.json",OMPI_ALLOW_RUN_AS_ROOT=1,OMPI_ALLOW_RUN_AS_ROOT_CONFIRM=1,OMPI_MCA_btl_vader_single_copy_mechanism=none \
  "$script")
echo "submitted job $job_id"

wait_records() {  # wait_records N SECONDS: until at least N records exist
  local deadline=$((SECONDS + $2))
  while [[ $SECONDS -lt $deadline ]]; do
    [[ $(records) -ge $1 ]] && return 0
    sleep 0.1
  done
  return 1
}

# Interruption 1: scontrol requeue once 10 % of the chunks are durable.
problems=()
wait_records $((chunks / 10)) 120 || problems+=("fewer than $((chunks / 10)) records after 120 s")
first=$(records)
scontrol requeue "$job_id" || problems+=("scontrol requeue failed")
report "requeued with scontrol after $first of $chunks chunks" ${problems[@]+"${problems[@]}"}

# Interruption 2: node DOWN then resume, once the restarted job has added records.
problems=()
sleep 6  # the requeued job's processes are gone within 2-5 s
before=$(records)
wait_records $((before + chunks / 10)) 120 || problems+=("the restarted job made no progress in 120 s")
second=$(records)
[[ $second -lt $chunks ]] || problems+=("the job finished before the second interruption")
scontrol update nodename="$host" state=down reason=riskgrid-test || problems+=("marking the node down failed")
sleep 3
scontrol update nodename="$host" state=resume || problems+=("resuming the node failed")
report "node marked DOWN and resumed after $second of $chunks chunks" ${problems[@]+"${problems[@]}"}

# The job completes on its third start.
deadline=$((SECONDS + 300))
while [[ $SECONDS -lt $deadline && ! -s $work/result.json ]]; do sleep 0.5; done
for _ in $(seq 1 50); do
  [[ -z $(squeue -h -j "$job_id" 2>/dev/null) ]] && break
  sleep 0.2
done

problems=()
log=$work/riskgrid-var-$job_id.log
if [[ ! -s $work/result.json ]]; then
  problems+=("no result after 300 s; log: $(tail -n 5 "$log" 2>/dev/null | tr '\n' ' ')")
else
  [[ $(json_value "$work/result.json" measures) == "$reference" ]] || problems+=("measures differ from the uninterrupted run")
  loaded=$(json_value "$work/result.json" checkpoint chunks_loaded)
  computed=$(json_value "$work/result.json" checkpoint chunks_computed)
  echo "     final start: $loaded chunks loaded, $computed computed"
  [[ $loaded -ge $second && $computed -lt $chunks && $((loaded + computed)) -eq $chunks ]] ||
    problems+=("the final start loaded $loaded and computed $computed chunks: not a resume")
fi
restarts=$(grep -c '^riskgrid-var.sbatch: job .*, restart [0-9]*, ' "$log" 2>/dev/null || true)
[[ $restarts -eq 3 ]] || problems+=("$restarts starts in the job log, expected 3: $(grep -h '^riskgrid-var.sbatch' "$log" 2>/dev/null | tr '\n' ' ')")
grep -q "restart 2, .*checkpoint $work/checkpoints/riskgridtest-$job_id-" "$log" 2>/dev/null ||
  problems+=("the third start is not restart 2 on the job's own checkpoint directory")
[[ $(find "$work/checkpoints" -mindepth 1 -maxdepth 1 -type d | wc -l) -eq 1 ]] ||
  problems+=("the restarts did not all use one checkpoint directory: $(ls "$work/checkpoints")")
report "the requeued job resumed from its checkpoint and wrote the uninterrupted measures" ${problems[@]+"${problems[@]}"}

if [[ $failures -ne 0 ]]; then
  echo "--- job log"; cat "$log" 2>/dev/null | tail -n 30
  echo "slurm_requeue_test: $failures check(s) FAILED"
  exit 1
fi
echo "slurm_requeue_test: all checks passed"
