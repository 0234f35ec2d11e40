import type { Matrix } from '../matrix';
import { zip } from '../matrix';

/**
 * Reference presynaptic trace: a[t] = (1 - 1/tau_s) * a[t-1] + s[t] / tau_s.
 * A cell firing every step drives its trace to 1.
 */
export function traceCellStep(previous: number, spike: number, tauS: number): number {
  return (1 - 1 / tauS) * previous + spike / tauS;
}

export function traceStep(spikes: Matrix, previous: Matrix, tauS: number): Matrix {
  return zip(previous, spikes, (a, s) => traceCellStep(a, s, tauS));
}

/**
 * ahat[t], the trace of the desired spike train of the label unit: it fires at every step
 * t >= warmup (docs/method.md: "fires every step after a warm-up of 1 step").
 */
export function desiredTrace(steps: number, warmup: number, tauS: number): number[] {
  const out: number[] = [];
  let a = 0;
  for (let t = 0; t < steps; t++) {
    a = traceCellStep(a, t >= warmup ? 1 : 0, tauS);
    out.push(a);
  }
  return out;
}
