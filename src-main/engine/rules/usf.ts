import { tf } from '../tensor/tf';
import type { RuleDefinition } from './rule';
import { linearFeedbackRule } from './linear-feedback';

/** Sign-concordant feedback, unit magnitudes: B = sign(W). */
export const usf: RuleDefinition<'usf'> = {
  name: 'usf',
  summary: 'sign-concordant feedback alignment, unit magnitudes sign(W)',
  create: () => linearFeedbackRule('usf', (l) => tf.sign(l.weight!)),
};
