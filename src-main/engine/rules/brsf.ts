import { tf } from '../tensor/tf';
import type { RuleDefinition } from './rule';
import { linearFeedbackRule } from './linear-feedback';
import { Rng, mixSeed } from '../random';

/** Sign-concordant feedback, magnitudes redrawn every batch: B = |R_batch| o sign(W). */
export const brsf: RuleDefinition<'brsf'> = {
  name: 'brsf',
  summary: 'sign-concordant feedback alignment, random magnitudes redrawn each batch',
  create: (_spec, seed) => linearFeedbackRule('brsf', (l, net, batchIndex) => {
    const w = l.weight!;
    const fanIn = w.size / w.shape[w.shape.length - 1];
    const limit = net.circuit.init.feedbackGain / Math.sqrt(fanIn);
    const r = new Rng(mixSeed(seed, 4, l.index, batchIndex)).uniformArray(w.size, limit);
    return tf.tidy(() => tf.mul(tf.abs(tf.tensor(r, w.shape)), tf.sign(w)));
  }),
};
