"""The Apical engine's training step, written in PyTorch.

Same network, equations, step order and learning rules as the TypeScript engine
(src-main/engine: neurons/*, rules/frsf.ts, rules/microcircuit.ts, training/simulate.ts,
training/target.ts, training/optimizer.ts), so that a speed ratio between the two is a
ratio of implementations, not of algorithms. Supported: dense layers, direct encoding,
reset-to-zero LIF without refractory steps, boxcar surrogate, Adam; the rules `frsf` and
`microcircuit` (spiking E+/E- error cells, tau_a = 1, g_a = 0, no error delay, theta_e
auto or fixed). Anything else raises `Unsupported`.

Per batch, as the engine does it:
  * first-layer current computed once (direct encoding: the input is the same every step);
  * T steps of: bottom-up sweep (soma, spikes, traces), output error, top-down error sweep;
  * Hebbian update once per batch: one product per layer over all steps;
  * the trainer's per-batch bookkeeping: loss, accuracy, spike counts, error-cell statistics
    and a finiteness check of the update, read back in one device sync;
  * Adam (torch.optim.Adam is the engine's Adam, bias corrections included).
"""
from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Optional

import numpy as np
import torch
from torch import Tensor

RULES = ("frsf", "microcircuit")


class Unsupported(ValueError):
    """The circuit uses a feature this reference does not implement."""


@dataclass
class Params:
    """The parts of an engine circuit this reference needs (defaults: the mnist-mlp template)."""

    sizes: tuple[int, ...] = (784, 800, 10)
    steps: int = 8
    batch: int = 64
    tau_m: float = 5.0
    tau_s: float = 2.0
    v_th: float = 1.0
    surrogate_width: float = 2.0
    target_warmup: int = 1
    theta_mode: str = "auto"
    theta_scale: float = 0.25
    theta_momentum: float = 0.9
    theta_value: float = 0.0
    lr: float = 1e-3
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    init_gain: float = 2.0
    feedback_gain: float = 1.0


def params_from_circuit(circuit: dict[str, Any], input_size: int) -> Params:
    """Reads a parsed engine circuit (all defaults filled in); refuses what is not implemented."""
    layers = circuit["layers"]
    if any(layer["kind"] != "dense" for layer in layers):
        raise Unsupported("only dense layers are implemented (got %s)" % [layer["kind"] for layer in layers])
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
    return Params(
        sizes=(input_size, *[int(layer["units"]) for layer in layers]),
        steps=int(circuit["steps"]), batch=int(circuit["batch"]),
        tau_m=n["tauM"], tau_s=n["tauS"], v_th=n["vTh"], surrogate_width=n["surrogateWidth"],
        target_warmup=int(circuit["target"]["warmup"]),
        theta_mode=theta["mode"], theta_scale=theta.get("scale", 0.25),
        theta_momentum=theta.get("momentum", 0.9), theta_value=theta.get("value", 0.0),
        lr=opt["lr"], beta1=opt["beta1"], beta2=opt["beta2"], eps=opt["eps"],
        init_gain=circuit["init"]["gain"], feedback_gain=circuit["init"]["feedbackGain"],
    )


def desired_trace(steps: int, warmup: int, tau_s: float) -> list[float]:
    """Trace of a unit firing every step from `warmup` on (engine: neurons/trace.ts)."""
    out, a = [], 0.0
    for t in range(steps):
        a = (1 - 1 / tau_s) * a + (1.0 if t >= warmup else 0.0) / tau_s
        out.append(a)
    return out


def f32(x: float) -> float:
    """Rounds a Python float to float32, as tfjs does with scalar operands."""
    return float(np.float32(x))


def random_init(p: Params, device: torch.device, seed: int = 1) -> dict[str, Tensor]:
    """Weights and feedback with the engine's law: U(-g/sqrt(fanIn), g/sqrt(fanIn)), biases zero."""
    gen = torch.Generator().manual_seed(seed)
    out: dict[str, Tensor] = {}
    for i, (n_in, n_out) in enumerate(zip(p.sizes[:-1], p.sizes[1:])):
        lim = p.init_gain / math.sqrt(n_in)
        out[f"layers.{i}.weight"] = (torch.rand(n_in, n_out, generator=gen) * 2 - 1) * lim
        out[f"layers.{i}.bias"] = torch.zeros(n_out)
        if i > 0:
            flim = p.feedback_gain / math.sqrt(n_in)
            out[f"layers.{i}.feedback"] = (torch.rand(n_in, n_out, generator=gen) * 2 - 1) * flim
    return {k: v.to(device) for k, v in out.items()}


class ReferenceSNN:
    """A dense SNN trained by one local rule; `train_batch` is one optimiser step."""

    def __init__(self, p: Params, rule: str, init: dict[str, Tensor], device: torch.device) -> None:
        if rule not in RULES:
            raise Unsupported(f"rule {rule!r} is not implemented (only {', '.join(RULES)})")
        self.p, self.rule, self.device = p, rule, device
        self.n_layers = len(p.sizes) - 1
        self.weights = [init[f"layers.{i}.weight"].to(device).clone().contiguous() for i in range(self.n_layers)]
        self.biases = [init[f"layers.{i}.bias"].to(device).clone() for i in range(self.n_layers)]
        self.feedback: list[Optional[Tensor]] = [None] + [
            init[f"layers.{i}.feedback"].to(device).abs() for i in range(1, self.n_layers)]
        self.optimizer = torch.optim.Adam(
            [*self.weights, *self.biases], lr=p.lr, betas=(p.beta1, p.beta2), eps=p.eps)
        # running mean of the largest error-cell drive per layer (auto theta_e), kept across batches
        self.theta_ema: dict[int, Tensor] = {}
        self.target = [f32(x) for x in desired_trace(p.steps, p.target_warmup, p.tau_s)]
        self.decay = f32(1 - 1 / p.tau_m)
        self.keep = f32(1 - 1 / p.tau_s)
        self.inv_tau_s = f32(1 / p.tau_s)
        self.gate_height = f32(f32(1 / p.surrogate_width) * f32(1 / p.tau_s))
        self.last_grads: list[Tensor] = []
        self.last_counts: Optional[Tensor] = None

    def _feedback_operands(self) -> list[Optional[Tensor]]:
        """Once per batch. frsf: (|R| o sign W)^T, [out, in]. microcircuit: [same^T | crossed^T], [out, 2 in]."""
        ops: list[Optional[Tensor]] = [None]
        for w, r in zip(self.weights[1:], self.feedback[1:]):
            assert r is not None
            if self.rule == "frsf":
                ops.append((r * w.sign()).t().contiguous())
            else:
                ops.append(torch.cat(((r * (w > 0)).t(), (r * (w < 0)).t()), 1).contiguous())
        return ops

    @torch.no_grad()
    def train_batch(self, x: Tensor, labels: Tensor, step: bool = True) -> dict[str, float]:
        """One mini-batch: simulate, learn, check, apply. Returns the batch's statistics."""
        p, nl, dev = self.p, self.n_layers, self.device
        bsz, steps, dt = x.shape[0], p.steps, x.dtype
        sizes = p.sizes[1:]
        ops = self._feedback_operands()
        spiking = self.rule == "microcircuit"
        first = torch.mm(x, self.weights[0]).add_(self.biases[0])  # (x W) + b, rounded as the engine does
        u = [torch.zeros(bsz, n, device=dev, dtype=dt) for n in sizes]
        spk = [torch.zeros(bsz, n, device=dev, dtype=torch.bool) for n in sizes]
        counts = [torch.zeros(bsz, n, device=dev, dtype=dt) for n in sizes]
        # hidden traces of every step (index 0 = the zero initial trace): the Hebbian update reads them
        traces = [torch.zeros(steps + 1, bsz, n, device=dev, dtype=dt) for n in sizes[:-1]]
        a_out = torch.zeros(bsz, sizes[-1], device=dev, dtype=dt)
        signals = [torch.empty(steps, bsz, n, device=dev, dtype=dt) if i > 0 else None for i, n in enumerate(sizes)]
        v_first = torch.zeros(bsz, sizes[0], device=dev, dtype=dt)  # sum_t v_1[t] (constant input)
        one_hot = torch.nn.functional.one_hot(labels.long(), sizes[-1]).to(dt)
        loss = torch.zeros((), device=dev, dtype=dt)
        cells = ErrorCells(self) if spiking else None
        gates: list[Tensor] = [x] * nl
        half_width = p.surrogate_width / 2
        for t in range(steps):
            prev = x
            for i in range(nl):  # bottom-up: soma, spikes, trace
                current = first if i == 0 else torch.mm(prev, self.weights[i]).add_(self.biases[i])
                ui = u[i].masked_fill_(spk[i], 0.0).mul_(self.decay).add_(current)
                s = torch.ge(ui, p.v_th, out=spk[i])
                counts[i].add_(s)
                if i < nl - 1:
                    prev = torch.mul(traces[i][t], self.keep, out=traces[i][t + 1]).add_(s, alpha=self.inv_tau_s)
                else:
                    a_out.mul_(self.keep).add_(s, alpha=self.inv_tau_s)
                gates[i] = ((ui - p.v_th).abs_() < half_width) * self.gate_height
            err = one_hot * self.target[t] - a_out
            loss.add_(err.square().sum(), alpha=0.5)
            # top-down: the rule's learning signal v_l[t] per layer
            if cells is None:
                out_sig = signals[nl - 1]
                if out_sig is None:  # a single-layer network: the output layer is the first layer
                    delta = v_first.addcmul_(gates[-1], err)
                else:
                    delta = torch.mul(gates[-1], err, out=out_sig[t])
                for i in range(nl - 2, -1, -1):
                    e = delta @ ops[i + 1]
                    if i == 0:
                        delta = v_first.addcmul_(gates[0], e)
                    else:
                        delta = torch.mul(gates[i], e, out=signals[i][t])  # type: ignore[index]
            else:
                r_pos, r_neg = cells.column(nl - 1, gates[-1] * err.clamp(min=0), gates[-1] * (-err).clamp(min=0))
                _store(signals, v_first, nl - 1, t, r_pos, r_neg)
                for i in range(nl - 2, -1, -1):
                    n_in = sizes[i]
                    y = torch.cat((r_pos, r_neg), 0) @ ops[i + 1]  # [r+; r-] @ [same | crossed]
                    d_pos = torch.add(y[:bsz, :n_in], y[bsz:, n_in:]).mul_(gates[i])  # r+ same + r- crossed
                    d_neg = torch.add(y[bsz:, :n_in], y[:bsz, n_in:]).mul_(gates[i])  # r- same + r+ crossed
                    r_pos, r_neg = cells.column(i, d_pos, d_neg)
                    _store(signals, v_first, i, t, r_pos, r_neg)
        # Hebbian update once per batch, minimisation direction, E averaged over the batch
        scale = -1.0 / bsz
        grads_w, grads_b = [torch.mm(x.t(), v_first).mul_(scale)], [v_first.sum(0).mul_(scale)]
        for i in range(1, nl):
            sig = signals[i]
            assert sig is not None
            pre = traces[i - 1][1:].reshape(steps * bsz, sizes[i - 1])
            grads_w.append(torch.mm(pre.t(), sig.reshape(steps * bsz, sizes[i])).mul_(scale))
            grads_b.append(sig.sum((0, 1)).mul_(scale))
        self.last_grads = [*grads_w, *grads_b]
        # the trainer's bookkeeping, one sync: loss, update norm, correct decisions, spikes, cell stats
        decision = (counts[-1] + torch.sigmoid(u[-1]) * 0.5).argmax(1)
        norm = torch.stack([torch.linalg.vector_norm(g, 1) for g in self.last_grads]).sum()
        extra = cells.finish() if cells is not None else []
        values = torch.stack([loss, norm, (decision == labels).sum().to(dt), *[c.sum() for c in counts], *extra]).tolist()
        if not (math.isfinite(values[0]) and math.isfinite(values[1])):
            raise FloatingPointError("non-finite loss or weight update")
        if step:
            for param, g in zip([*self.weights, *self.biases], self.last_grads):
                param.grad = g
            self.optimizer.step()
        stats = {"loss": values[0], "correct": values[2], **{f"spikes.{i}": values[3 + i] for i in range(nl)}}
        if cells is not None:
            stats["errorCellSaturation"], stats["errorCellSpikeRate"] = values[-2], values[-1]
        self.last_counts = counts[-1]
        return stats


def _store(signals: list[Optional[Tensor]], v_first: Tensor, i: int, t: int, r_pos: Tensor, r_neg: Tensor) -> None:
    """Apical potential v = r+ - r- (tau_a = 1): stored for the Hebbian product, or summed for layer 1."""
    sig = signals[i]
    if sig is None:
        v_first.add_(r_pos - r_neg)
    else:
        torch.sub(r_pos, r_neg, out=sig[t])


class ErrorCells:
    """The E+/E- sigma-delta cells of every layer for one batch (engine: rules/microcircuit.ts).

    Shape-agnostic: a layer's integrators are allocated at its first drive, so dense and conv
    layers alike use it; `net` provides `p` (theta parameters), `device` and `theta_ema`, a
    dict from layer index to the running theta_e statistic kept across batches.
    """

    def __init__(self, net: Any) -> None:
        self.net = net
        dev = net.device
        self.c_pos: dict[int, Tensor] = {}
        self.c_neg: dict[int, Tensor] = {}
        self.max_drive: dict[int, Tensor] = {}
        self.saturated = torch.zeros((), device=dev, dtype=torch.long)
        self.spikes = torch.zeros((), device=dev, dtype=torch.long)
        self.events = 0
        p = net.p
        self.fixed = torch.tensor(p.theta_value, device=dev, dtype=torch.float32) if p.theta_mode == "fixed" else None

    def _theta(self, i: int, d_pos: Tensor, d_neg: Tensor) -> Tensor:
        if self.fixed is not None:
            return self.fixed
        step_max = torch.maximum(d_pos.max(), d_neg.max())
        running = self.max_drive.get(i)
        running = step_max if running is None else torch.maximum(running, step_max)
        self.max_drive[i] = running
        ema = self.net.theta_ema.get(i)
        reference = running if ema is None else torch.maximum(ema, running)
        return (reference * self.net.p.theta_scale).clamp_(min=1e-12)

    def column(self, i: int, d_pos: Tensor, d_neg: Tensor) -> tuple[Tensor, Tensor]:
        """Layer i's pairs receive their drives and emit r+ / r- (theta_e per spike)."""
        theta = self._theta(i, d_pos, d_neg)
        if i not in self.c_pos:
            self.c_pos[i], self.c_neg[i] = torch.zeros_like(d_pos), torch.zeros_like(d_neg)
        out = []
        for c, d in ((self.c_pos[i], d_pos), (self.c_neg[i], d_neg)):
            c.add_(d)
            fired = c >= theta
            r = fired * theta
            c.sub_(r)
            self.saturated.add_((c >= theta).sum())
            self.spikes.add_(fired.sum())
            out.append(r)
        self.events += 2 * d_pos.numel()
        return out[0], out[1]

    def finish(self) -> list[Tensor]:
        """End of batch: update the theta_e statistic; saturation and spike rate per cell-step."""
        p = self.net.p
        if p.theta_mode == "auto":
            for i, drive in self.max_drive.items():
                prev = self.net.theta_ema.get(i)
                self.net.theta_ema[i] = drive.clone() if prev is None else prev * p.theta_momentum + drive * (1 - p.theta_momentum)
        n = max(self.events, 1)
        return [self.saturated.float() / n, self.spikes.float() / n]
