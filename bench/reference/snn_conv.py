"""The Apical engine's training step on convolutional circuits, written in PyTorch.

The conv counterpart of snn_model.py (same equations, step order, rules and bookkeeping;
read that file first), for circuits of `conv`, `avg-pool` and `dense` layers such as the
cifar10-conv template. Engine semantics mirrored here (src-main/engine/layers/*):

  * conv: I = conv(a_prev, K) + b, kernel [k, k, in, out] (kept in that layout, as the
    engine's checkpoints hold it); the error goes down through the transposed convolution
    with the feedback kernel; the Hebbian product is the filter gradient of a_prev and v;
  * avg-pool: no cells, no weights; forward the average of each window of the traces,
    feedback the window's error spread evenly (weights 1 / size^2), E+ stays E+;
  * dense after an image: the input is flattened in the engine's height-width-channel order.

Tensors run in PyTorch's own NCHW layout (its fast convolution path); only the flatten
before a dense layer and the kernels' layout are converted. Supported: odd kernels with
stride 1 and `same` or `valid` padding; everything else raises `Unsupported`.
"""
from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any, Optional

import torch
import torch.nn.functional as F
from torch import Tensor

from snn_model import RULES, ErrorCells, Params, Unsupported, desired_trace, f32


@dataclass
class ConvParams(Params):
    """Params plus the layer list and the input image shape [h, w, c]."""

    input_shape: tuple[int, int, int] = (32, 32, 3)
    layers: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    warmup_steps: int = 0


def conv_params_from_circuit(circuit: dict[str, Any], input_shape: tuple[int, int, int]) -> ConvParams:
    """Reads a parsed engine circuit with conv / avg-pool layers; refuses what is not implemented."""
    layers = circuit["layers"]
    for layer in layers:
        if layer["kind"] == "conv" and (layer["stride"] != 1 or layer["kernel"] % 2 == 0):
            raise Unsupported("conv: only stride 1 and odd kernels are implemented")
        if layer["kind"] not in ("conv", "avg-pool", "dense"):
            raise Unsupported(f"layer kind {layer['kind']!r} is not implemented")
    if layers[0]["kind"] == "avg-pool":
        raise Unsupported("a pooling first layer is not implemented")
    n = circuit["neuron"]
    if n["reset"] != "zero" or n["refractory"] != 0 or n["surrogate"] != "boxcar":
        raise Unsupported("only reset 'zero', refractory 0 and the boxcar surrogate are implemented")
    if circuit["input"]["encoder"]["kind"] != "direct":
        raise Unsupported("only the direct encoder is implemented")
    rule = circuit["rule"]
    if rule["name"] == "microcircuit" and (rule["tauA"] != 1 or rule["gA"] != 0 or rule["errorDelay"]):
        raise Unsupported("microcircuit: only tauA 1, gA 0 and no error delay are implemented")
    opt = circuit["optimizer"]
    if opt["kind"] != "adam":
        raise Unsupported("only the adam optimiser is implemented")
    theta = rule.get("thetaE", {"mode": "auto", "scale": 0.25, "momentum": 0.9})
    return ConvParams(
        sizes=(), input_shape=tuple(input_shape), layers=tuple(layers),  # type: ignore[arg-type]
        steps=int(circuit["steps"]), batch=int(circuit["batch"]),
        tau_m=n["tauM"], tau_s=n["tauS"], v_th=n["vTh"], surrogate_width=n["surrogateWidth"],
        target_warmup=int(circuit["target"]["warmup"]),
        theta_mode=theta["mode"], theta_scale=theta.get("scale", 0.25),
        theta_momentum=theta.get("momentum", 0.9), theta_value=theta.get("value", 0.0),
        lr=opt["lr"], beta1=opt["beta1"], beta2=opt["beta2"], eps=opt["eps"], warmup_steps=int(opt.get("warmupSteps", 0)),
        init_gain=circuit["init"]["gain"], feedback_gain=circuit["init"]["feedbackGain"],
    )


@dataclass
class _Layer:
    """One layer's geometry: kind, input and output shapes [c, h, w] (or [n]), conv padding."""

    index: int
    kind: str
    in_shape: tuple[int, ...]
    out_shape: tuple[int, ...]
    weight_shape: tuple[int, ...] = ()
    padding: int = 0
    size: int = 0

    @property
    def cells(self) -> bool:
        return self.kind != "avg-pool"


def _geometry(p: ConvParams, classes: int) -> list[_Layer]:
    h, w, c = p.input_shape
    shape: tuple[int, ...] = (c, h, w)
    out: list[_Layer] = []
    for i, spec in enumerate(p.layers):
        if spec["kind"] == "conv":
            k = spec["kernel"]
            pad = (k - 1) // 2 if spec["padding"] == "same" else 0
            ci, hi, wi = shape
            ho, wo = hi + 2 * pad - k + 1, wi + 2 * pad - k + 1
            out.append(_Layer(i, "conv", shape, (spec["filters"], ho, wo), (k, k, ci, spec["filters"]), padding=pad))
        elif spec["kind"] == "avg-pool":
            s = spec["size"]
            ci, hi, wi = shape
            if hi % s or wi % s:
                raise Unsupported(f"avg-pool {s} on {hi}x{wi}")
            out.append(_Layer(i, "avg-pool", shape, (ci, hi // s, wi // s), size=s))
        else:
            n_in = math.prod(shape)
            out.append(_Layer(i, "dense", shape, (spec["units"],), (n_in, spec["units"])))
        shape = out[-1].out_shape
    if out[-1].kind != "dense" or out[-1].out_shape[0] != classes:
        raise Unsupported("the output layer must be dense with one unit per class")
    return out


def conv_random_init(p: ConvParams, device: torch.device, seed: int = 1, classes: int = 10) -> dict[str, Tensor]:
    """Weights and feedback with the engine's law U(-g/sqrt(fanIn), g/sqrt(fanIn)), biases zero."""
    gen = torch.Generator().manual_seed(seed)
    out: dict[str, Tensor] = {}
    for layer in _geometry(p, classes):
        if not layer.weight_shape:
            continue
        fan_in = math.prod(layer.weight_shape[:-1])
        out[f"layers.{layer.index}.weight"] = (torch.rand(*layer.weight_shape, generator=gen) * 2 - 1) * p.init_gain / math.sqrt(fan_in)
        out[f"layers.{layer.index}.bias"] = torch.zeros(layer.weight_shape[-1])
        if layer.index > 0:
            out[f"layers.{layer.index}.feedback"] = (torch.rand(*layer.weight_shape, generator=gen) * 2 - 1) * p.feedback_gain / math.sqrt(fan_in)
    return {k: v.to(device) for k, v in out.items()}


def _torch_kernel(k: Tensor) -> Tensor:
    """[k, k, in, out] (engine) -> [out, in, k, k] (torch)."""
    return k.permute(3, 2, 0, 1)


class ConvReferenceSNN:
    """A conv / pool / dense SNN trained by one local rule; `train_batch` is one optimiser step."""

    def __init__(self, p: ConvParams, rule: str, init: dict[str, Tensor], device: torch.device, classes: int = 10) -> None:
        if rule not in RULES:
            raise Unsupported(f"rule {rule!r} is not implemented (only {', '.join(RULES)})")
        self.p, self.rule, self.device = p, rule, device
        self.geo = _geometry(p, classes)
        self.weighted = [layer.index for layer in self.geo if layer.weight_shape]
        self.param_names = [f"layers.{i}.weight" for i in self.weighted] + [f"layers.{i}.bias" for i in self.weighted]
        self.weights = {i: init[f"layers.{i}.weight"].to(device).clone().contiguous() for i in self.weighted}
        self.biases = {i: init[f"layers.{i}.bias"].to(device).clone() for i in self.weighted}
        self.feedback = {i: init[f"layers.{i}.feedback"].to(device).abs() for i in self.weighted if i > 0}
        self.optimizer = torch.optim.Adam([*self.weights.values(), *self.biases.values()], lr=p.lr, betas=(p.beta1, p.beta2), eps=p.eps)
        self.steps_done = 0
        self.theta_ema: dict[int, Tensor] = {}
        self.target = [f32(x) for x in desired_trace(p.steps, p.target_warmup, p.tau_s)]
        self.decay = f32(1 - 1 / p.tau_m)
        self.keep = f32(1 - 1 / p.tau_s)
        self.inv_tau_s = f32(1 / p.tau_s)
        self.gate_height = f32(f32(1 / p.surrogate_width) * f32(1 / p.tau_s))
        self.last_grads: list[Tensor] = []
        self.last_counts: Optional[Tensor] = None

    # --- synapses ---------------------------------------------------------------------------

    def _current(self, layer: _Layer, a: Tensor) -> Tensor:
        i = layer.index
        if layer.kind == "conv":
            return F.conv2d(a, _torch_kernel(self.weights[i]), self.biases[i], padding=layer.padding)
        if layer.kind == "avg-pool":
            return F.avg_pool2d(a, layer.size)
        flat = a.permute(0, 2, 3, 1).reshape(a.shape[0], -1) if a.dim() == 4 else a  # engine order: h, w, c
        return torch.mm(flat, self.weights[i]).add_(self.biases[i])

    def _feedback_operands(self) -> dict[int, Tensor]:
        """Once per batch: frsf |R| o sign W; microcircuit [same | crossed] (see _down)."""
        ops: dict[int, Tensor] = {}
        for layer in self.geo:
            i = layer.index
            if i == 0 or not layer.weight_shape:
                continue
            w, r = self.weights[i], self.feedback[i]
            if layer.kind == "dense":
                ops[i] = (r * w.sign()).t().contiguous() if self.rule == "frsf" else torch.cat(((r * (w > 0)).t(), (r * (w < 0)).t()), 1).contiguous()
            else:
                k = _torch_kernel(r)
                ws = _torch_kernel(w)
                ops[i] = (k * ws.sign()).contiguous() if self.rule == "frsf" else torch.cat((k * (ws > 0), k * (ws < 0)), 1).contiguous()
        return ops

    def _unflatten(self, upper: _Layer, y: Tensor) -> Tensor:
        """A dense layer's error below it, [B, n_in], back into its input's image shape (h, w, c order)."""
        if len(upper.in_shape) != 3:
            return y
        c, h, w = upper.in_shape
        return y.reshape(y.shape[0], h, w, c).permute(0, 3, 1, 2)

    def _down(self, upper: _Layer, op: Optional[Tensor], x: Tensor) -> Tensor:
        """The error below `upper`: through its feedback operand, or the pool's spread. Shaped as upper's input."""
        if upper.kind == "avg-pool":
            s = upper.size
            return x.repeat_interleave(s, 2).repeat_interleave(s, 3).mul_(1 / (s * s))
        assert op is not None
        if upper.kind == "conv":
            return F.conv_transpose2d(x, op, padding=upper.padding)
        return self._unflatten(upper, x @ op)

    def _down_split(self, upper: _Layer, op: Optional[Tensor], r_pos: Tensor, r_neg: Tensor) -> tuple[Tensor, Tensor]:
        """E+/E- below `upper`: same-sign synapses keep the sign, opposite-sign ones cross it."""
        if upper.kind == "avg-pool":
            return self._down(upper, None, r_pos), self._down(upper, None, r_neg)
        assert op is not None
        bsz = r_pos.shape[0]
        both = torch.cat((r_pos, r_neg), 0)  # [r+; r-] through [same | crossed]: [2B, 2 n_in, ...]
        y = F.conv_transpose2d(both, op, padding=upper.padding) if upper.kind == "conv" else both @ op
        n_in = y.shape[1] // 2
        pos = y[:bsz, :n_in] + y[bsz:, n_in:]  # r+ same + r- crossed
        neg = y[bsz:, :n_in] + y[:bsz, n_in:]  # r- same + r+ crossed
        if upper.kind == "dense":
            return self._unflatten(upper, pos), self._unflatten(upper, neg)
        return pos, neg

    def _hebbian(self, layer: _Layer, pre: Tensor, v: Tensor) -> Tensor:
        """Sum over the rows of pre (x) v, in the engine's weight layout."""
        if layer.kind == "conv":
            ws = (layer.weight_shape[3], layer.weight_shape[2], layer.weight_shape[0], layer.weight_shape[1])
            g = torch.nn.grad.conv2d_weight(pre, ws, v, padding=layer.padding)
            return g.permute(2, 3, 1, 0).contiguous()
        flat = pre.permute(0, 2, 3, 1).reshape(pre.shape[0], -1) if pre.dim() == 4 else pre
        return torch.mm(flat.t(), v)

    # --- one batch --------------------------------------------------------------------------

    @torch.no_grad()
    def train_batch(self, x_flat: Tensor, labels: Tensor, step: bool = True) -> dict[str, float]:
        """One mini-batch from images flattened in h, w, c order: simulate, learn, check, apply."""
        p, dev, geo = self.p, self.device, self.geo
        h, w, c = p.input_shape
        bsz, steps, dt = x_flat.shape[0], p.steps, x_flat.dtype
        x = x_flat.reshape(bsz, h, w, c).permute(0, 3, 1, 2).contiguous()
        last = len(geo) - 1
        spiking = self.rule == "microcircuit"
        ops = self._feedback_operands()
        first = self._current(geo[0], x)
        u = {g.index: torch.zeros(bsz, *g.out_shape, device=dev, dtype=dt) for g in geo if g.cells}
        spk = {i: torch.zeros_like(t, dtype=torch.bool) for i, t in u.items()}
        counts = {i: torch.zeros_like(t) for i, t in u.items()}
        trace = {i: torch.zeros_like(t) for i, t in u.items()}
        pres: dict[int, list[Tensor]] = {g.index: [] for g in geo if g.weight_shape and g.index > 0}
        signals: dict[int, list[Tensor]] = {i: [] for i in pres}
        v_first = torch.zeros(bsz, *geo[0].out_shape, device=dev, dtype=dt)
        one_hot = F.one_hot(labels.long(), geo[-1].out_shape[0]).to(dt)
        loss = torch.zeros((), device=dev, dtype=dt)
        cells = ErrorCells(self) if spiking else None
        gates: dict[int, Tensor] = {}
        half_width = p.surrogate_width / 2
        for t in range(steps):
            prev = x
            for g in geo:  # bottom-up: soma, spikes, trace (pools average the traces)
                i = g.index
                if i in pres:
                    pres[i].append(prev)
                current = first if i == 0 else self._current(g, prev)
                if not g.cells:
                    prev = current
                    continue
                ui = u[i].masked_fill_(spk[i], 0.0).mul_(self.decay).add_(current)
                s = torch.ge(ui, p.v_th, out=spk[i])
                counts[i].add_(s)
                trace[i] = trace[i].mul(self.keep).add_(s, alpha=self.inv_tau_s)  # a new tensor: kept by pres
                prev = trace[i]
                gates[i] = ((ui - p.v_th).abs_() < half_width) * self.gate_height
            err = one_hot * self.target[t] - trace[last]
            loss.add_(err.square().sum(), alpha=0.5)
            v_of: dict[int, Tensor] = {}
            if cells is None:  # frsf: delta_L = gate e_L, delta_l = gate (B^T delta) where l has cells
                delta = gates[last] * err
                v_of[last] = delta
                for l in range(last - 1, -1, -1):
                    e = self._down(geo[l + 1], ops.get(l + 1), delta)
                    delta = gates[l] * e if geo[l].cells else e
                    if geo[l].cells:
                        v_of[l] = delta
            else:
                r_pos, r_neg = cells.column(last, gates[last] * err.clamp(min=0), gates[last] * (-err).clamp(min=0))
                v_of[last] = r_pos - r_neg
                for l in range(last - 1, -1, -1):
                    d_pos, d_neg = self._down_split(geo[l + 1], ops.get(l + 1), r_pos, r_neg)
                    if not geo[l].cells:
                        r_pos, r_neg = d_pos, d_neg
                        continue
                    r_pos, r_neg = cells.column(l, d_pos.mul_(gates[l]), d_neg.mul_(gates[l]))
                    v_of[l] = r_pos - r_neg
            v_first.add_(v_of[0])
            for i in signals:
                signals[i].append(v_of[i])
        # Hebbian update once per batch, minimisation direction, E averaged over the batch
        scale = -1.0 / bsz
        grads_w, grads_b = [self._hebbian(geo[0], x, v_first).mul_(scale)], [v_first.sum(_rows(v_first)).mul_(scale)]
        for i in self.weighted[1:]:
            sig = torch.cat(signals[i], 0)
            grads_w.append(self._hebbian(geo[i], torch.cat(pres[i], 0), sig).mul_(scale))
            grads_b.append(sig.sum(_rows(sig)).mul_(scale))
        self.last_grads = [*grads_w, *grads_b]
        decision = (counts[last] + torch.sigmoid(u[last]) * 0.5).argmax(1)
        norm = torch.stack([torch.linalg.vector_norm(g, 1) for g in self.last_grads]).sum()
        extra = cells.finish() if cells is not None else []
        values = torch.stack([loss, norm, (decision == labels).sum().to(dt), *[c.sum() for c in counts.values()], *extra]).tolist()
        if not (math.isfinite(values[0]) and math.isfinite(values[1])):
            raise FloatingPointError("non-finite loss or weight update")
        if step:
            self.steps_done += 1
            if p.warmup_steps > 0:
                for group in self.optimizer.param_groups:
                    group["lr"] = p.lr * min(1.0, self.steps_done / p.warmup_steps)
            for param, g in zip([*self.weights.values(), *self.biases.values()], self.last_grads):
                param.grad = g
            self.optimizer.step()
        stats = {"loss": values[0], "correct": values[2]}
        if cells is not None:
            stats["errorCellSaturation"], stats["errorCellSpikeRate"] = values[-2], values[-1]
        self.last_counts = counts[last]
        return stats


def _rows(t: Tensor) -> tuple[int, ...]:
    """Every axis but the channel one: (0, 2, 3) for images, (0,) for vectors."""
    return (0, 2, 3) if t.dim() == 4 else (0,)


__all__ = ["ConvParams", "ConvReferenceSNN", "conv_params_from_circuit", "conv_random_init"]
