import type { ConvLayerSpec } from '../../src-shared/circuit';
import type { GraphBuilder } from './graph-builder';
import type { GraphProto } from './proto';
import { tensorProto } from './proto';
import type { LayerExporter } from './layer-exporter';
import { expectShape, need } from './layer-exporter';

const DOUBLE = 11;
const FLOAT = 1;

/** Output size and tf-style padding of a conv layer ('same' puts the odd pixel after). */
export interface ConvGeometry {
  readonly h: number;
  readonly w: number;
  readonly c: number;
  readonly k: number;
  readonly stride: number;
  readonly filters: number;
  readonly outH: number;
  readonly outW: number;
  /** pads: top, left, bottom, right */
  readonly pads: readonly [number, number, number, number];
}

export function convGeometry(spec: ConvLayerSpec, inShape: readonly number[]): ConvGeometry {
  const [h, w, c] = inShape;
  const { kernel: k, stride } = spec;
  const same = spec.padding === 'same';
  const outH = same ? Math.ceil(h / stride) : Math.floor((h - k) / stride) + 1;
  const outW = same ? Math.ceil(w / stride) : Math.floor((w - k) / stride) + 1;
  // tfjs computeConv2DInfo: pad along an axis = max(0, (out - 1) * stride + k - in), half before (rounded down)
  const padH = same ? Math.max(0, (outH - 1) * stride + k - h) : 0;
  const padW = same ? Math.max(0, (outW - 1) * stride + k - w) : 0;
  const top = Math.floor(padH / 2);
  const left = Math.floor(padW / 2);
  return { h, w, c, k, stride, filters: spec.filters, outH, outW, pads: [top, left, padH - top, padW - left] };
}

/**
 * Convolutional synapses (engine layers/conv.ts): I = conv(a_prev, K) + b, NHWC, kernel
 * [k, k, in, out] as the engine stores it.
 *
 * `exact` reproduces the tfjs cpu backend's Conv2D bit for bit. That kernel accumulates
 * each output in a Float32Array, one product at a time, in the order (kernel row, kernel
 * column, input channel): y = fround(y + x * w), the product exact in float64 (JS numbers);
 * taps that fall in the padding are skipped. The graph gathers the K = k*k*in taps of every
 * output position (im2col, zero padding: adding +-0 leaves a sum unchanged) and runs the
 * same chain of K float64 Add + Cast-to-float32 steps, each over all positions and filters
 * at once, as an ONNX Loop over the taps. `float32` is one ONNX Conv: fast, summed in
 * another order.
 */
export const convExporter: LayerExporter = {
  kind: 'conv',
  prepare(g, layer, mode) {
    const spec = layer.spec as ConvLayerSpec;
    const geo = convGeometry(spec, layer.inShape);
    const weight = need(layer, layer.weight, 'weight');
    const bias = need(layer, layer.bias, 'bias');
    expectShape(layer, 'weight', weight, [geo.k, geo.k, geo.c, geo.filters]);
    expectShape(layer, 'bias', bias, [geo.filters]);
    const w = g.initializer(`layers.${layer.index}.weight`, 'float', weight.shape, weight.data);
    const b = g.initializer(`layers.${layer.index}.bias`, 'float', bias.shape, bias.data);
    const plain = (input: string) => g.op('Add', [plainConv(g, geo, input, w), b], {}, 'current');
    if (mode !== 'exact') return { current: plain, linear: plain };
    const weights = weightByTap(g, geo, w);
    return {
      current: (input) => g.op('Add', [exactConv(g, geo, input, weights), b], {}, 'current'),
      linear: plain,
    };
  },
};

/** One ONNX Conv (NCHW inside, NHWC outside), the kernel transposed to [out, in, k, k] (constant-folded). */
function plainConv(g: GraphBuilder, geo: ConvGeometry, input: string, weight: string): string {
  const [top, left, bottom, right] = geo.pads;
  const oihw = g.op('Transpose', [weight], { perm: [3, 2, 0, 1] }, 'weight_oihw');
  const nchw = g.op('Transpose', [input], { perm: [0, 3, 1, 2] }, 'nchw');
  const y = g.op('Conv', [nchw, oihw], { kernel_shape: [geo.k, geo.k], strides: [geo.stride, geo.stride], pads: [top, left, bottom, right] }, 'conv');
  return g.op('Transpose', [y], { perm: [0, 2, 3, 1] }, 'conv_nhwc');
}

/** The kernel in float64, one column per tap in the cpu kernel's order: [out, K] (made once per layer). */
function weightByTap(g: GraphBuilder, geo: ConvGeometry, weight: string): string {
  return g.within('weight_taps', () => {
    const taps = geo.k * geo.k * geo.c;
    const w64 = g.op('Cast', [weight], { to: DOUBLE }, 'w64');
    return g.op('Transpose', [g.op('Reshape', [w64, g.constant('int64', [2], [taps, geo.filters])], {}, 'w64.taps')], { perm: [1, 0] }, 'w64.by_filter');
  });
}

/** The cpu backend's Conv2D: per output, y = fround(y + x * w) over the taps in order, from y = 0. */
function exactConv(g: GraphBuilder, geo: ConvGeometry, input: string, weights: string): string {
  const [top, left, bottom, right] = geo.pads;
  let x = g.op('Cast', [input], { to: DOUBLE }, 'a64');
  if (top + left + bottom + right > 0) x = g.op('Pad', [x, g.constant('int64', [8], [0, top, left, 0, 0, bottom, right, 0])], {}, 'a64.padded');
  // im2col: [batch, outH, outW, (row, col, channel)] -> [K, positions]
  const s = geo.stride;
  const slices: string[] = [];
  for (let r = 0; r < geo.k; r++) {
    for (let c = 0; c < geo.k; c++) {
      slices.push(g.op('Slice', [x,
        g.constant('int64', [2], [r, c]),
        g.constant('int64', [2], [r + s * (geo.outH - 1) + 1, c + s * (geo.outW - 1) + 1]),
        g.constant('int64', [2], [1, 2]),
        g.constant('int64', [2], [s, s])], {}, `tap${r}_${c}`));
    }
  }
  const taps = geo.k * geo.k * geo.c;
  const patches = g.op('Concat', slices, { axis: 3 }, 'patches');
  const byTap = g.op('Transpose', [g.op('Reshape', [patches, g.constant('int64', [2], [-1, taps])], {}, 'patches.flat')], { perm: [1, 0] }, 'patches.by_tap');
  // y = 0, shaped [out, positions]
  const positions = g.op('Slice', [g.op('Shape', [byTap], {}, 'shape'), g.constant('int64', [1], [1]), g.constant('int64', [1], [2])], {}, 'positions');
  const yShape = g.op('Concat', [g.constant('int64', [1], [geo.filters]), positions], { axis: 0 }, 'y.shape');
  const y0 = g.op('ConstantOfShape', [yShape], { value: { tensor: tensorProto('zero', 'float', [1], [0]) } }, 'y0');
  const body = tapStep(g, geo, byTap, weights);
  const y = g.op('Loop', [g.constant('int64', [], [taps]), '', y0], { body: { graph: body } }, 'y');
  const byPosition = g.op('Transpose', [y], { perm: [1, 0] }, 'y.by_position');
  return g.op('Reshape', [byPosition, g.constant('int64', [4], [-1, geo.outH, geo.outW, geo.filters])], {}, 'conv');
}

/**
 * The Loop body of exactConv, one tap j a turn: y = Cast<float>(Cast<double>(y) + w[:, j] x[j, :]).
 * A loop keeps the graph small (a few nodes per conv and step instead of five per tap),
 * so onnxruntime loads a CIFAR-sized spiking graph in seconds.
 */
function tapStep(g: GraphBuilder, geo: ConvGeometry, byTap: string, weights: string): GraphProto {
  const b = g.subgraph('tap_step');
  const j = b.input(`${b.name}.j`, 'int64', []);
  const cond = b.input(`${b.name}.cond`, 'bool', []);
  const acc = b.input(`${b.name}.y`, 'float', [geo.filters, 'positions']);
  const xj = b.op('Gather', [byTap, j], { axis: 0 }, 'x'); // [positions]
  const wj = b.op('Unsqueeze', [b.op('Gather', [weights, j], { axis: 1 }, 'w'), b.constant('int64', [1], [1])], {}, 'w.column'); // [out, 1]
  const product = b.op('Mul', [wj, xj], {}, 'xw'); // [out, positions], exact in float64
  const sum = b.op('Add', [b.op('Cast', [acc], { to: DOUBLE }, 'y64'), product], {}, 'y64');
  b.output(cond, `${b.name}.cond_out`, 'bool', []);
  b.output(b.op('Cast', [sum], { to: FLOAT }, 'y'), `${b.name}.y_out`, 'float', [geo.filters, 'positions']);
  return b.build('one tap of the cpu Conv2D accumulation');
}
