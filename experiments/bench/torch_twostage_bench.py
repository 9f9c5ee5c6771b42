"""PyTorch counterpart of `repro bench --model cf-vit-deit-s-7x7 --eta η` (and LF-ViT).

Times the reference CF-ViT / LF-ViT (experiments/reference, the official forward_early_exit
semantics: stage 1 on the batch, stage 2 on the images with max softmax < float32(η)) with the
same seeded-random weights recipe as the Swift benchmark is NOT possible bit for bit (different
generators), so the exit share is reported beside the time: compare times at equal exit share.

    python3 experiments/bench/torch_twostage_bench.py --model cf-vit-deit-s-7x7 --batch 32 --eta 0.5
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
from reference.init import random_init_  # noqa: E402

PRESETS = {
    "cf-vit-deit-s-7x7": lambda: TwoStageConfig("cf-vit", ViTConfig.deit_small(224)),
    "lf-vit-deit-s-7x7": lambda: TwoStageConfig("lf-vit", ViTConfig.deit_small(224), region_size=5),
}


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--model", choices=sorted(PRESETS), default="cf-vit-deit-s-7x7")
    ap.add_argument("--batch", type=int, default=32)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--eta", type=float, default=None, help="early-exit threshold (omit: both stages for every image)")
    ap.add_argument("--warmup", type=int, default=1)
    ap.add_argument("--seconds", type=float, default=5)
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = TwoStageViT(PRESETS[args.model]()).eval()
    random_init_(model, seed=0)
    x = torch.randn(args.batch, 3, 224, 224)
    refined = []

    def step():
        if args.eta is None:
            model(x)
        else:
            _, mask = model.forward_early_exit(x, args.eta)
            refined.append(int(mask.sum()))

    with torch.inference_mode():
        for _ in range(args.warmup):
            step()
        refined.clear()
        times = []
        start = time.perf_counter()
        while len(times) < 3 or time.perf_counter() - start < args.seconds:
            t0 = time.perf_counter()
            step()
            times.append(time.perf_counter() - t0)
    median = statistics.median(times)
    share = None if args.eta is None else 1 - sum(refined) / (len(refined) * args.batch)
    print(json.dumps({"runtime": "pytorch-eager", "model": args.model, "batch": args.batch, "threads": args.threads,
                      "eta": args.eta, "images_per_second": args.batch / median, "median_batch_seconds": median,
                      "timed_batches": len(times), "stage1_exit_share": share, "torch": torch.__version__}))


if __name__ == "__main__":
    main()
