import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Network } from '../network';
import { makeEncoder } from '../encoders/encoder';
import type { LayerState } from '../training/forward';
import { forwardStep, initialLayerStates, stateTensors } from '../training/forward';
import { makeTarget, outputError, stepLoss } from '../training/target';
import { surrogateSpike } from '../rules/bptt';

/**
 * The gradient of the per-step loss with the past held fixed, by tfjs autodiff:
 *
 *   g = (1/B) sum_t d E_t / d theta,  E_t = 1/2 |ahat[t] - a_L[t]|^2,
 *
 * where step t is the engine's forwardStep with a surrogate spike (Heaviside forward, f'
 * backward) starting from the states of step t-1 computed without gradient (constants).
 */
export function perStepAutodiff(net: Network, images: Tensor, labels: Tensor, encoderSeed: number): { weight: Float32Array[]; bias: Float32Array[] } {
  const batch = images.shape[0];
  // layers without weights (pooling) contribute empty gradients
  const owners = net.layers.filter((l) => l.weight && l.bias);
  const params: Tensor[] = owners.flatMap((l) => [l.weight as Tensor, l.bias as Tensor]);
  const sums = params.map((p) => new Float64Array(p.size));
  const flat = tf.reshape(images, [batch, net.inputSize]);
  const encoder = makeEncoder(net.circuit.input.encoder, flat, net.neuron.tauS, encoderSeed);
  const target = makeTarget(net, labels);
  const spike = surrogateSpike(net.neuron);
  let states: LayerState[] = initialLayerStates(net, batch);
  for (let t = 0; t < net.circuit.steps; t++) {
    const input = encoder.step(t);
    const past = states;
    const grads = tf.grads(() => {
      const next = forwardStep(net, input, past, { spike });
      return tf.div(stepLoss(outputError(target, t, next[next.length - 1].a)), batch);
    })(params);
    grads.forEach((g, i) => g.dataSync().forEach((x, j) => (sums[i][j] += x)));
    tf.dispose(grads);
    states = forwardStep(net, input, past);
    tf.dispose([...stateTensors(past), input]);
  }
  tf.dispose([...stateTensors(states), flat, target.oneHot]);
  encoder.dispose();
  const as32 = sums.map((s) => Float32Array.from(s));
  const slot = (i: number) => owners.findIndex((l) => l.index === i);
  return {
    weight: net.layers.map((l) => (slot(l.index) < 0 ? new Float32Array(0) : as32[2 * slot(l.index)])),
    bias: net.layers.map((l) => (slot(l.index) < 0 ? new Float32Array(0) : as32[2 * slot(l.index) + 1])),
  };
}

