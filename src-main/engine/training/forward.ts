import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Network } from '../network';
import type { LifState, SpikeFunction } from '../neurons/lif';
import { lifInitialState, lifStep } from '../neurons/lif';
import { lifTraceStep } from '../kernels/lif-trace';
import { traceStep } from '../neurons/trace';

/** State of one layer between steps: the soma, and the presynaptic trace it sends on. */
export interface LayerState {
  /** soma state (null for pooling layers) */
  readonly lif: LifState | null;
  /** presynaptic trace a_l[t], batch-first in the layer's shape */
  readonly a: Tensor;
  /** the soma gate f'(u)/tau_s, when asked for (learning) */
  readonly gate?: Tensor | null;
}

export function initialLayerStates(net: Network, batch: number): LayerState[] {
  return net.layers.map((l) => {
    const shape = [batch, ...l.synapse.outShape];
    return { lif: l.hasCells ? lifInitialState(shape, net.neuron) : null, a: tf.zeros(shape) };
  });
}

export interface ForwardOptions {
  /** precomputed basal current of the first layer, when its input does not change over time */
  firstCurrent?: Tensor | null;
  /** spike nonlinearity (BPTT passes one with a surrogate gradient) */
  spike?: SpikeFunction;
  /** applied to each layer's spikes before they enter the next step's reset (BPTT: stop-gradient) */
  detachReset?: (s: Tensor) => Tensor;
  /** extra somatic current per layer (apical coupling g_a), or null */
  extraCurrent?: (Tensor | null)[] | null;
  /** also compute each layer's soma gate (for local learning rules) */
  withGate?: boolean;
}

/**
 * The bottom-up sweep of one time step: for each layer, basal current from the previous
 * layer's trace (same step, no synaptic delay), soma update, spikes, trace. Pure.
 */
export function forwardStep(net: Network, input: Tensor, states: LayerState[], opts: ForwardOptions = {}): LayerState[] {
  const next: LayerState[] = [];
  let aPrev = input;
  net.layers.forEach((layer, i) => {
    const current = i === 0 && opts.firstCurrent ? opts.firstCurrent : layer.synapse.current(aPrev, layer.weight, layer.bias);
    const prev = states[i];
    if (!layer.hasCells || !prev.lif) {
      next.push({ lif: null, a: current });
    } else {
      const extra = opts.extraCurrent?.[i];
      const drive = extra ? tf.add(current, extra) : current;
      if (!opts.spike) {
        // the non-differentiable path: fused soma + trace (+ gate) where the backend has it
        const { lif, a, gate } = lifTraceStep(drive, prev.lif, prev.a, net.neuron, opts.withGate === true);
        next.push({ lif, a, gate });
      } else {
        let lif = lifStep(drive, prev.lif, net.neuron, opts.spike);
        const a = traceStep(lif.s, prev.a, net.neuron.tauS);
        if (opts.detachReset) lif = { ...lif, s: opts.detachReset(lif.s) };
        next.push({ lif, a });
      }
    }
    aPrev = next[i].a;
  });
  return next;
}

/** Every tensor of a list of layer states, for disposal. */
export function stateTensors(states: LayerState[]): Tensor[] {
  const out: Tensor[] = [];
  for (const s of states) {
    out.push(s.a);
    if (s.gate) out.push(s.gate);
    if (s.lif) {
      out.push(s.lif.u, s.lif.s);
      if (s.lif.refractory) out.push(s.lif.refractory);
    }
  }
  return out;
}
