"""PyTorch (eager, inference_mode, fp32), ONNX Runtime and OpenVINO counterparts of `repro bench`.

Times timm's DeiT-S (random weights) the same way `repro bench` times the Swift model:
warm-up batches, then timed batches until --seconds have passed (at least 3), images/s from the
median batch time. Prints one JSON object per measurement.

    python3 experiments/bench/torch_bench.py --batch 1 --threads 2 [--onnx] [--openvino]

OpenVINO is forced to fp32 (INFERENCE_PRECISION_HINT=f32): on CPUs with bf16 (AMX, AVX512_BF16)
its default would compute in bf16, which is not the comparison this project makes.
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
    ap.add_argument("--openvino", action="store_true", help="also time OpenVINO (CPU plugin, fp32 forced)")
    args = ap.parse_args()

    torch.set_num_threads(args.threads)
    torch.manual_seed(0)
    model = build_deit_small()
    x = torch.randn(args.batch, 3, 224, 224)
    macs = 4_608_338_304  # fvcore count of DeiT-S 224, the same constant `repro bench` uses

    def report(runtime, median, iters, **extra):
        ips = args.batch / median
        print(json.dumps({**extra,
            "runtime": runtime, "model": "deit-s", "batch": args.batch, "threads": args.threads,
            "images_per_second": ips, "median_batch_seconds": median, "timed_batches": iters,
            "gflop_per_second": 2 * macs * ips / 1e9, "torch": torch.__version__,
        }), flush=True)

    with torch.inference_mode():
        median, iters = timed(lambda: model(x), args.warmup, 3, args.seconds)
    report("pytorch-eager", median, iters)

    if args.openvino:
        openvino_bench(args, model, x, report)

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


def openvino_bench(args, model, x, report):
    try:
        import openvino as ov
    except ImportError:
        print(json.dumps({"runtime": "openvino", "error": "not installed"}))
        return
    core = ov.Core()
    ov_model = ov.convert_model(model, example_input=x)
    compiled = core.compile_model(ov_model, "CPU", {
        "INFERENCE_NUM_THREADS": args.threads,
        "INFERENCE_PRECISION_HINT": "f32",
        "PERFORMANCE_HINT": "LATENCY",
    })
    # Say what it really ran with: a precision other than f32 would make the row meaningless.
    precision = str(compiled.get_property("INFERENCE_PRECISION_HINT"))
    request = compiled.create_infer_request()
    feed = {0: x.numpy()}
    median, iters = timed(lambda: request.infer(feed), args.warmup, 3, args.seconds)
    report(f"openvino-{ov.__version__.split('-')[0]}", median, iters, precision=precision)


if __name__ == "__main__":
    main()
