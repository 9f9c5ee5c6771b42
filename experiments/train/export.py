"""Export the trained bundled models as safetensors in the official key layout.

    python3 experiments/train/export.py WORK [--repro "swift run -c release repro"]

reads WORK/{vit,cf,lf}/final.pt (written by train.py through run_all.sh) and writes
experiments/models/bundled-{vit,cf-vit,lf-vit}.safetensors: every tensor F32, metadata
  format    = repro-weights
  config    = the Swift ModelSpec JSON {"kind": "vit" | "cf-vit" | "lf-vit", "config": {…}}
  flops     = JSON array of per-stage cumulative GFLOPs (numbers, six decimals) from
              `repro flops --model NAME --json`; the presets must exist in Sources/ViT/ModelSpec.swift
  train_log = the training log's file name (experiments/train/logs/)
  seed      = the training seed
  torch     = the torch version that trained it
The header is written with sorted keys, so a re-export of the same weights is byte-identical.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundled  # noqa: E402

sys.path.insert(0, str(bundled.EXPERIMENTS / "fixtures"))
from make_model_fixtures import save  # noqa: E402  (deterministic safetensors header)


def spec_json(name: str) -> str:
    cfg = bundled.config(name)
    kind = "vit" if name == "bundled-vit" else cfg.method
    return json.dumps({"kind": kind, "config": cfg.to_dict()})


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("work", type=Path, help="the WORK folder given to run_all.sh")
    ap.add_argument("--repro", default="swift run -c release repro", help="how to invoke the repro CLI")
    ap.add_argument("--out", type=Path, default=bundled.MODEL_DIR)
    a = ap.parse_args()
    a.out.mkdir(parents=True, exist_ok=True)
    for name in bundled.NAMES:
        log_path = bundled.LOG_DIR / f"{name}.json"
        log = bundled.read_json(log_path)
        if not log.get("finished"):
            raise SystemExit(f"{log_path}: training did not finish")
        state = torch.load(a.work / bundled.WORK_SUBDIR[name] / "final.pt", weights_only=True)
        model = bundled.build(name)
        model.load_state_dict(state, strict=True)  # exactly the reference layout, nothing extra
        flops = bundled.repro_flops(name, a.repro)
        meta = {"format": "repro-weights", "config": spec_json(name), "flops": json.dumps(flops),
                "train_log": log_path.name, "seed": str(log["seed"]), "torch": log["versions"]["torch"]}
        path = a.out / f"{name}.safetensors"
        save({k: v.detach().to(torch.float32).contiguous() for k, v in model.state_dict().items()}, path, meta)
        print(f"{path}: {len(state)} tensors, "
              f"{sum(v.numel() for v in state.values()):,} parameters, {path.stat().st_size:,} bytes, flops {flops}")


if __name__ == "__main__":
    main()
