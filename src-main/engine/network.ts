import { tf } from './tensor/tf';
import type { Tensor } from './tensor/tf';
import type { Circuit, LayerSpec, NeuronParams } from '../../src-shared/circuit';
import { denseSynapse } from './layers/dense';
import { convSynapse } from './layers/conv';
import { poolSynapse } from './layers/pool';
import type { Synapse } from './layers/synapse';
import { sizeOf } from './layers/synapse';
import { Rng, mixSeed } from './random';

/**
 * One layer of the network: its forward synapses and, for layers of pyramidal cells, the
 * learned weight and bias plus the fixed random feedback the rules may use.
 */
export interface NetworkLayer {
  readonly index: number;
  readonly spec: LayerSpec;
  readonly synapse: Synapse;
  /** false for pooling layers, which have no cells of their own */
  readonly hasCells: boolean;
  weight: Tensor | null;
  bias: Tensor | null;
  /** fixed random R of the weight's shape, mirrors W on the feedback path (fa, frsf, microcircuit) */
  feedback: Tensor | null;
  /** fixed random direct feedback from the output, [classes, cells]: e_l = delta_L . D_l (dfa); null for the output layer */
  direct: Tensor | null;
}

export interface NetworkShape {
  /** [height, width, channels] of one input sample */
  readonly inputShape: readonly [number, number, number];
  readonly classes: number;
}

/** The parameters of a circuit, held as tensors. The engine owns them; `dispose` frees them. */
export class Network {
  readonly layers: NetworkLayer[];
  readonly neuron: NeuronParams;
  readonly inputSize: number;
  readonly classes: number;

  constructor(readonly circuit: Circuit, readonly shape: NetworkShape) {
    this.neuron = circuit.neuron;
    this.inputSize = sizeOf(shape.inputShape);
    this.classes = shape.classes;
    this.layers = buildLayers(circuit, shape);
  }

  get output(): NetworkLayer {
    return this.layers[this.layers.length - 1];
  }

  /** Named parameter tensors, for checkpoints and exports. */
  namedTensors(): Record<string, Tensor> {
    const out: Record<string, Tensor> = {};
    for (const l of this.layers) {
      if (l.weight) out[`layers.${l.index}.weight`] = l.weight;
      if (l.bias) out[`layers.${l.index}.bias`] = l.bias;
      if (l.feedback) out[`layers.${l.index}.feedback`] = l.feedback;
      if (l.direct) out[`layers.${l.index}.direct`] = l.direct;
    }
    return out;
  }

  /** Replaces parameters by name (shapes must match); the old tensors are disposed. */
  assign(named: Record<string, Tensor>): void {
    for (const l of this.layers) {
      for (const key of ['weight', 'bias', 'feedback', 'direct'] as const) {
        const t = named[`layers.${l.index}.${key}`];
        const old = l[key];
        if (!t || !old) continue;
        if (t.shape.join() !== old.shape.join()) {
          throw new Error(`layers.${l.index}.${key}: shape [${t.shape}] does not match the circuit's [${old.shape}]`);
        }
        l[key] = tf.keep(t);
        if (old !== t) old.dispose();
      }
    }
  }

  dispose(): void {
    for (const l of this.layers) for (const t of [l.weight, l.bias, l.feedback, l.direct]) t?.dispose();
  }
}

function buildLayers(circuit: Circuit, shape: NetworkShape): NetworkLayer[] {
  const layers: NetworkLayer[] = [];
  let inShape: number[] = [...shape.inputShape];
  const last = circuit.layers.length - 1;
  circuit.layers.forEach((spec, index) => {
    const synapse = makeSynapse(spec, inShape, index);
    if (index === last && (spec.kind !== 'dense' || spec.units !== shape.classes)) {
      throw new Error(`layers[${index}]: the output layer must be dense with ${shape.classes} units (one per class of the dataset)`);
    }
    const hasCells = spec.kind !== 'avg-pool';
    const fanIn = synapse.kind === 'dense' ? synapse.weightShape[0] : sizeOf(synapse.weightShape.slice(0, 3));
    const uniform = (salt: number, gain: number, n: number) =>
      new Rng(mixSeed(circuit.seed, salt, index)).uniformArray(n, gain / Math.sqrt(fanIn));
    const wSize = sizeOf(synapse.weightShape);
    const cells = sizeOf(synapse.outShape);
    layers.push({
      index, spec, synapse, hasCells,
      weight: hasCells ? tf.tensor(uniform(1, circuit.init.gain, wSize), [...synapse.weightShape]) : null,
      bias: hasCells ? tf.zeros([synapse.outShape[synapse.outShape.length - 1]]) : null,
      feedback: hasCells && index > 0 ? tf.tensor(uniform(2, circuit.init.feedbackGain, wSize), [...synapse.weightShape]) : null,
      direct: hasCells && index < last
        ? tf.tensor(new Rng(mixSeed(circuit.seed, 3, index)).uniformArray(cells * shape.classes, circuit.init.feedbackGain / Math.sqrt(shape.classes)), [shape.classes, cells])
        : null,
    });
    inShape = [...synapse.outShape];
  });
  return layers;
}

function makeSynapse(spec: LayerSpec, inShape: number[], index: number): Synapse {
  switch (spec.kind) {
    case 'dense':
      return denseSynapse(sizeOf(inShape), spec.units);
    case 'conv':
      return wrapLayerError(index, () => convSynapse(spec, inShape));
    case 'avg-pool':
      return wrapLayerError(index, () => poolSynapse(spec, inShape));
    default:
      throw new Error(`layers[${index}]: unknown layer kind`);
  }
}

function wrapLayerError(index: number, build: () => Synapse): Synapse {
  try {
    return build();
  } catch (e) {
    throw new Error(`layers[${index}]: ${(e as Error).message}`);
  }
}
