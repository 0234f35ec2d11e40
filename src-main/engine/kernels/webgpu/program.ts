import { webgpu_util } from '@tensorflow/tfjs-backend-webgpu';
import type { KernelFunc, NamedAttrMap, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tensor/tf';

/**
 * A minimal elementwise WebGPU program in the style of tfjs-backend-webgpu's own (e.g.
 * clip_webgpu.ts): one invocation per element of a flat range of `count` elements, inputs
 * bound as `array<f32>` named by `variableNames`, outputs packed one after another in the
 * single output buffer `result` (tfjs programs have one output): output k of element i is
 * result[k * count + i].
 */
export class ElementwiseProgram {
  readonly variableNames: string[];
  readonly uniforms: string;
  readonly workgroupSize: [number, number, number] = [64, 1, 1];
  readonly outputShape: number[];
  readonly dispatchLayout: { x: number[] };
  readonly dispatch: [number, number, number];
  shaderKey: string;
  readonly size = false;

  constructor(readonly count: number, outputs: number, inputs: string[], uniforms: string, private readonly body: string, key: string) {
    this.variableNames = inputs;
    this.uniforms = `count : i32, ${uniforms}`;
    this.outputShape = [outputs * count];
    this.dispatchLayout = webgpu_util.flatDispatchLayout([count]);
    this.dispatch = webgpu_util.computeDispatch(this.dispatchLayout, [count], this.workgroupSize);
    this.shaderKey = key;
  }

  getUserCode(): string {
    return `
      fn main(index : i32) {
        if (index < uniforms.count) {
          let n = uniforms.count;
          ${this.body}
        }
      }`;
  }
}

interface WebGpuBackendLike {
  runWebGPUProgram(program: ElementwiseProgram, inputs: TensorInfo[], dtype: 'float32', uniforms: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[]): TensorInfo;
}

/**
 * Registers a webgpu kernel that runs one packed elementwise program and returns its
 * outputs as separate tensors (`split` slices of the packed buffer).
 */
export function registerElementwiseKernel<A extends NamedAttrMap>(
  name: string,
  build: (inputs: TensorInfo[], attrs: A) => { program: ElementwiseProgram; uniforms: { type: 'float32' | 'int32' | 'uint32'; data: number[] }[]; outputs: number; shape: number[] },
): void {
  if (tf.getKernel(name, 'webgpu')) return;
  const kernelFunc = ((args: { inputs: Record<string, TensorInfo>; attrs: A; backend: unknown }) => {
    const inputs = Object.values(args.inputs);
    const backend = args.backend as WebGpuBackendLike;
    const { program, uniforms, outputs, shape } = build(inputs, args.attrs);
    const packed = backend.runWebGPUProgram(program, inputs, 'float32', [{ type: 'int32', data: [program.count] }, ...uniforms]);
    if (outputs === 1) return { ...packed, shape };
    // split the packed buffer: one slice per output (the packed tensor is freed by the engine)
    const sliceKernel = tf.getKernel('Slice', 'webgpu') as { kernelFunc: KernelFunc };
    const parts = Array.from({ length: outputs }, (_, k) => sliceKernel.kernelFunc({
      inputs: { x: packed }, attrs: { begin: [k * program.count], size: [program.count] }, backend: args.backend as never,
    }) as TensorInfo);
    (args.backend as { disposeData(id: unknown): void }).disposeData(packed.dataId);
    return parts.map((p) => ({ ...p, shape }));
  }) as unknown as KernelFunc;
  tf.registerKernel({ kernelName: name, backendName: 'webgpu', kernelFunc });
}
