import type { Tensor } from '../tensor/tf';
import type { RuleName, RuleSpec } from '../../../src-shared/circuit';
import type { Network } from '../network';

/** What one layer did at step t, as the rules see it. Batch-first, in the layer's shape. */
export interface LayerStepView {
  /** membrane potential before reset (null for pooling layers) */
  readonly u: Tensor | null;
  /** presynaptic trace a_l[t] */
  readonly a: Tensor;
  /** the soma's gate on its own error cells, f'(u)/tau_s (null for pooling layers) */
  readonly gate: Tensor | null;
}

export interface StepContext {
  readonly t: number;
  readonly net: Network;
  readonly layers: readonly LayerStepView[];
  /** the global spiking error at the output, e_L[t] = ahat[t] - a_L[t] */
  readonly outputError: Tensor;
}

/**
 * A learning rule that is local in time: at every step it turns the forward state and the
 * output error into a learning signal v_l[t] per layer (the apical potential of the
 * pyramidal cells; -dE_t/du for backprop-like rules). The runner then applies the Hebbian
 * update dW_l = eta * sum_t a_{l-1}[t]^T v_l[t] once per mini-batch.
 */
export interface LocalRule {
  readonly kind: 'local';
  readonly name: RuleName;
  /** once per batch, outside any tidy: build what the batch needs (feedback matrices) */
  beginBatch(net: Network, batchIndex: number): void;
  /** the learning signals of step t, one per layer (null for pooling layers); called inside the runner's tidy */
  step(ctx: StepContext): (Tensor | null)[];
  /** extra somatic current per layer for the next step (apical coupling), or null */
  somaticCurrent?(): (Tensor | null)[] | null;
  /** scalar statistics of the batch (kept tensors the caller disposes), e.g. error-cell saturation */
  endBatch(): Record<string, Tensor>;
  /** state carried across batches that a resumed run needs (kept tensors, by name) */
  state?(): Record<string, Tensor>;
  /** restores what `state` returned (takes ownership of the tensors) */
  loadState?(tensors: Record<string, Tensor>): void;
  dispose(): void;
}

/** Gradients in the minimisation direction, one entry per layer (null where a layer has no parameters). */
export interface LayerGradients {
  weight: (Tensor | null)[];
  bias: (Tensor | null)[];
}

/** A rule that needs the whole sequence: surrogate-gradient backprop through time by autodiff. */
export interface AutodiffRule {
  readonly kind: 'autodiff';
  readonly name: RuleName;
  /** dE/dW for the batch (E averaged over the batch), and E itself summed over the batch */
  gradients(net: Network, images: Tensor, labels: Tensor, encoderSeed: number): { grads: LayerGradients; loss: Tensor };
  dispose(): void;
}

export type LearningRule = LocalRule | AutodiffRule;

/** One registry entry: a rule name and how to build it from its spec. */
export interface RuleDefinition<N extends RuleName = RuleName> {
  readonly name: N;
  readonly summary: string;
  create(spec: Extract<RuleSpec, { name: N }>, seed: number): LearningRule;
}
