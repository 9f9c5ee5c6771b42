"""PyTorch (eager, inference_mode, fp32) and ONNX Runtime counterparts of `repro bench`.

Times timm's DeiT-S (random weights) the same way `repro bench` times the Swift model:
warm-up batches, then timed batches until --seconds have passed (at least 3), images/s from the
median batch time. Prints one JSON object per measurement.

    python3 experiments/bench/torch_bench.py --batch 1 --threads 2 [--onnx]
"""
import argparse
import json
import os
import statistics
import tempfile
import time

import torch


def build_deit_small():
    import timm

    model = timm.create_model("deit_small_patch16_224", pretrained=False)
    # fused (SDPA) attention is timm's default and the faster one on CPU; keep the default so the
    # comparison is against PyTorch at its best.
    return model.eval()


def timed(step, warmup, min_iters, min_seconds):
    for _ in range(warmup):
        step()
    times = []
    start = time.perf_counter()
    while len(times) < min_iters or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        step()
        times.append(time.perf_counter() - t0)
    return statistics.median(times), len(times)


def main():
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--batch", type=int, default=1)
    ap.add_argument("--threads", type=int, default=os.cpu_count())
    ap.add_argument("--warmup", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=5)
    ap.add_argument("--onnx", action="store_true", help="also time ONNX Runtime (CPU EP)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build_deit_small()
    x = torch.randn(args.batch, 3, 224, 224)
    macs = 4_608_338_304  # fvcore count of DeiT-S 224, the same constant `repro bench` uses

    def report(runtime, median, iters):
        ips = args.batch / median
        print(json.dumps({
            "runtime": runtime, "model": "deit-s", "batch": args.batch, "threads": args.threads,
            "images_per_second": ips, "median_batch_seconds": median, "timed_batches": iters,
            "gflop_per_second": 2 * macs * ips / 1e9, "torch": torch.__version__,
        }), flush=True)

    with torch.inference_mode():
        median, iters = timed(lambda: model(x), args.warmup, 3, args.seconds)
    report("pytorch-eager", median, iters)

    if args.onnx:
        try:
            import onnxruntime as ort
        except ImportError:
            print(json.dumps({"runtime": "onnxruntime", "error": "not installed"}))
            return
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "deit_s.onnx")
            torch.onnx.export(model, x, path, input_names=["x"], output_names=["y"], dynamo=False,
                              dynamic_axes={"x": {0: "b"}, "y": {0: "b"}}, opset_version=17)
            so = ort.SessionOptions()
            so.intra_op_num_threads = args.threads
            so.inter_op_num_threads = 1
            sess = ort.InferenceSession(path, so, providers=["CPUExecutionProvider"])
            feed = {"x": x.numpy()}
            median, iters = timed(lambda: sess.run(None, feed), args.warmup, 3, args.seconds)
        report(f"onnxruntime-{ort.__version__}", median, iters)


if __name__ == "__main__":
    main()
