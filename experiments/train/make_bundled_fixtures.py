"""Parity fixtures for the bundled models: the PyTorch reference run on real validation images.

    python3 experiments/train/make_bundled_fixtures.py DATA

writes Tests/ViTTests/Fixtures/bundled/<model>.io.safetensors for each exported model in
experiments/models/, in the format of experiments/fixtures/make_model_fixtures.py (the keys of
`ViT.forward_features` / `TwoStageViT.trace`), and <model>.weights.safetensors as a relative
symlink to the committed weights, so nothing is stored twice. The plain ViT's fixture keeps
logits and features but not the per-block attention maps (5.6 MB for two images); the tiny
committed fixtures cover attention.

The two images per model are the first validation images, taken class by class (image 0 of class
0, of class 1, …), whose selection boundaries are clear of near ties (relative score gap ≥ 1e-4),
so the Swift port must select exactly the same cells.
"""
from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundled  # noqa: E402
from evaluate import load  # noqa: E402

sys.path.insert(0, str(bundled.EXPERIMENTS / "fixtures"))
from make_model_fixtures import f32, save, selection_gaps, worst  # noqa: E402

OUT = bundled.REPO / "Tests" / "ViTTests" / "Fixtures" / "bundled"
GAP_MIN = 1e-4
IMAGES = 2


def candidates(labels: torch.Tensor):
    """Validation indices class by class: the first image of each class, then the second, …"""
    per_class = {}
    for i, c in enumerate(labels.tolist()):
        per_class.setdefault(c, []).append(i)
    depth = max(len(v) for v in per_class.values())
    for j in range(depth):
        for c in sorted(per_class):
            if j < len(per_class[c]):
                yield per_class[c][j]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="dataset root written by `repro synth` (holds val/)")
    ap.add_argument("--out", type=Path, default=OUT)
    a = ap.parse_args()
    torch.set_num_threads(1)
    xs, ys, _, rel = bundled.load_split(a.data, "val")
    a.out.mkdir(parents=True, exist_ok=True)
    for name in bundled.NAMES:
        model, _ = load(name, None)
        cfg = bundled.config(name)
        chosen = []
        with torch.no_grad():
            for i in candidates(ys):
                x = bundled.eval_batch(xs[i:i + 1])
                if name != "bundled-vit":
                    bgap, ogap = selection_gaps(cfg, model.trace(x))
                    if min(worst(bgap), worst(ogap)) < GAP_MIN:
                        continue
                chosen.append(i)
                if len(chosen) == IMAGES:
                    break
            x = bundled.eval_batch(xs[chosen])
            if name == "bundled-vit":
                feats = model.forward_features(x)
                tensors = {"input": x, "logits": model.forward_head(feats), "features": feats}
                gaps = [None] * IMAGES
                kind = "vit"
            else:
                t = model.trace(x)
                gaps, _ = selection_gaps(cfg, t)
                tensors = {k: v for k, v in t.items() if not k.startswith("_")}
                kind = cfg.method
        weights = f"{name}.weights.safetensors"
        meta = {"format": "repro-fixture", "version": "1", "kind": kind, "config": cfg.to_json(),
                "torch": torch.__version__, "weights": weights, "producer": "experiments/reference",
                "images": json.dumps([rel[i] for i in chosen]), "labels": json.dumps(ys[chosen].tolist()),
                "min_rel_gap": json.dumps(gaps)}
        save({k: f32(v) for k, v in tensors.items()}, a.out / f"{name}.io.safetensors", meta)
        link = a.out / weights
        if link.is_symlink() or link.exists():
            link.unlink()
        os.symlink(os.path.relpath(bundled.MODEL_DIR / f"{name}.safetensors", a.out), link)
        print(f"{name}: images {[rel[i] for i in chosen]}, {(a.out / f'{name}.io.safetensors').stat().st_size:,} bytes")


if __name__ == "__main__":
    main()
