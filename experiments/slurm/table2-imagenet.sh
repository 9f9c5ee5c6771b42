#!/usr/bin/env bash
# Slurm job array: evaluate a suite on N machines, one shard each, then merge and report.
#
#   swift build -c release --product repro                            # once, before submitting
#   sbatch --array=0-15 experiments/slurm/table2-imagenet.sh          # 16 shards
#   sbatch --dependency=afterok:<array job id> --export=MERGE=1 experiments/slurm/table2-imagenet.sh
#
# Each shard evaluates the images whose position % N == i into its own store on local disk
# (SQLite's WAL mode needs a local file system), copies it to the shared results/shards/, and
# the merge job combines the shards into results/results.sqlite and writes the reports.
# Edit the paths below; everything else comes from the suite file.
#SBATCH --job-name=repro-table2
#SBATCH --cpus-per-task=8
#SBATCH --mem=8G
#SBATCH --time=24:00:00
set -euo pipefail

SUITE=${SUITE:-table2-imagenet}
DATA=${DATA:-/data/imagenet/val}
CKPT=${CKPT:-/ckpt}
REPO=${REPO:-$SLURM_SUBMIT_DIR}
SHARDS=${SLURM_ARRAY_TASK_COUNT:-16}
cd "$REPO"
mkdir -p results/shards

weights=(--weights "deit-s=$CKPT/deit_small_patch16_224-cd65a155.pth"
         --weights "cf-vit=$CKPT/cf-vit-deit-s-7x7.pth"
         --weights "lf-vit=$CKPT/lf-vit-deit-s-7x7.pth"
         --weights "lv-vit-s=$CKPT/lvvit_s-26M-224-83.3.pth.tar"
         --weights "cf-vit-lvvit=$CKPT/cf-vit-lvvit-s-7x7.pth")

if [ "${MERGE:-0}" = 1 ]; then
    .build/release/repro merge results/shards/"$SUITE"-*.sqlite --into results/results.sqlite
    # Throughput is timed once, on one machine, after the accuracy shards are merged.
    .build/release/repro --suite "$SUITE" --data "$DATA" "${weights[@]}" --mode throughput \
        --threads "$SLURM_CPUS_PER_TASK"
    .build/release/repro report --suite "$SUITE"
    exit 0
fi

i=$SLURM_ARRAY_TASK_ID
local_db="${TMPDIR:-/tmp}/$SUITE-$i.sqlite"
.build/release/repro --suite "$SUITE" --data "$DATA" "${weights[@]}" --mode accuracy \
    --shard "$i/$SHARDS" --db "$local_db" --threads "$SLURM_CPUS_PER_TASK" --no-report
sqlite3 "$local_db" 'PRAGMA wal_checkpoint(TRUNCATE)'
cp "$local_db" "results/shards/$SUITE-$i.sqlite"
