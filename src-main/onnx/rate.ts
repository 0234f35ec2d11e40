import type { NeuronParams } from '../../src-shared/circuit';
import type { RateActivation } from './formats';
import type { GraphBuilder } from './graph-builder';
import type { ExportNetwork } from './network-view';
import { BATCH_DIM } from './proto';
import { imagesInput } from './spiking';
import { prepareLayers } from './sweep';

/**
 * The ANN ("rate") form: a_l = f(a_{l-1} W_l + b_l), a_0 = x, one Gemm and one activation
 * per layer, the same weights. A spiking layer passes on its trace, whose long-run mean is
 * the firing rate, so f is a rate function of the basal current:
 *
 * `lif` (default): the steady-state rate of the engine's LIF neuron under a constant
 *   current I. From reset (u = 0) the potential climbs as u_n = I (1 - d^n) / (1 - d),
 *   d = 1 - 1/tau_m, so the neuron fires after n = ceil(ln(1 - V_th (1 - d) / I) / ln d)
 *   steps (n >= 1) and then sits R refractory steps: f(I) = 1 / (n + R) for
 *   I > V_th (1 - d), else 0. This is exact for reset 'zero'; for reset 'subtract' it is
 *   the rate from rest, a lower bound (the residual above threshold shortens later
 *   intervals). Chosen because it is the neuron the weights were trained with: the leak
 *   (tau_m = 5 by default) makes a clipped ReLU overestimate weak drives several-fold.
 * `clipped-relu`: f(I) = clip(I / V_th, 0, 1 / (1 + R)), the classic ANN-to-SNN rate
 *   (exact for a non-leaky integrate-and-fire neuron with subtractive reset).
 *
 * Outputs `rates` [batch, classes] (expected output spikes per step; x T ~ spike counts)
 * and `prediction`, the argmax of the output layer's current (= argmax of its rate, ties
 * broken by current).
 */
export function buildRateGraph(g: GraphBuilder, net: ExportNetwork, activation: RateActivation): void {
  const images = imagesInput(g, net);
  const gl = prepareLayers(g, net, 'float32');
  let a = images;
  let current = images;
  for (const { layer, graph } of gl.layers) {
    g.within(`layers.${layer.index}`, () => {
      current = graph.linear(a);
      a = layer.hasCells ? rateActivation(g, current, net.circuit.neuron, activation) : current;
    });
  }
  g.output(a, 'rates', 'float', [BATCH_DIM, net.classes], `output firing rates (spikes per step) under the '${activation}' rate activation`);
  g.output(g.op('ArgMax', [current], { axis: 1, keepdims: 0, select_last_index: 0 }, 'prediction'), 'prediction', 'int64', [BATCH_DIM],
    'argmax of the output layer\'s current (= argmax of rates, ties broken by current)');
}

/** f(I) of the chosen rate activation. */
export function rateActivation(g: GraphBuilder, current: string, p: NeuronParams, kind: RateActivation): string {
  const cap = 1 / (1 + p.refractory);
  if (kind === 'clipped-relu') {
    return g.op('Clip', [g.op('Div', [current, g.float(p.vTh)], {}, 'drive'), g.float(0), g.float(cap)], {}, 'rate');
  }
  const d = 1 - 1 / p.tauM;
  if (d <= 0) {
    // no memory: u = I every step, a spike whenever I >= V_th
    const fires = g.op('Cast', [g.op('GreaterOrEqual', [current, g.float(p.vTh)], {}, 'fires')], { to: 1 }, 'fires_f');
    return g.op('Mul', [fires, g.float(cap)], {}, 'rate');
  }
  const floor = p.vTh * (1 - d);
  const active = g.op('Greater', [current, g.float(floor)], {}, 'active');
  // the inactive branch is computed on a safe stand-in, then discarded by Where
  const safe = g.op('Where', [active, current, g.float(2 * floor)], {}, 'safe_current');
  const ratio = g.op('Sub', [g.float(1), g.op('Div', [g.float(floor), safe], {}, 'floor_ratio')], {}, 'gap');
  const climb = g.op('Max', [g.op('Ceil', [g.op('Div', [g.op('Log', [ratio], {}, 'ln_gap'), g.float(Math.log(d))], {}, 'n_exact')], {}, 'n'), g.float(1)], {}, 'n');
  // I >= V_th fires on the first step; said outright, as rounding can put ln(d)/ln(d) just above 1
  const n = g.op('Where', [g.op('GreaterOrEqual', [current, g.float(p.vTh)], {}, 'at_once'), g.float(1), climb], {}, 'n');
  const rate = g.op('Div', [g.float(1), g.op('Add', [n, g.float(p.refractory)], {}, 'interval')], {}, 'rate');
  return g.op('Where', [active, rate, g.float(0)], {}, 'rate');
}
