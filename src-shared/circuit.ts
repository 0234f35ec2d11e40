/**
 * The circuit spec: a versioned JSON document describing one microcircuit network and how to
 * train it. Both the engine and the UI import it; it holds no I/O.
 *
 * Every default here is a reconstructed choice (see docs/method.md) and can be changed.
 */
import { z } from 'zod';

export const CIRCUIT_FORMAT = 'apical.circuit';
export const CIRCUIT_VERSION = 1;

export const neuronSchema = z.object({
  /** membrane time constant: u decays by (1 - 1/tauM) per step */
  tauM: z.number().min(1).default(5),
  /** presynaptic trace time constant */
  tauS: z.number().min(1).default(2),
  /** firing threshold V_th */
  vTh: z.number().positive().default(1),
  /** reset after a spike: to zero, or subtract the threshold */
  reset: z.enum(['zero', 'subtract']).default('zero'),
  /** steps a neuron stays silent (membrane held at 0) after a spike */
  refractory: z.number().int().min(0).max(64).default(0),
  /** f'(u): boxcar of width `surrogateWidth` around V_th, or fast-sigmoid 1/(1+k|u-V_th|)^2 with k = surrogateSlope */
  surrogate: z.enum(['boxcar', 'fast-sigmoid']).default('boxcar'),
  surrogateWidth: z.number().positive().default(1),
  surrogateSlope: z.number().positive().default(5),
});
export type NeuronParams = z.infer<typeof neuronSchema>;

export const denseLayerSchema = z.object({
  kind: z.literal('dense'),
  units: z.number().int().positive().max(65536),
});
export type DenseLayerSpec = z.infer<typeof denseLayerSchema>;

export const convLayerSchema = z.object({
  kind: z.literal('conv'),
  filters: z.number().int().positive().max(4096),
  kernel: z.number().int().positive().max(15),
  stride: z.number().int().positive().max(4).default(1),
  padding: z.enum(['same', 'valid']).default('same'),
});
export type ConvLayerSpec = z.infer<typeof convLayerSchema>;

/** Average pooling of the presynaptic traces (no neurons of its own). */
export const poolLayerSchema = z.object({
  kind: z.literal('avg-pool'),
  size: z.number().int().min(2).max(8).default(2),
});
export type PoolLayerSpec = z.infer<typeof poolLayerSchema>;

export const layerSchema = z.discriminatedUnion('kind', [denseLayerSchema, convLayerSchema, poolLayerSchema]);
export type LayerSpec = z.infer<typeof layerSchema>;

export const encoderSchema = z.discriminatedUnion('kind', [
  /** normalised pixel intensity injected as current every step */
  z.object({ kind: z.literal('direct') }),
  /** Bernoulli spikes per step with probability maxRate * intensity, fed through the trace */
  z.object({ kind: z.literal('poisson'), maxRate: z.number().gt(0).max(1).default(1) }),
]);
export type EncoderSpec = z.infer<typeof encoderSchema>;

export const thetaESchema = z.discriminatedUnion('mode', [
  /**
   * theta_e per layer = scale x max(EMA over past batches of the layer's largest per-step
   * drive, the largest drive seen so far in this batch). 0.5 keeps the spiking update's
   * cosine with frsf above 0.95 on MNIST (0.25: 0.86-0.92; see docs/method.md).
   */
  z.object({ mode: z.literal('auto'), scale: z.number().positive().default(0.5), momentum: z.number().min(0).max(1).default(0.9) }),
  /**
   * fixed thresholds: one per layer (in layer order; entries of pooling layers are ignored),
   * or one value for all — hidden drives are much smaller than the output's, so a single
   * value usually silences the hidden error cells
   */
  z.object({ mode: z.literal('fixed'), value: z.union([z.number().positive(), z.array(z.number().positive()).min(1).max(32)]) }),
]);
export type ThetaESpec = z.infer<typeof thetaESchema>;

const ruleBase = { alignmentEvery: z.number().int().min(0).default(0) };

export const ruleSchema = z.discriminatedUnion('name', [
  z.object({
    name: z.literal('microcircuit'),
    ...ruleBase,
    /** apical compartment time constant; 1 = no memory (v = i) */
    tauA: z.number().min(1).default(1),
    /** apical -> soma coupling during learning (0 = none) */
    gA: z.number().min(0).default(0),
    thetaE: thetaESchema.prefault({ mode: 'auto' }),
    /** one-step synaptic delay per layer on the feedback path */
    errorDelay: z.boolean().default(false),
  }),
  z.object({ name: z.literal('microcircuit-analog'), ...ruleBase, tauA: z.number().min(1).default(1) }),
  z.object({ name: z.literal('frsf'), ...ruleBase }),
  z.object({ name: z.literal('usf'), ...ruleBase }),
  z.object({ name: z.literal('brsf'), ...ruleBase }),
  z.object({ name: z.literal('fa'), ...ruleBase }),
  z.object({ name: z.literal('dfa'), ...ruleBase }),
  z.object({ name: z.literal('bp-spatial'), ...ruleBase }),
  z.object({ name: z.literal('bptt'), ...ruleBase, detachReset: z.boolean().default(true) }),
]);
export type RuleSpec = z.infer<typeof ruleSchema>;
export type RuleName = RuleSpec['name'];
export const RULE_NAMES = [
  'microcircuit', 'microcircuit-analog', 'frsf', 'usf', 'brsf', 'fa', 'dfa', 'bp-spatial', 'bptt',
] as const satisfies readonly RuleName[];

/** learning-rate schedule over the whole run: constant, or cosine decay to zero */
const scheduleSchema = z.enum(['constant', 'cosine']).default('constant');
/** lr ramps linearly from lr/W to lr over the first W mini-batches (0: no warm-up) */
const warmupSchema = z.number().int().min(0).default(0);

export const optimizerSchema = z.discriminatedUnion('kind', [
  z.object({
    kind: z.literal('adam'),
    schedule: scheduleSchema,
    warmupSteps: warmupSchema,
    lr: z.number().positive().default(1e-3),
    beta1: z.number().min(0).lt(1).default(0.9),
    beta2: z.number().min(0).lt(1).default(0.999),
    eps: z.number().positive().default(1e-8),
  }),
  z.object({ kind: z.literal('sgd'), schedule: scheduleSchema, warmupSteps: warmupSchema, lr: z.number().positive().default(0.05), momentum: z.number().min(0).lt(1).default(0) }),
]);
export type OptimizerSpec = z.infer<typeof optimizerSchema>;

export const targetSchema = z.object({
  /** the label unit's desired spike train fires every step from `warmup` on; the others stay silent */
  warmup: z.number().int().min(0).default(1),
});
export type TargetSpec = z.infer<typeof targetSchema>;

export const initSchema = z.object({
  /** forward weights ~ U(-g/sqrt(fanIn), g/sqrt(fanIn)) with g = gain */
  gain: z.number().positive().default(2),
  /** fixed random feedback magnitudes use the same law with this gain */
  feedbackGain: z.number().positive().default(1),
});

export const circuitSchema = z.object({
  format: z.literal(CIRCUIT_FORMAT).default(CIRCUIT_FORMAT),
  version: z.literal(CIRCUIT_VERSION).default(CIRCUIT_VERSION),
  name: z.string().min(1).max(200).default('circuit'),
  description: z.string().max(10_000).default(''),
  input: z.object({
    /** 'mnist' | 'fashion-mnist' | 'cifar10' | a path (IDX folder, CIFAR binary folder, image folder) */
    dataset: z.string().min(1).default('mnist'),
    encoder: encoderSchema.prefault({ kind: 'direct' }),
  }).prefault({}),
  /** hidden layers then the output layer; the last layer must be dense with one unit per class */
  layers: z.array(layerSchema).min(1).max(32),
  neuron: neuronSchema.prefault({}),
  /** time steps per sample */
  steps: z.number().int().min(1).max(1024).default(8),
  rule: ruleSchema.prefault({ name: 'microcircuit' }),
  target: targetSchema.prefault({}),
  optimizer: optimizerSchema.prefault({ kind: 'adam' }),
  init: initSchema.prefault({}),
  batch: z.number().int().min(1).max(4096).default(64),
  epochs: z.number().int().min(1).max(10_000).default(10),
  seed: z.number().int().min(0).max(2 ** 31 - 1).default(1),
});
/** A circuit with every default filled in. */
export type Circuit = z.infer<typeof circuitSchema>;
/** What a user may write: any defaulted field may be left out. */
export type CircuitInput = z.input<typeof circuitSchema>;

export class CircuitError extends Error {
  constructor(readonly issues: { path: string; message: string }[]) {
    super(issues.map((i) => `${i.path}: ${i.message}`).join('\n'));
    this.name = 'CircuitError';
  }
}

/** JSON path of a zod issue, as `layers[1].units`. */
export function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out ? `.${String(key)}` : String(key);
  }
  return out || '(root)';
}

/** Validates a circuit; throws a CircuitError that names each bad JSON path and what was expected. */
export function parseCircuit(json: unknown): Circuit {
  const result = circuitSchema.safeParse(json);
  if (!result.success) {
    throw new CircuitError(result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message })));
  }
  return result.data;
}

/** Validates without throwing: the issues list is empty when the circuit is valid. */
export function validateCircuit(json: unknown): { path: string; message: string }[] {
  const result = circuitSchema.safeParse(json);
  return result.success ? [] : result.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
}
