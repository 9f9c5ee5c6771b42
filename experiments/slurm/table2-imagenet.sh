#!/usr/bin/env bash
# Slurm job array: evaluate a suite on N machines, one shard each, then merge and report.
#
#   swift build -c release --product repro                    # once, before submitting
#   jid=$(sbatch --parsable --array=0-15 experiments/slurm/table2-imagenet.sh)      # 16 shards
#   sbatch --dependency=afterok:$jid --export=ALL,MERGE=1,SHARDS=16 experiments/slurm/table2-imagenet.sh
#
# Each array task evaluates the images whose position % N == i into its own store on local
# disk (SQLite's WAL mode needs a local file system) and copies it to the shared
# $RESULTS/shards/ when it ends, however it ends. The merge job (it runs only when every task
# succeeded) combines the N shard stores into $RESULTS/results.sqlite, times throughput on one
# machine and writes the reports.
#
# Stops: `scancel`, a time limit or a preemption sends SIGTERM, then SIGKILL after the
# cluster's KillWait. repro finishes the batch in flight, marks its run interrupted and exits;
# this script still copies the store to $RESULTS/shards/. Resubmit the task alone — its store
# is picked up from the node's local disk or from $RESULTS/shards/, and the run resumes:
#   sbatch --array=5 --export=ALL,SHARDS=16 experiments/slurm/table2-imagenet.sh
# (set SHARDS when submitting fewer tasks than shards), then the merge job as above with
# --dependency=afterok on the resubmitted job.
#
# Parameters (environment; sbatch passes the submitting shell's environment through):
#   SUITE    suite name or file                  (table2-imagenet)
#   DATA     image folder, or "suite" for the suite's own data   (/data/imagenet/val)
#   CKPT     folder holding the released checkpoints (/ckpt), used by the default WEIGHTS
#   WEIGHTS  space-separated MODEL=FILE list, or "suite" for the suite's own weights
#            (default: the five ImageNet checkpoints in $CKPT)
#   SHARDS   shard count n                        (the array's task count)
#   RESULTS  shared results folder                (results, in the submit directory)
#   REPORTS  reports folder for the merge job     (Reports)
#   REPRO    the repro binary                     (.build/release/repro)
#   BATCH    images per batch                     (repro's default)
#   THREADS  threads per task                     ($SLURM_CPUS_PER_TASK)
#   THROUGHPUT=0  skip the throughput runs in the merge job
#SBATCH --job-name=repro-table2
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=24:00:00
set -euo pipefail

SUITE=${SUITE:-table2-imagenet}
DATA=${DATA:-/data/imagenet/val}
CKPT=${CKPT:-/ckpt}
REPO=${REPO:-${SLURM_SUBMIT_DIR:-$PWD}}
SHARDS=${SHARDS:-${SLURM_ARRAY_TASK_COUNT:-}}
RESULTS=${RESULTS:-results}
REPORTS=${REPORTS:-Reports}
REPRO=${REPRO:-.build/release/repro}
THREADS=${THREADS:-${SLURM_CPUS_PER_TASK:-1}}
cd "$REPO"

if [ -z "$SHARDS" ]; then
    echo "table2-imagenet.sh: set SHARDS (the shard count) for the merge job or a resubmitted task" >&2
    exit 2
fi
shards_dir=$RESULTS/shards
mkdir -p "$shards_dir"
label=$(basename "$SUITE" .json)
shard_store() { echo "$shards_dir/$label.shard-$1-of-$SHARDS.sqlite"; }

args=(--suite "$SUITE" --threads "$THREADS")
[ "$DATA" = suite ] || args+=(--data "$DATA")
[ -z "${BATCH:-}" ] || args+=(--batch "$BATCH")
if [ "${WEIGHTS:-}" = suite ]; then
    :
elif [ -n "${WEIGHTS:-}" ]; then
    for w in $WEIGHTS; do args+=(--weights "$w"); done
else
    args+=(--weights "deit-s=$CKPT/deit_small_patch16_224-cd65a155.pth"
           --weights "cf-vit=$CKPT/cf-vit-deit-s-7x7.pth"
           --weights "lf-vit=$CKPT/lf-vit-deit-s-7x7.pth"
           --weights "lv-vit-s=$CKPT/lvvit_s-26M-224-83.3.pth.tar"
           --weights "cf-vit-lvvit=$CKPT/cf-vit-lvvit-s-7x7.pth")
fi

if [ "${MERGE:-0}" = 1 ]; then
    parts=()
    for i in $(seq 0 $((SHARDS - 1))); do
        s=$(shard_store "$i")
        [ -f "$s" ] || { echo "table2-imagenet.sh: shard $i/$SHARDS is missing ($s)" >&2; exit 1; }
        parts+=("$s")
    done
    "$REPRO" merge "${parts[@]}" --into "$RESULTS/results.sqlite"
    if [ "${THROUGHPUT:-1}" = 1 ]; then
        # Throughput is timed once, on one machine, after the accuracy shards are merged.
        "$REPRO" run "${args[@]}" --mode throughput --db "$RESULTS/results.sqlite" --no-report
    fi
    "$REPRO" report --suite "$SUITE" --db "$RESULTS/results.sqlite" --reports "$REPORTS"
    exit 0
fi

i=${SLURM_ARRAY_TASK_ID:?submit as a job array (sbatch --array=0-N) or set MERGE=1}
shared=$(shard_store "$i")
local_db=${TMPDIR:-/tmp}/repro-$label.shard-$i-of-$SHARDS.sqlite
# Resume from whichever copy is newer: this node's, or the shared one (another node's).
if [ -f "$shared" ] && { [ ! -f "$local_db" ] || [ "$shared" -nt "$local_db" ]; }; then
    rm -f "$local_db-wal" "$local_db-shm"
    cp "$shared" "$local_db"
fi

# A stop (SIGTERM from scancel or the time limit) reaches repro too; bash runs this trap once
# repro has exited, so the copy below still happens.
stopped=0
trap 'stopped=1' TERM INT
set +e
"$REPRO" run "${args[@]}" --mode accuracy --shard "$i/$SHARDS" --db "$local_db" --no-report
status=$?
set -e

# Fold the log into the file, then publish atomically: the merge reads complete files only.
if [ -f "$local_db" ]; then
    sqlite3 "$local_db" 'PRAGMA wal_checkpoint(TRUNCATE)' >/dev/null
    cp "$local_db" "$shared.part"
    mv "$shared.part" "$shared"
fi
echo "table2-imagenet.sh: shard $i/$SHARDS exited with $status$([ $stopped = 1 ] && echo ' (stopped by a signal)'); store copied to $shared"
exit $status
