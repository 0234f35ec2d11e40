import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { tf } from '../tensor/tf';
import type { Tensor, Tensor4D } from '../tensor/tf';
import { parseCircuit } from '../../../src-shared/circuit';
import type { ConvLayerSpec } from '../../../src-shared/circuit';
import { Network } from '../network';
import { createRule } from '../rules/registry';
import type { LayerGradients, LocalRule } from '../rules/rule';
import { disposeSimulation, simulate } from '../training/simulate';
import { useBackend } from '../testing/backends';
import { assertClose } from '../testing/compare';
import { perStepAutodiff } from '../testing/per-step-autodiff';
import { convSynapse } from './conv';
import { poolSynapse } from './pool';

const read = async (t: Tensor) => Float32Array.from(await t.data());

beforeAll(async () => {
  await useBackend('cpu');
});

describe('conv synapses: the transposed convolution and the filter gradient written as forward convolutions', () => {
  const cases: [ConvLayerSpec['padding'], number, number][] = [['same', 3, 8], ['valid', 3, 8], ['same', 5, 7], ['same', 2, 6], ['valid', 4, 9]];
  for (const [padding, k, h] of cases) {
    it(`equal tfjs's Conv2DBackpropFilter and conv2dTranspose (${padding}, kernel ${k}, ${h}x${h})`, async () => {
      const syn = convSynapse({ kind: 'conv', filters: 4, kernel: k, stride: 1, padding }, [h, h, 3]);
      const a = tf.randomNormal([5, h, h, 3], 0, 1, 'float32', 1);
      const kernel = tf.randomNormal([k, k, 3, 4], 0, 1, 'float32', 2);
      const v = tf.randomNormal([5, ...syn.outShape], 0, 1, 'float32', 3);
      const filterGrad = tf.engine().runKernel('Conv2DBackpropFilter', { x: a, dy: v }, { strides: 1, pad: padding, dataFormat: 'NHWC', filterShape: [k, k, 3, 4] }) as Tensor;
      assertClose(await read(syn.hebbian(a, v)), await read(filterGrad), 1e-5, 'hebbian');
      const transposed = tf.conv2dTranspose(v as Tensor4D, kernel as Tensor4D, [5, h, h, 3], 1, padding);
      assertClose(await read(syn.feedback(v, syn.prepareFeedback(kernel))), await read(transposed), 1e-5, 'feedback');
    });
  }

  it('avg-pool spreads each window\'s error evenly (equals AvgPoolGrad)', async () => {
    const syn = poolSynapse({ kind: 'avg-pool', size: 2 }, [8, 6, 3]);
    const d = tf.randomNormal([2, 4, 3, 3], 0, 1, 'float32', 4);
    const reference = tf.engine().runKernel('AvgPoolGrad', { dy: d, input: tf.zeros([2, 8, 6, 3]) }, { filterSize: [2, 2], strides: [2, 2], pad: 'valid' }) as Tensor;
    expect(Array.from(await read(syn.feedback(d, null)))).toEqual(Array.from(await read(reference)));
  });

  it('rejects shapes that do not fit, naming the layer', () => {
    expect(() => new Network(parseCircuit({ layers: [{ kind: 'dense', units: 4 }, { kind: 'conv', filters: 2, kernel: 3 }, { kind: 'dense', units: 10 }] }), { inputShape: [8, 8, 1], classes: 10 }))
      .toThrow(/layers\[1\]: a conv layer needs an image-shaped input/);
    expect(() => new Network(parseCircuit({ layers: [{ kind: 'avg-pool', size: 3 }, { kind: 'dense', units: 10 }] }), { inputShape: [8, 8, 1], classes: 10 }))
      .toThrow(/layers\[0\]: avg-pool of size 3 needs a height and width divisible by 3/);
  });
});

describe('rules on a convolutional circuit (conv - pool - conv - dense)', () => {
  const circuit = parseCircuit({
    layers: [
      { kind: 'conv', filters: 3, kernel: 3 }, { kind: 'avg-pool', size: 2 },
      { kind: 'conv', filters: 4, kernel: 3, padding: 'valid' }, { kind: 'dense', units: 5 },
    ],
    steps: 5, neuron: { surrogateWidth: 2 }, init: { gain: 4 }, seed: 3,
  });
  let net: Network;
  const images = tf.randomUniform([4, 8, 8, 2], 0, 1, 'float32', 7);
  const labels = tf.tensor1d([0, 1, 2, 4], 'int32');
  beforeAll(() => {
    net = new Network(circuit, { inputShape: [8, 8, 2], classes: 5 });
  });
  afterAll(() => net.dispose());

  const gradientsOf = (name: 'bp-spatial' | 'frsf' | 'microcircuit-analog') => {
    const rule = createRule({ ...circuit.rule, name } as never, circuit.seed) as LocalRule;
    const result = simulate(net, images, { labels, rule });
    const grads = result.grads as LayerGradients;
    const out = { weight: grads.weight.map((g) => (g ? g.dataSync().slice() : new Float32Array(0))), bias: grads.bias.map((g) => (g ? g.dataSync().slice() : new Float32Array(0))) };
    disposeSimulation(result);
    rule.dispose();
    return out;
  };

  it('bp-spatial equals autodiff of the per-step loss through conv, pool and dense layers', () => {
    const engine = gradientsOf('bp-spatial');
    const auto = perStepAutodiff(net, images, labels, 0);
    for (const l of [0, 2, 3]) {
      expect(auto.weight[l].some((x) => x !== 0), `layer ${l} gets error`).toBe(true);
      assertClose(engine.weight[l], auto.weight[l], 1e-4, `layer ${l} weight`);
      assertClose(engine.bias[l], auto.bias[l], 1e-4, `layer ${l} bias`);
    }
  });

  it('microcircuit-analog equals frsf (feedback through transposed convolutions with |R| o sign(K))', () => {
    const frsf = gradientsOf('frsf');
    const analog = gradientsOf('microcircuit-analog');
    for (const l of [0, 2, 3]) assertClose(analog.weight[l], frsf.weight[l], 1e-5, `layer ${l} weight`);
  });
});

describe('tensor count on a convolutional circuit', () => {
  it('stays flat over training batches with pooling layers (every rule family)', () => {
    const circuit = parseCircuit({
      layers: [{ kind: 'conv', filters: 2, kernel: 3 }, { kind: 'avg-pool', size: 2 }, { kind: 'dense', units: 3 }],
      steps: 4, neuron: { surrogateWidth: 2 }, init: { gain: 4 },
    });
    const net = new Network(circuit, { inputShape: [4, 4, 1], classes: 3 });
    const images = tf.randomUniform([2, 4, 4, 1], 0, 1, 'float32', 1);
    const labels = tf.tensor1d([0, 2], 'int32');
    for (const name of ['frsf', 'microcircuit', 'dfa'] as const) {
      const rule = createRule({ ...circuit.rule, name } as never, 1) as LocalRule;
      const counts: number[] = [];
      for (let b = 0; b < 4; b++) {
        disposeSimulation(simulate(net, images, { labels, rule, batchIndex: b }));
        counts.push(tf.memory().numTensors);
      }
      expect(new Set(counts.slice(1)).size, `${name}: ${counts.join(', ')}`).toBe(1);
      rule.dispose();
    }
    tf.dispose([images, labels]);
    net.dispose();
  });
});
