"""Evaluate the bundled models with the PyTorch reference and check issue 7's targets.

    python3 experiments/train/evaluate.py DATA            # the exported experiments/models/*.safetensors
    python3 experiments/train/evaluate.py DATA --work W   # or the checkpoints W/{vit,cf,lf}/final.pt

On DATA/val (the split `repro --suite table2` evaluates) it runs the baseline at full resolution
and both stages of CF-ViT and LF-ViT for every image, then sweeps the exit threshold the way the
official evaluation does (η = 0.00, 0.01, …, 0.99 and 1.0; an image exits at stage 1 iff its max
softmax ≥ float32(η)). Expected FLOPs at η = exit share × stage-1 cost + rest × cumulative
two-stage cost, with the costs of `repro flops` (the exported files carry them as `flops`).

Writes experiments/train/logs/evaluation.json and prints the key points against the targets:
  1. stage-1-only top-1 at least 5 points below the full-resolution top-1 (baseline and stage 2);
  2. each two-stage model reaches the baseline's top-1 within 0.5 points at ≤ 60 % of its FLOPs;
  3. at η = 1 each one exceeds the baseline or comes within 0.5 points.
Exit status 1 if a target is missed.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))
import bundled  # noqa: E402

ETAS = [i / 100 for i in range(100)] + [1.0]


def load(name: str, work: Path | None):
    """(model in eval mode, per-stage cumulative GFLOPs or None)."""
    model = bundled.build(name)
    if work is not None:
        model.load_state_dict(torch.load(work / bundled.WORK_SUBDIR[name] / "final.pt", weights_only=True), strict=True)
        return model.eval(), None
    from safetensors import safe_open
    path = bundled.MODEL_DIR / f"{name}.safetensors"
    with safe_open(str(path), "pt") as f:
        state = {k: f.get_tensor(k) for k in f.keys()}
        meta = f.metadata() or {}
    model.load_state_dict(state, strict=True)
    flops = json.loads(meta["flops"]) if "flops" in meta else None
    return model.eval(), [float(v) for v in flops] if flops else None


@torch.no_grad()
def probabilities(model, two_stage: bool, xs: torch.Tensor, batch: int = 100):
    """Softmax of every stage for every image (float32, as the official evaluation)."""
    p1, p2 = [], []
    for i in range(0, len(xs), batch):
        x = bundled.eval_batch(xs[i:i + batch])
        if two_stage:
            lo, hi = model(x)
            p1.append(torch.softmax(lo, 1))
        else:
            hi = model(x)
        p2.append(torch.softmax(hi, 1))
    return (torch.cat(p1) if p1 else None), torch.cat(p2)


def sweep(p1: torch.Tensor, p2: torch.Tensor, y: torch.Tensor, flops: list) -> list:
    conf1, pred1 = p1.max(1)
    pred2 = p2.argmax(1)
    rows = []
    for eta in ETAS:
        exits = conf1 >= torch.tensor(eta, dtype=torch.float32)
        pred = torch.where(exits, pred1, pred2)
        share = exits.float().mean().item()
        rows.append({"eta": eta, "top1": 100 * (pred == y).float().mean().item(), "exit_share": share,
                     "gflops": share * flops[0] + (1 - share) * flops[1]})
    return rows


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("data", type=Path, help="dataset root written by `repro synth` (holds val/)")
    ap.add_argument("--work", type=Path, help="evaluate WORK/{vit,cf,lf}/final.pt instead of the exported files")
    ap.add_argument("--repro", default="swift run -c release repro",
                    help="how to invoke the repro CLI for FLOPs when the weights carry none")
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--out", type=Path, default=bundled.LOG_DIR / "evaluation.json")
    a = ap.parse_args()
    torch.set_num_threads(a.threads)
    xs, ys, _, _ = bundled.load_split(a.data, "val")

    base_model, base_flops = load("bundled-vit", a.work)
    base_flops = base_flops or bundled.repro_flops("bundled-vit", a.repro)
    _, pb = probabilities(base_model, False, xs)
    base_top1 = 100 * (pb.argmax(1) == ys).float().mean().item()
    report = {"val_images": len(ys), "source": "checkpoints" if a.work else "experiments/models",
              "baseline": {"top1": base_top1, "gflops": base_flops[0]}, "models": {}}
    print(f"baseline bundled-vit: top-1 {base_top1:.1f} %, {base_flops[0]:.6f} GFLOPs ({len(ys)} val images)")
    ok = True
    for name in ("bundled-cf-vit", "bundled-lf-vit"):
        model, flops = load(name, a.work)
        flops = flops or bundled.repro_flops(name, a.repro)
        p1, p2 = probabilities(model, True, xs)
        rows = sweep(p1, p2, ys, flops)
        s1 = 100 * (p1.argmax(1) == ys).float().mean().item()
        s2 = rows[-1]["top1"]
        budget = 0.6 * base_flops[0]
        matching = [r for r in rows if r["top1"] >= base_top1 - 0.5]
        cheapest = min(matching, key=lambda r: r["gflops"]) if matching else None
        t1 = s1 <= min(base_top1, s2) - 5
        t2 = cheapest is not None and cheapest["gflops"] <= budget
        t3 = s2 >= base_top1 - 0.5
        ok &= t1 and t2 and t3
        report["models"][name] = {
            "gflops": flops, "stage1_top1": s1, "stage2_top1_eta1": s2,
            "cheapest_matching_baseline": cheapest, "targets": {"stage1_5_points_below": t1,
                                                                "matches_at_60pct_flops": t2,
                                                                "eta1_within_0.5": t3},
            "sweep": rows}
        mark = lambda b: "ok" if b else "MISSED"
        print(f"{name}: stage 1 top-1 {s1:.1f} % [{mark(t1)}: ≥ 5 below {min(base_top1, s2):.1f}], "
              f"η = 1 top-1 {s2:.1f} % [{mark(t3)}: ≥ {base_top1 - 0.5:.1f}]")
        if cheapest:
            print(f"  cheapest η within 0.5 of the baseline: η {cheapest['eta']:.2f}, top-1 {cheapest['top1']:.1f} %, "
                  f"{cheapest['gflops']:.4f} GFLOPs = {100 * cheapest['gflops'] / base_flops[0]:.0f} % of the "
                  f"baseline, {100 * cheapest['exit_share']:.0f} % exit at stage 1 [{mark(t2)}: ≤ 60 %]")
        else:
            print(f"  no η reaches {base_top1 - 0.5:.1f} % [MISSED]")
        for eta in (0.5, 0.7, 0.8, 0.9, 0.95, 0.99):
            r = rows[round(eta * 100)]
            print(f"  η {eta:.2f}: top-1 {r['top1']:.1f} %, {r['gflops']:.4f} GFLOPs, exit share {r['exit_share']:.2f}")
    report["all_targets_met"] = ok
    bundled.write_json(a.out, report)
    print(f"wrote {a.out}; all targets {'met' if ok else 'NOT met'}")
    sys.exit(0 if ok else 1)


if __name__ == "__main__":
    main()
