import type { Tensor } from '../tensor/tf';
import type { EncoderSpec } from '../../../src-shared/circuit';
import { directEncoder } from './direct';
import { poissonEncoder } from './poisson';

/**
 * Turns one batch of normalised images (B x features, values in [0, 1]) into the input
 * layer's presynaptic trace a_0[t], step by step.
 */
export interface Encoder {
  /** true when a_0[t] is the same every step (the first layer's current is then computed once) */
  readonly constant: boolean;
  /** a_0[t]; called for t = 0, 1, ... in order. The caller owns the returned tensor. */
  step(t: number): Tensor;
  /** frees the encoder's own state */
  dispose(): void;
}

/** Builds the encoder of a spec for one batch. `seed` makes stochastic encoders reproducible. */
export function makeEncoder(spec: EncoderSpec, images: Tensor, tauS: number, seed: number): Encoder {
  switch (spec.kind) {
    case 'direct':
      return directEncoder(images);
    case 'poisson':
      return poissonEncoder(images, spec.maxRate, tauS, seed);
    default:
      throw new Error(`unknown encoder ${(spec as { kind: string }).kind}`);
  }
}
