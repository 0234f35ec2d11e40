import type { GraphBuilder } from './graph-builder';

/**
 * How a dense product `a . W` is written into the graph.
 *
 * - `exact` (default) reproduces, bit for bit, the tfjs cpu backend the engine is checked
 *   against. That kernel (tfjs-backend-cpu `BatchMatMul`) walks the inner dimension in
 *   blocks of 48: within a block it sums the products in float64 (JS numbers), and after
 *   each block it adds that sum to the float32 result, rounding to float32 once per block:
 *
 *       r = fround(S_0);  r = fround(r + S_j)  for j = 1 .. nb-1,   S_j = sum_{k in block j} a_k w_k  (float64)
 *
 *   The graph does the same: the inner dimension is zero-padded to nb*48, a float64
 *   batched MatMul gives every S_j (a product of two float32 numbers is exact in float64,
 *   so only the summation rounds, as in JS), and a chain of float64 Adds with a Cast to
 *   float32 after each reproduces the per-block rounding.
 * - `float32`: one plain float32 MatMul. Smaller and faster, what hardware toolchains want;
 *   it sums in another order, so a potential that lands within float32 rounding of the
 *   threshold can spike differently. The verification counts how often.
 */
export type MatMulMode = 'exact' | 'float32';
export const MATMUL_MODES: readonly MatMulMode[] = ['exact', 'float32'];

/** The inner-dimension block of the tfjs cpu backend's matmul (`MathBackendCPU.blockSize`). */
export const TFJS_CPU_BLOCK = 48;

const DOUBLE = 11;
const FLOAT = 1;

/** `a . W` for a [batch, inSize] float input and a float weight initializer [inSize, outSize]. */
export function denseProduct(g: GraphBuilder, a: string, weight: string, inSize: number, outSize: number, mode: MatMulMode): string {
  if (mode === 'float32') return g.op('MatMul', [a, weight]);
  const blocks = Math.ceil(inSize / TFJS_CPU_BLOCK);
  const padded = blocks * TFJS_CPU_BLOCK;
  const wBlocks = blockedWeight(g, weight, inSize, outSize, blocks);
  let x = g.op('Cast', [a], { to: DOUBLE }, 'a64');
  if (padded > inSize) x = g.op('Pad', [x, g.constant('int64', [4], [0, 0, 0, padded - inSize])], {}, 'a64.padded');
  x = g.op('Reshape', [x, g.constant('int64', [3], [-1, blocks, TFJS_CPU_BLOCK])], {}, 'a64.blocks');
  x = g.op('Transpose', [x], { perm: [1, 0, 2] }, 'a64.blocks');
  const partial = g.op('MatMul', [x, wBlocks], {}, 'block_sums');
  let r = '';
  for (let j = 0; j < blocks; j++) {
    const s = g.op('Gather', [partial, g.constant('int64', [], [j])], { axis: 0 }, `block${j}`);
    r = j === 0 ? s : g.op('Add', [g.op('Cast', [r], { to: DOUBLE }, 'acc64'), s], {}, 'acc64');
    r = g.op('Cast', [r], { to: FLOAT }, 'acc');
  }
  return r;
}

/** W [in, out] -> float64 [blocks, 48, out], zero-padded (constant-folded by runtimes). */
function blockedWeight(g: GraphBuilder, weight: string, inSize: number, outSize: number, blocks: number): string {
  return g.within('weight_blocks', () => {
    const padded = blocks * TFJS_CPU_BLOCK;
    let w = g.op('Cast', [weight], { to: DOUBLE }, 'w64');
    if (padded > inSize) w = g.op('Pad', [w, g.constant('int64', [4], [0, 0, padded - inSize, 0])], {}, 'w64.padded');
    return g.op('Reshape', [w, g.constant('int64', [3], [blocks, TFJS_CPU_BLOCK, outSize])], {}, 'w64.blocks');
  });
}
