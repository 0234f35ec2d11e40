import type { Matrix } from '../matrix';
import { add, zeros } from '../matrix';
import { encodeInputs } from '../encoders';
import type { RefLayerState, RefNetwork } from '../network';
import { forwardStep, initialStates } from '../network';
import { somaGate } from '../neurons/surrogate';
import type { RefRule, RefStepView } from '../rules/rule';
import type { RefGradients } from './hebbian';
import { hebbianGradients } from './hebbian';
import { decide, outputError, stepLoss, targetTraces } from './target';

export interface RefSimulationOptions {
  /** class labels, one per sample: needed for the loss and for learning */
  readonly labels?: readonly number[];
  readonly rule?: RefRule;
  readonly batchIndex?: number;
  /** the uniform draws U[t] (B x features) of a Poisson encoder */
  readonly uniforms?: (t: number) => Matrix;
}

export interface RefSimulation {
  /** output spike counts, B x classes */
  readonly counts: Matrix;
  /** output potential (before reset) at the last step */
  readonly potential: Matrix;
  readonly prediction: number[];
  /** E summed over the batch, null without labels */
  readonly loss: number | null;
  /** total spikes per layer */
  readonly spikes: number[];
  readonly grads: RefGradients | null;
  readonly stats: Record<string, number>;
  /** a_0[t] of every step */
  readonly inputs: Matrix[];
  /** the layers' states after every step */
  readonly states: RefLayerState[][];
}

/**
 * Reference runner, one batch of T steps. Each step: the bottom-up sweep, the output error
 * e_L[t] = ahat[t] - a_L[t], E += 1/2 |e_L[t]|^2, then the rule's top-down signals v_l[t]
 * from the views (u, a, gate = f'(u)/tau_s); after the last step the Hebbian gradients.
 */
export function simulateReference(net: RefNetwork, images: Matrix, opts: RefSimulationOptions = {}): RefSimulation {
  const batch = images.length;
  const inputs = encodeInputs(net.encoder, images, net.steps, net.neuron.tauS, opts.uniforms);
  const targets = opts.labels ? targetTraces(opts.labels, net.classes, net.steps, net.warmup, net.neuron.tauS) : null;
  const rule = opts.rule ?? null;
  if (rule && !targets) throw new Error('learning needs labels');
  rule?.beginBatch(net, opts.batchIndex ?? 0);
  let states = initialStates(net, batch);
  let counts = zeros(batch, net.classes);
  let loss: number | null = targets ? 0 : null;
  const spikes = net.layers.map(() => 0);
  const signals: Matrix[][] = net.layers.map(() => []);
  const presynaptic: Matrix[][] = net.layers.map(() => []);
  const history: RefLayerState[][] = [];
  for (let t = 0; t < net.steps; t++) {
    states = forwardStep(net, inputs[t], states);
    history.push(states);
    const out = states[states.length - 1];
    counts = add(counts, out.lif.s);
    states.forEach((s, l) => (spikes[l] += s.lif.s.flat().reduce((a, b) => a + b, 0)));
    if (!targets) continue;
    const error = outputError(targets[t], out.a);
    loss = (loss as number) + stepLoss(error);
    if (!rule) continue;
    const views: RefStepView[] = states.map((s) => ({ u: s.lif.u, a: s.a, gate: somaGate(s.lif.u, net.neuron) }));
    rule.step(views, error).forEach((v, l) => {
      signals[l].push(v);
      presynaptic[l].push(l === 0 ? inputs[t] : states[l - 1].a);
    });
  }
  const grads = rule ? hebbianGradients(presynaptic, signals, batch) : null;
  const stats = rule ? rule.endBatch() : {};
  const potential = states[states.length - 1].lif.u;
  return { counts, potential, prediction: decide(counts, potential), loss, spikes, grads, stats, inputs, states: history };
}
