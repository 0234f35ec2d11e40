import type { TensorInfo } from '@tensorflow/tfjs-core';
import type { LifTraceAttrs } from '../lif-trace';
import { ElementwiseProgram, registerElementwiseKernel } from './program';

/** WGSL twin of the host loop in ../lif-trace.ts: soma, spike, trace and gate in one pass. */
export function registerLifTraceWebgpu(name: string): void {
  registerElementwiseKernel<LifTraceAttrs>(name, (inputs: TensorInfo[], p) => {
    const count = inputs[0].shape.reduce((a, b) => a * b, 1);
    const leak = p.resetZero ? '(uPrev * (1.0 - sPrev)) * uniforms.decay' : '(uPrev - sPrev * uniforms.vTh) * uniforms.decay';
    const surrogate = p.surrogate === 'boxcar'
      ? 'select(0.0, 1.0, dist < uniforms.half) * uniforms.height'
      : '1.0 / ((dist * uniforms.slope + 1.0) * (dist * uniforms.slope + 1.0))';
    const body = `
          // inputs may be stored as i32 (a cast from bool reuses the buffer): read through f32()
          let uPrev = f32(U[index]);
          let sPrev = f32(S[index]);
          let un = ${leak} + f32(I[index]);
          let sn = select(0.0, 1.0, un >= uniforms.vTh);
          result[index] = un;
          result[n + index] = sn;
          result[2 * n + index] = f32(A[index]) * uniforms.keep + sn * uniforms.gain;
          ${p.withGate ? `let dist = abs(un - uniforms.vTh);
          result[3 * n + index] = (${surrogate}) * uniforms.gain;` : ''}`;
    const outputs = p.withGate ? 4 : 3;
    const program = new ElementwiseProgram(count, outputs, ['I', 'U', 'S', 'A'],
      'decay : f32, vTh : f32, keep : f32, gain : f32, half : f32, height : f32, slope : f32,', body,
      `apical_lif_${p.resetZero}_${p.surrogate}_${p.withGate}`);
    const uniforms = [p.decay, p.vTh, 1 - 1 / p.tauS, 1 / p.tauS, p.width / 2, 1 / p.width, p.slope].map((v) => ({ type: 'float32' as const, data: [v] }));
    return { program, uniforms, outputs, shape: [...inputs[0].shape] };
  });
}
