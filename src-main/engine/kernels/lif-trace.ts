import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { NamedAttrMap } from '@tensorflow/tfjs-core';
import type { NeuronParams } from '../../../src-shared/circuit';
import type { LifState } from '../neurons/lif';
import { lifStep } from '../neurons/lif';
import { traceStep } from '../neurons/trace';
import { somaGate } from '../neurons/surrogate';
import type { HostKernel } from './backend-arrays';
import { f32, hasKernel, registerHostKernel } from './backend-arrays';

/**
 * Fused soma + trace (+ gate) step of one layer: the LIF update of neurons/lif.ts, the
 * trace of neurons/trace.ts and the soma gate of neurons/surrogate.ts in one pass, with
 * float32 rounding after every operation so the result equals the plain-op reference
 * (`lifTraceReference`) bit for bit. Refractory neurons use the reference.
 */
export const LIF_TRACE = 'ApicalLifTrace';

export interface LifTraceAttrs extends NamedAttrMap {
  decay: number;
  vTh: number;
  resetZero: boolean;
  tauS: number;
  surrogate: string;
  width: number;
  slope: number;
  withGate: boolean;
}

const kernel: HostKernel<LifTraceAttrs> = {
  name: LIF_TRACE,
  outputShapes: (inputs, attrs) => (attrs.withGate ? [0, 1, 2, 3] : [0, 1, 2]).map(() => [...inputs[0].shape]),
  loop: (ins, outs, p) => lifTraceLoop(ins, outs, p, 0, ins[0].length),
};

/** The scalar loop over elements [from, to) (cpu backend, and the SIMD kernel's tail). */
export function lifTraceLoop([current, u, s, a]: Float32Array[], [uOut, sOut, aOut, gateOut]: Float32Array[], p: LifTraceAttrs, from: number, to: number): void {
  const decay = f32(p.decay);
  const vTh = f32(p.vTh);
  const keep = f32(1 - 1 / p.tauS);
  const gain = f32(1 / p.tauS);
  const half = f32(p.width / 2);
  const height = f32(1 / p.width);
  const slope = f32(p.slope);
  const boxcar = p.surrogate === 'boxcar';
  for (let i = from; i < to; i++) {
    const leaked = p.resetZero ? f32(f32(u[i] * f32(1 - s[i])) * decay) : f32(f32(u[i] - f32(s[i] * vTh)) * decay);
    const un = f32(leaked + current[i]);
    const sn = un >= vTh ? 1 : 0;
    uOut[i] = un;
    sOut[i] = sn;
    aOut[i] = f32(f32(a[i] * keep) + f32(sn * gain));
    if (gateOut) {
      const dist = Math.abs(f32(un - vTh));
      let d: number;
      if (boxcar) d = f32((dist < half ? 1 : 0) * height);
      else {
        const x = f32(f32(dist * slope) + 1);
        d = f32(1 / f32(x * x));
      }
      gateOut[i] = f32(d * gain);
    }
  }
}

registerHostKernel(kernel);

export interface LifTraceResult {
  readonly lif: LifState;
  readonly a: Tensor;
  readonly gate: Tensor | null;
}

/** The plain-op reference: what the fused kernel must equal. */
export function lifTraceReference(current: Tensor, state: LifState, aPrev: Tensor, p: NeuronParams, withGate: boolean): LifTraceResult {
  const lif = lifStep(current, state, p);
  return { lif, a: traceStep(lif.s, aPrev, p.tauS), gate: withGate ? lifGate(lif, p) : null };
}

/** The soma gate f'(u)/tau_s, zero while a cell is refractory (it is clamped and cannot spike). */
export function lifGate(lif: LifState, p: NeuronParams): Tensor {
  if (!lif.refractory) return somaGate(lif.u, p);
  const r = lif.refractory;
  return tf.tidy(() => tf.mul(somaGate(lif.u, p), tf.step(tf.sub(0.5, r))));
}

/** One layer's soma + trace (+ gate) step: fused where the backend has the kernel, else the reference. */
export function lifTraceStep(current: Tensor, state: LifState, aPrev: Tensor, p: NeuronParams, withGate: boolean): LifTraceResult {
  if (p.refractory > 0 || !hasKernel(LIF_TRACE)) return lifTraceReference(current, state, aPrev, p, withGate);
  const attrs: LifTraceAttrs = {
    decay: 1 - 1 / p.tauM, vTh: p.vTh, resetZero: p.reset === 'zero', tauS: p.tauS,
    surrogate: p.surrogate, width: p.surrogateWidth, slope: p.surrogateSlope, withGate,
  };
  const out = tf.engine().runKernel(LIF_TRACE, { current, u: state.u, s: state.s, a: aPrev }, attrs) as unknown as Tensor[];
  return { lif: { u: out[0], s: out[1] }, a: out[2], gate: withGate ? out[3] : null };
}
