import type { Tensor } from '../tensor/tf';

/**
 * The learned forward pathway into one layer of pyramidal cells (inter-layer, all-to-all
 * for dense layers), with the two transposed operations the learning rules need. One
 * implementation per layer kind; the rules never look inside.
 */
export interface Synapse {
  readonly kind: 'dense' | 'conv' | 'avg-pool';
  /** shape of one sample of the presynaptic traces */
  readonly inShape: readonly number[];
  /** shape of one sample of this layer's cells */
  readonly outShape: readonly number[];
  /** shape of the weight tensor ([] for a pool, which has none) */
  readonly weightShape: readonly number[];
  /** basal current I = W a_prev + b, batch-first */
  current(aPrev: Tensor, weight: Tensor | null, bias: Tensor | null): Tensor;
  /**
   * Turns a feedback matrix/kernel of the weight's shape into the operand `feedback` takes
   * (dense: its transpose, so the per-step product needs no transposed matmul). Once per batch.
   */
  prepareFeedback(feedbackWeight: Tensor): Tensor;
  /** error sent down through a prepared feedback operand: e_prev = B^T delta */
  feedback(delta: Tensor, prepared: Tensor | null): Tensor;
  /** Hebbian product sum over rows of a_prev^T v, batch-first (rows = time x batch) */
  hebbian(aPrev: Tensor, v: Tensor): Tensor;
}

export function sizeOf(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}
