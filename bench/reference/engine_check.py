"""Numerics check of the PyTorch reference against the engine.

`bench/dump-check.ts` writes a safetensors file with the engine's initial weights and
feedback, two batches, and, per rule, what the engine computed: the gradients of batch 0,
the weights after its Adam step, and the gradients of batch 1 (which exercise the auto
theta_e statistic carried across batches). This module replays the same two steps in
PyTorch and reports, per tensor, the largest difference relative to the tensor's largest
magnitude (max|ours - engine| / max|engine|) and the cosine similarity. Adam's step is
compared in units of the learning rate; batch 1 then starts from the engine's weights, so
that a last-bit rounding difference in Adam cannot flip a spike and hide a real mismatch.

Verdict per rule: `exact` when every gradient agrees to EXACT_TOLERANCE (what a BLAS that
sums in the natural order gives, e.g. Debian's reference BLAS: ~1e-6); `close` when they
differ more but every gradient's cosine similarity is above CLOSE_COSINE: float32 sums in
another order (an optimised BLAS) moved a value across a spike threshold. The sigma-delta
error cells meet such ties often (their integrators hold exact multiples of theta_e), so
`close` is expected for `microcircuit` under OpenBLAS. `fail` otherwise.
"""
from __future__ import annotations

import json
from typing import Any

import numpy as np
import torch

from data_io import read_safetensors
from snn_conv import ConvReferenceSNN, conv_params_from_circuit
from snn_model import ReferenceSNN, params_from_circuit

EXACT_TOLERANCE = 1e-4  # max|ours - engine| / max|engine| over every gradient tensor
CLOSE_COSINE = 0.99


def _compare(ours: np.ndarray, engine: np.ndarray) -> dict[str, float]:
    a, b = ours.astype(np.float64).ravel(), engine.astype(np.float64).ravel()
    scale = float(np.abs(b).max()) or 1.0
    denom = float(np.linalg.norm(a) * np.linalg.norm(b)) or 1.0
    return {"maxRel": float(np.abs(a - b).max()) / scale, "cosine": float(a @ b) / denom}


def run_check(path: str) -> dict[str, Any]:
    """Replays the dumped batches for every rule in the file; returns a JSON-able report."""
    torch.set_num_threads(1)
    tensors, meta = read_safetensors(path)
    image = "inputShape" in meta  # a circuit with conv / pooling layers
    sizes = tuple(json.loads(meta["sizes"])) if not image else ()
    rules = meta["rules"].split(",")
    init = {k: torch.from_numpy(v) for k, v in tensors.items() if k.startswith("layers.")}
    batches = [(torch.from_numpy(tensors[f"batch.{b}.images"]), torch.from_numpy(tensors[f"batch.{b}.labels"]).long())
               for b in range(2)]
    report: dict[str, Any] = {"file": path, "rules": {}, "passed": True}
    for rule in rules:
        circuit = json.loads(meta[f"circuit.{rule}"])
        net: ReferenceSNN | ConvReferenceSNN
        if image:
            cp = conv_params_from_circuit(circuit, tuple(json.loads(meta["inputShape"])))
            net = ConvReferenceSNN(cp, rule, init, torch.device("cpu"), int(meta["classes"]))
            weighted, lr, names = net.weighted, cp.lr * (min(1.0, 1 / cp.warmup_steps) if cp.warmup_steps else 1.0), net.param_names
        else:
            p = params_from_circuit(circuit, sizes[0])
            net = ReferenceSNN(p, rule, init, torch.device("cpu"))
            weighted, lr = list(range(net.n_layers)), p.lr
            names = [f"layers.{i}.weight" for i in weighted] + [f"layers.{i}.bias" for i in weighted]
        rows: dict[str, dict[str, float]] = {}
        for b, (x, y) in enumerate(batches):
            stats = net.train_batch(x, y, step=True)
            for name, g in zip(names, net.last_grads):
                rows[f"batch{b}.grad.{name}"] = _compare(g.numpy(), tensors[f"{rule}.batch.{b}.grad.{name}"])
            engine_loss = float(tensors[f"{rule}.batch.{b}.loss"][0])
            rows[f"batch{b}.loss"] = {"maxRel": abs(stats["loss"] - engine_loss) / max(abs(engine_loss), 1e-30), "cosine": 1.0}
            assert net.last_counts is not None
            mismatch = int((net.last_counts.numpy() != tensors[f"{rule}.batch.{b}.counts"]).sum())
            rows[f"batch{b}.outputCountMismatches"] = {"maxRel": float(mismatch), "cosine": 1.0}
            if b == 0:
                # Adam's step: differences measured in units of the learning rate
                for i in weighted:
                    ours = (net.weights[i] - init[f"layers.{i}.weight"]).numpy()
                    engine = tensors[f"{rule}.after.layers.{i}.weight"] - tensors[f"layers.{i}.weight"]
                    rows[f"adamStep.layers.{i}.weight"] = {"maxRel": float(np.abs(ours - engine).max()) / lr,
                                                           "cosine": _compare(ours, engine)["cosine"]}
                # batch 1 starts from the engine's weights (Adam state and theta_e statistic are ours):
                # a last-bit difference of Adam's rounding would otherwise flip the odd spike
                with torch.no_grad():
                    for i in weighted:
                        net.weights[i].copy_(torch.from_numpy(tensors[f"{rule}.after.layers.{i}.weight"]))
                        net.biases[i].copy_(torch.from_numpy(tensors[f"{rule}.after.layers.{i}.bias"]))
        worst = max(v["maxRel"] for k, v in rows.items() if ".grad." in k)
        cosine = min(v["cosine"] for k, v in rows.items() if ".grad." in k)
        verdict = "exact" if worst <= EXACT_TOLERANCE else "close" if cosine >= CLOSE_COSINE else "fail"
        report["rules"][rule] = {"maxRelGrad": worst, "minCosine": cosine, "tolerance": EXACT_TOLERANCE,
                                 "verdict": verdict, "passed": verdict != "fail", "tensors": rows}
        report["passed"] = report["passed"] and verdict != "fail"
    return report
