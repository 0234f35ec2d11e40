import type { PoolLayerSpec } from '../../src-shared/circuit';
import { OnnxExportError } from './errors';
import type { LayerExporter } from './layer-exporter';

const DOUBLE = 11;
const FLOAT = 1;

/**
 * Average pooling of the traces (engine layers/pool.ts), written as the tfjs cpu backend
 * computes it (utils/pool_utils.ts): per window, a float64 sum of the float32 inputs in
 * row-major order, divided by the window's size in float64, rounded to float32 once. The
 * windows do not overlap, so each tap is one strided Slice; the same graph serves every
 * format (it is cheap and exact).
 */
export const avgPoolExporter: LayerExporter = {
  kind: 'avg-pool',
  prepare(g, layer) {
    const { size } = layer.spec as PoolLayerSpec;
    const [h, w] = layer.inShape;
    if (layer.inShape.length !== 3 || h % size !== 0 || w % size !== 0) {
      throw new OnnxExportError(`layers[${layer.index}]: avg-pool of size ${size} needs an [h, w, c] input divisible by ${size}, got [${layer.inShape.join(', ')}]`);
    }
    const pool = (input: string) => {
      const x = g.op('Cast', [input], { to: DOUBLE }, 'a64');
      let sum = '';
      for (let r = 0; r < size; r++) {
        for (let c = 0; c < size; c++) {
          const tap = g.op('Slice', [x, g.constant('int64', [2], [r, c]), g.constant('int64', [2], [h, w]),
            g.constant('int64', [2], [1, 2]), g.constant('int64', [2], [size, size])], {}, `tap${r}_${c}`);
          sum = sum ? g.op('Add', [sum, tap], {}, 'sum64') : tap;
        }
      }
      const mean = g.op('Div', [sum, g.constant('double', [], [size * size])], {}, 'mean64');
      return g.op('Cast', [mean], { to: FLOAT }, 'pooled');
    };
    return { current: pool, linear: pool };
  },
};
