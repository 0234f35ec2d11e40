import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Network } from '../network';
import { makeEncoder } from '../encoders/encoder';
import type { ForwardOptions } from './forward';
import { forwardStep, initialLayerStates } from './forward';
import { makeTarget, outputError, stepLoss } from './target';

/**
 * The whole T-step forward pass as one differentiable expression, returning E summed over
 * the batch. Used by autodiff (BPTT and the bp-spatial check); keeps every intermediate, so
 * call it inside tf.grads / tf.tidy.
 */
export function simulateForLoss(net: Network, images: Tensor, labels: Tensor, encoderSeed: number, opts: Pick<ForwardOptions, 'spike' | 'detachReset'>): Tensor {
  const flat = tf.reshape(images, [images.shape[0], net.inputSize]);
  const encoder = makeEncoder(net.circuit.input.encoder, flat, net.neuron.tauS, encoderSeed);
  const target = makeTarget(net, labels);
  let states = initialLayerStates(net, images.shape[0]);
  const firstCurrent = encoder.constant ? net.layers[0].synapse.current(flat, net.layers[0].weight, net.layers[0].bias) : null;
  let loss: Tensor = tf.scalar(0);
  for (let t = 0; t < net.circuit.steps; t++) {
    states = forwardStep(net, encoder.step(t), states, { ...opts, firstCurrent });
    loss = tf.add(loss, stepLoss(outputError(target, t, states[states.length - 1].a)));
  }
  encoder.dispose();
  return loss;
}
