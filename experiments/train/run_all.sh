#!/usr/bin/env bash
# Trains the three bundled models as committed: baseline and the shared all-tokens phase side by
# side (1 thread each), then CF-ViT and LF-ViT from the shared checkpoint. Run from the repository
# root inside the Python environment:
#
#   swift run -c release repro synth --out DATA
#   experiments/train/run_all.sh DATA WORK        # WORK: checkpoints (about 0.9 GB), outside the repo
#
# Logs go to experiments/train/logs/ (<model>.json and <model>.txt); then run evaluate.py and
# export.py (README.md).
set -euo pipefail
DATA=${1:?usage: run_all.sh DATA WORK}
WORK=${2:?usage: run_all.sh DATA WORK}
EPOCHS=${EPOCHS:-30}
SWITCH_CF=$(( EPOCHS * 2 / 3 ))        # CF-ViT: selection after epoch 200 of 300
T=experiments/train/train.py
L=experiments/train/logs
mkdir -p "$WORK" "$L"

python3 $T "$DATA" --model bundled-vit --work "$WORK/vit" --epochs $EPOCHS > $L/bundled-vit.txt 2>&1 &
BASE=$!
python3 $T "$DATA" --model bundled-cf-vit --work "$WORK/joint" --epochs $EPOCHS --stop-after $SWITCH_CF \
    > $L/shared-all-tokens.txt 2>&1
FORK=$(printf '%s/joint/epoch-%03d.pt' "$WORK" $SWITCH_CF)
python3 $T "$DATA" --model bundled-cf-vit --work "$WORK/cf" --epochs $EPOCHS --resume "$FORK" \
    > $L/bundled-cf-vit.txt 2>&1 &
CF=$!
python3 $T "$DATA" --model bundled-lf-vit --work "$WORK/lf" --epochs $EPOCHS --resume "$FORK" \
    > $L/bundled-lf-vit.txt 2>&1 &
LF=$!
wait $BASE $CF $LF
