import { tf } from '../tensor/tf';
import type { RuleDefinition } from './rule';
import { linearFeedbackRule } from './linear-feedback';

/** Feedback alignment (Lillicrap et al. 2016): B = R, fixed random. */
export const fa: RuleDefinition<'fa'> = {
  name: 'fa',
  summary: 'feedback alignment: fixed random feedback R',
  create: () => linearFeedbackRule('fa', (l) => tf.clone(l.feedback!)),
};
