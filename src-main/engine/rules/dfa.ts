import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { LocalRule, RuleDefinition } from './rule';

/**
 * Direct feedback alignment (Nøkland 2016): every hidden layer gets the global output
 * error through its own fixed random matrix D_l, e_l = D_l e_L (the output error itself,
 * not gated by the output cells, as in docs/method.md), delta_l = gate_l * e_l. The output
 * layer learns from delta_L = gate_L * e_L.
 */
export const dfa: RuleDefinition<'dfa'> = {
  name: 'dfa',
  summary: 'direct feedback alignment: output error straight to each hidden layer through fixed random D_l',
  create: (): LocalRule => ({
    kind: 'local',
    name: 'dfa',
    beginBatch: () => undefined,
    step({ net, layers, outputError }) {
      const last = net.layers.length - 1;
      const deltaL = tf.mul(layers[last].gate as Tensor, outputError);
      return net.layers.map((layer, l) => {
        if (l === last) return deltaL;
        if (!layer.hasCells || !layer.direct) return null;
        const e = tf.reshape(tf.matMul(outputError, layer.direct), [deltaL.shape[0], ...layer.synapse.outShape]);
        return tf.mul(layers[l].gate as Tensor, e);
      });
    },
    endBatch: () => ({}),
    dispose: () => undefined,
  }),
};
