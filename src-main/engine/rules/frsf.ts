import { tf } from '../tensor/tf';
import type { RuleDefinition } from './rule';
import { linearFeedbackRule } from './linear-feedback';

/** Sign-concordant feedback, fixed random magnitudes: B = |R| o sign(W). */
export const frsf: RuleDefinition<'frsf'> = {
  name: 'frsf',
  summary: 'sign-concordant feedback alignment, fixed random magnitudes |R| o sign(W)',
  create: () => linearFeedbackRule('frsf', (l) => tf.tidy(() => tf.mul(tf.abs(l.feedback!), tf.sign(l.weight!)))),
};
