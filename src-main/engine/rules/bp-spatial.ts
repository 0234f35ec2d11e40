import { tf } from '../tensor/tf';
import type { RuleDefinition } from './rule';
import { linearFeedbackRule } from './linear-feedback';

/** Per-step backprop (BioLeaF's special case): B = W, i.e. the exact gradient of each step's error with the past held fixed. */
export const bpSpatial: RuleDefinition<'bp-spatial'> = {
  name: 'bp-spatial',
  summary: 'per-step (spatial) backpropagation: B = W',
  create: () => linearFeedbackRule('bp-spatial', (l) => tf.clone(l.weight!)),
};
