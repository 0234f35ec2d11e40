import type { TensorInfo } from '@tensorflow/tfjs-core';
import { POISSON_SPIKES, POISSON_WGSL, pcgHash } from '../poisson';
import type { PoissonAttrs } from '../poisson';
import { ElementwiseProgram, registerElementwiseKernel } from './program';

/** WGSL twin of the Poisson host loop: the same hash, so the same spikes. */
export function registerPoissonWebgpu(): void {
  registerElementwiseKernel<PoissonAttrs>(POISSON_SPIKES, (inputs: TensorInfo[], p) => {
    const count = inputs[0].shape.reduce((a, b) => a * b, 1);
    const key = pcgHash((p.seed + Math.imul(p.step, 0x9e3779b9)) >>> 0);
    const body = `
          let h = pcgHash(bitcast<u32>(index) ^ bitcast<u32>(uniforms.key));
          let u = f32(h >> 8u) / 16777216.0;
          result[index] = select(0.0, 1.0, u < f32(X[index]) * uniforms.rate);`;
    const program = new ElementwiseProgram(count, 1, ['X'], 'key : i32, rate : f32,', body, 'apical_poisson');
    const getUserCode = program.getUserCode.bind(program);
    program.getUserCode = () => `${POISSON_WGSL}\n${getUserCode()}`;
    return { program, uniforms: [{ type: 'int32', data: [key | 0] }, { type: 'float32', data: [p.maxRate] }], outputs: 1, shape: [...inputs[0].shape] };
  });
}
