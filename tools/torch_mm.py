#!/usr/bin/env python3
"""torch.mm reference for the GPU compute phase: TFLOP/s per size and precision, and a device-to-device copy.

Two timings per GEMM, both with CUDA events:
  per_call  events around each torch.mm (mean of --iterations after --warmup calls): includes the launch gap
            while the GPU waits for Python, as most torch.mm benchmarks do;
  batched   events around a batch of back-to-back torch.mm, batch sized from one timed call so a batch lasts
            about --batch-ms (1 to 2000), mean of --iterations batches after one untimed batch: the method of
            computellm's phase, so the two compare like for like.
Prints one JSON object on stdout.
"""
import argparse
import json
import math
import statistics
import sys

import torch


def set_fp32_mode(tf32):
    mm = torch.backends.cuda.matmul
    if hasattr(mm, "fp32_precision"):   # PyTorch >= 2.9
        mm.fp32_precision = "tf32" if tf32 else "ieee"
    else:
        mm.allow_tf32 = tf32


def time_events(fn, count):
    start = torch.cuda.Event(enable_timing=True)
    stop = torch.cuda.Event(enable_timing=True)
    start.record()
    for _ in range(count):
        fn()
    stop.record()
    stop.synchronize()
    return start.elapsed_time(stop) / 1000.0


def stats(times, flops):
    mean = statistics.fmean(times)
    return {
        "mean_tflops": flops / mean / 1e12,
        "best_tflops": flops / min(times) / 1e12,
        "mean_s": mean,
        "std_s": statistics.stdev(times) if len(times) > 1 else 0.0,
        "times_s": times,
    }


def bench_gemm(n, prec, args):
    dtype = {"fp32": torch.float32, "tf32": torch.float32, "fp16": torch.float16, "bf16": torch.bfloat16}[prec]
    set_fp32_mode(prec == "tf32")
    a = (torch.rand(n, n, device="cuda") * 2 - 1).to(dtype)
    b = (torch.rand(n, n, device="cuda") * 2 - 1).to(dtype)
    c = torch.empty(n, n, device="cuda", dtype=dtype)
    flops = 2.0 * n ** 3

    def mm():
        torch.mm(a, b, out=c)

    for _ in range(args.warmup):
        mm()
    torch.cuda.synchronize()
    per_call = [time_events(mm, 1) for _ in range(args.iterations)]

    t1 = time_events(mm, 1)
    batch = max(1, min(2000, math.ceil(args.batch_ms / 1000.0 / t1))) if t1 > 0 else 2000
    time_events(mm, batch)
    batched = [time_events(mm, batch) / batch for _ in range(args.iterations)]

    ref = torch.mm(a.double(), b.double())
    err = ((c.double() - ref).abs().max() / ref.pow(2).mean().sqrt()).item()
    out = {"per_call": stats(per_call, flops), "batched": stats(batched, flops), "batch": batch, "check_rel_err": err}
    del a, b, c, ref
    torch.cuda.empty_cache()
    return out


def bench_copy(nbytes, iterations):
    x = torch.ones(nbytes, dtype=torch.uint8, device="cuda")
    y = torch.empty_like(x)
    y.copy_(x)
    torch.cuda.synchronize()
    times = [time_events(lambda: y.copy_(x), 1) for _ in range(iterations)]
    gbps = [2.0 * nbytes / t / 1e9 for t in times]   # read + write, as computellm counts
    del x, y
    torch.cuda.empty_cache()
    return {"best_gbps": max(gbps), "mean_gbps": statistics.fmean(gbps), "times_s": times, "bytes": nbytes}


def cublas_path():
    """The libcublas this process loaded (torch may bring its own), from /proc/self/maps."""
    try:
        with open("/proc/self/maps") as f:
            for line in f:
                if "libcublas.so" in line:
                    return line.split()[-1]
    except OSError:
        pass
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="1024,2048,4096")
    ap.add_argument("--precisions", default="fp32,tf32,fp16,bf16")
    ap.add_argument("--iterations", type=int, default=10)
    ap.add_argument("--warmup", type=int, default=3)
    ap.add_argument("--batch-ms", type=float, default=25.0)
    ap.add_argument("--copy-mb", type=int, default=1024)
    args = ap.parse_args()

    torch.manual_seed(0)
    props = torch.cuda.get_device_properties(0)
    res = {
        "torch": torch.__version__,
        "cuda": torch.version.cuda,
        "device": props.name,
        "results": {},
    }
    for n in [int(s) for s in args.sizes.split(",")]:
        key = f"{n}x{n}"
        res["results"][key] = {}
        for prec in args.precisions.split(","):
            res["results"][key][prec] = bench_gemm(n, prec, args)
            r = res["results"][key][prec]
            print(f"torch {prec} {key}: per-call {r['per_call']['mean_tflops']:.1f}, batched "
                  f"{r['batched']['mean_tflops']:.1f} TFLOP/s (batch {r['batch']})", file=sys.stderr)
    set_fp32_mode(False)
    res["cublas_path"] = cublas_path()
    res["memory"] = {"d2d": bench_copy(args.copy_mb << 20, max(args.iterations, 5))}
    json.dump(res, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main()
