import type { EncoderSpec } from '../../../src-shared/circuit';
import type { Matrix } from './matrix';
import { map, zeros } from './matrix';
import { traceStep } from './neurons/trace';

/**
 * Reference input encoders: the input layer's presynaptic trace a_0[t], B x features,
 * from normalised images x in [0, 1].
 *
 *   direct:   a_0[t] = x
 *   poisson:  s_0[t] = H(maxRate * x - U[t]) (spike where U[t] < maxRate * x, U ~ U[0,1)),
 *             a_0[t] = trace of s_0 (same tau_s as the pyramidal cells)
 *
 * The Poisson reference is deterministic given the uniform draws U[t]; tests pass the same
 * draws the engine makes.
 */
export function encodeInputs(spec: EncoderSpec, images: Matrix, steps: number, tauS: number, uniforms?: (t: number) => Matrix): Matrix[] {
  if (spec.kind === 'direct') return Array.from({ length: steps }, () => images);
  if (!uniforms) throw new Error('the poisson reference needs the uniform draws of every step');
  const out: Matrix[] = [];
  let trace = zeros(images.length, images[0].length);
  for (let t = 0; t < steps; t++) {
    const u = uniforms(t);
    const spikes = map(images, (x, i, j) => (u[i][j] < x * spec.maxRate ? 1 : 0));
    trace = traceStep(spikes, trace, tauS);
    out.push(trace);
  }
  return out;
}
