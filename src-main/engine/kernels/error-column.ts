import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import { errorCellStep } from '../neurons/error-cell';
import type { HostKernel } from './backend-arrays';
import { f32, hasKernel, registerHostKernel } from './backend-arrays';

/**
 * One step of the spiking error cells of a layer — the E+/E- pair of every column — fused:
 *
 *   drive+ = gate * x+,  drive- = gate * x-
 *   theta  = fixed, or scale * max(ema, running max of the drives this batch incl. this step)   (auto)
 *   c' = c + drive;  spike = c' >= theta;  r = theta * spike;  c = c' - r   (both cells)
 *   i = r+ - r-      (the apical compartment's input)
 *
 * with float32 rounding after every operation, so it equals `errorColumnReference` (the
 * plain-op version, built from neurons/error-cell.ts) bit for bit.
 *
 * `thetaState` is [ema, running max, fixed theta], -Infinity where there is none yet.
 * `stats` is [saturated cells, spikes, running max after this step, theta used].
 */
export const ERROR_COLUMN = 'ApicalErrorColumn';

export interface ErrorColumnAttrs extends NamedAttrMap {
  /** 'auto' | 'fixed' */
  mode: string;
  scale: number;
}

export interface ErrorColumnResult {
  readonly rPos: Tensor;
  readonly rNeg: Tensor;
  readonly cPos: Tensor;
  readonly cNeg: Tensor;
  /** r+ - r- */
  readonly input: Tensor;
  /** [saturated, spikes, running max, theta] */
  readonly stats: Tensor;
}

/** The threshold of this step from the drives' maximum (shared by the host loop and the SIMD kernel's caller). */
export function thetaOf(stepMax: number, state: ArrayLike<number>, attrs: ErrorColumnAttrs): { theta: number; runMax: number } {
  if (attrs.mode === 'fixed') return { theta: f32(state[2]), runMax: state[1] };
  const runMax = Math.max(state[1], stepMax);
  const reference = Math.max(state[0], runMax);
  return { theta: Math.max(f32(reference * f32(attrs.scale)), f32(1e-12)), runMax };
}

/** Pass 1 over elements [from, to): the largest drive, gate * x, of either cell. */
export function columnMax(ins: Float32Array[], from: number, to: number): number {
  const [xPos, xNeg, gate] = ins;
  let stepMax = -Infinity;
  for (let i = from; i < to; i++) {
    const dp = f32(gate[i] * xPos[i]);
    const dn = f32(gate[i] * xNeg[i]);
    if (dp > stepMax) stepMax = dp;
    if (dn > stepMax) stepMax = dn;
  }
  return stepMax;
}

/** Pass 2 over elements [from, to): both cells step with threshold theta; returns the counts. */
export function columnCells(ins: Float32Array[], outs: Float32Array[], theta: number, from: number, to: number): { saturated: number; spikes: number } {
  const [xPos, xNeg, gate, cPos, cNeg] = ins;
  const [rPos, rNeg, cPosOut, cNegOut, input] = outs;
  let saturated = 0;
  let spikes = 0;
  for (let i = from; i < to; i++) {
    const chargedPos = f32(cPos[i] + f32(gate[i] * xPos[i]));
    const chargedNeg = f32(cNeg[i] + f32(gate[i] * xNeg[i]));
    const outPos = chargedPos >= theta ? theta : 0;
    const outNeg = chargedNeg >= theta ? theta : 0;
    const restPos = f32(chargedPos - outPos);
    const restNeg = f32(chargedNeg - outNeg);
    rPos[i] = outPos;
    rNeg[i] = outNeg;
    cPosOut[i] = restPos;
    cNegOut[i] = restNeg;
    input[i] = f32(outPos - outNeg);
    spikes += (outPos > 0 ? 1 : 0) + (outNeg > 0 ? 1 : 0);
    saturated += (restPos >= theta ? 1 : 0) + (restNeg >= theta ? 1 : 0);
  }
  return { saturated, spikes };
}

/** The whole step as one scalar loop (cpu backend). */
function errorColumnLoop(ins: Float32Array[], outs: Float32Array[], attrs: ErrorColumnAttrs): void {
  const n = ins[0].length;
  const { theta, runMax } = thetaOf(columnMax(ins, 0, n), ins[5], attrs);
  const { saturated, spikes } = columnCells(ins, outs, theta, 0, n);
  outs[5].set([saturated, spikes, runMax, theta]);
}

const kernel: HostKernel<ErrorColumnAttrs> = {
  name: ERROR_COLUMN,
  outputShapes: (inputs) => [0, 1, 2, 3, 4].map(() => [...inputs[0].shape]).concat([[4]]),
  loop: (ins, outs, attrs) => errorColumnLoop(ins, outs, attrs),
};

registerHostKernel(kernel);

/** The plain-op reference of the fused step. */
export function errorColumnReference(xPos: Tensor, xNeg: Tensor, gate: Tensor, cPos: Tensor, cNeg: Tensor, thetaState: Tensor, attrs: ErrorColumnAttrs): ErrorColumnResult {
  return tf.tidy(() => {
    const drivePos = tf.mul(gate, xPos);
    const driveNeg = tf.mul(gate, xNeg);
    const [ema, running, fixed] = tf.unstack(thetaState);
    let runMax = running;
    let theta: Tensor;
    if (attrs.mode === 'fixed') {
      theta = fixed;
    } else {
      runMax = tf.maximum(running, tf.maximum(tf.max(drivePos), tf.max(driveNeg)));
      theta = tf.maximum(tf.mul(tf.maximum(ema, runMax), attrs.scale), 1e-12);
    }
    const pos = errorCellStep(drivePos, cPos, theta);
    const neg = errorCellStep(driveNeg, cNeg, theta);
    return {
      rPos: pos.out, rNeg: neg.out, cPos: pos.c, cNeg: neg.c, input: tf.sub(pos.out, neg.out),
      stats: tf.stack([tf.add(pos.saturated, neg.saturated), tf.add(pos.spikes, neg.spikes), runMax, theta]),
    };
  });
}

/** One step of a layer's error cells: fused where the backend has the kernel, else the reference. */
export function errorColumnStep(xPos: Tensor, xNeg: Tensor, gate: Tensor, cPos: Tensor, cNeg: Tensor, thetaState: Tensor, attrs: ErrorColumnAttrs): ErrorColumnResult {
  if (!hasKernel(ERROR_COLUMN)) return errorColumnReference(xPos, xNeg, gate, cPos, cNeg, thetaState, attrs);
  const out = tf.engine().runKernel(ERROR_COLUMN, { xPos, xNeg, gate, cPos, cNeg, thetaState }, attrs) as unknown as Tensor[];
  return { rPos: out[0], rNeg: out[1], cPos: out[2], cNeg: out[3], input: out[4], stats: out[5] };
}
