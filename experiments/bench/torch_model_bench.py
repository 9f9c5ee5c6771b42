"""PyTorch counterpart of `repro bench` for any model spec: plain ViT, CF-ViT or LF-ViT.

The model comes from the reference implementation (experiments/reference), which matches the
official code (and the Swift port) output for output. Weights are seeded random ones or a
checkpoint in the official layout (.safetensors / .pth); inputs are random or real images
from an ImageNet-style folder through torchvision's eval transform. Early exit follows the
official forward_early_exit: stage 1 on the batch, stage 2 on the images whose max softmax is
below float32(η). With the same weights and images the exits are the same as in Swift, so the
times compare like for like. Timing as `repro bench`: warm-up, then batches until --seconds
have passed (at least 3), images/s from the median batch.

    python3 experiments/bench/torch_model_bench.py --spec SPEC.json --batch 32 --eta 0.5,1.0
"""
import argparse
import json
import os
import statistics
import sys
import time

import torch

sys.path.insert(0, os.path.join(os.path.dirname(__file__), ".."))
from reference import TwoStageConfig, TwoStageViT, ViTConfig  # noqa: E402
from reference.vit import ViT  # noqa: E402
from reference.init import random_init_  # noqa: E402


def load_state_dict(path):
    if path.endswith(".safetensors"):
        from safetensors.torch import load_file
        return load_file(path)
    ckpt = torch.load(path, map_location="cpu", weights_only=False)
    sd = ckpt.get("model", ckpt.get("state_dict", ckpt)) if isinstance(ckpt, dict) else ckpt
    return {k.removeprefix("module."): v for k, v in sd.items()}


def real_batches(folder, size, crop_pct, batch, limit):
    from torchvision import datasets, transforms
    tf = transforms.Compose([
        transforms.Resize(int(size / crop_pct), interpolation=transforms.InterpolationMode.BICUBIC),
        transforms.CenterCrop(size), transforms.ToTensor(),
        transforms.Normalize((0.485, 0.456, 0.406), (0.229, 0.224, 0.225))])
    ds = datasets.ImageFolder(folder, tf)
    xs = torch.stack([ds[i][0] for i in range(min(limit, len(ds)))])
    return [xs[i:i + batch] for i in range(0, len(xs) - batch + 1, batch)]


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--spec", required=True, help="model spec JSON as `repro flops --model NAME --json` prints it (its 'spec')")
    ap.add_argument("--weights", help="checkpoint in the official layout (default: seeded random weights)")
    ap.add_argument("--data", help="ImageNet-style folder for real inputs (default: random inputs)")
    ap.add_argument("--images", type=int, default=256)
    ap.add_argument("--crop-pct", type=float, default=0.875)
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--eta", default=None, help="comma-separated early-exit thresholds (two-stage models)")
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    spec = json.load(open(args.spec))
    spec = spec.get("spec", spec)
    if spec["kind"] == "vit":
        cfg = ViTConfig.from_dict(spec["config"])
        model = ViT(cfg)
        size = cfg.image_size
    else:
        cfg = TwoStageConfig.from_dict(spec["config"])
        model = TwoStageViT(cfg)
        size = cfg.backbone.image_size
    if args.weights:
        model.load_state_dict(load_state_dict(args.weights), strict=True)
    else:
        random_init_(model, seed=0)
    model.eval()
    batches = (real_batches(args.data, size, args.crop_pct, args.batch, args.images) if args.data
               else [torch.randn(args.batch, 3, size, size)])
    etas = [None] if args.eta is None else [float(e) for e in args.eta.split(",")]
    for eta in etas:
        state = {"next": 0, "refined": 0, "images": 0}

        def step():
            x = batches[state["next"] % len(batches)]
            state["next"] += 1
            if spec["kind"] == "vit" or eta is None:
                model(x)
            else:
                _, refined = model.forward_early_exit(x, eta)
                state["refined"] += int(refined.sum())
            state["images"] += x.shape[0]

        with torch.inference_mode():
            for _ in range(args.warmup):
                step()
            state.update(refined=0, images=0)
            times = []
            start = time.perf_counter()
            while len(times) < 3 or time.perf_counter() - start < args.seconds:
                t0 = time.perf_counter()
                step()
                times.append(time.perf_counter() - t0)
        median = statistics.median(times)
        share = None if eta is None or spec["kind"] == "vit" else 1 - state["refined"] / state["images"]
        print(json.dumps({"runtime": "pytorch-eager", "batch": args.batch, "threads": args.threads, "eta": eta,
                          "images_per_second": args.batch / median, "median_batch_seconds": median,
                          "timed_batches": len(times), "stage1_exit_share": share, "torch": torch.__version__}),
              flush=True)


if __name__ == "__main__":
    main()
