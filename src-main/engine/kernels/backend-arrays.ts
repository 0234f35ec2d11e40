import { tf } from '../tensor/tf';
import type { KernelConfig, KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';

/**
 * The two host backends whose tensors live in host memory (a JS array for cpu, the wasm
 * heap for wasm), so a fused kernel can be one JS loop over typed arrays.
 */
interface HostBackend {
  /** typed-array views of the inputs, and freshly allocated float32 outputs with views */
  run(inputs: TensorInfo[], outputShapes: number[][]): { ins: Float32Array[]; outs: Float32Array[]; infos: TensorInfo[] };
}

interface CpuBackendLike {
  data: { get(id: unknown): { values: Float32Array } };
  makeTensorInfo(shape: number[], dtype: 'float32', values: Float32Array): TensorInfo;
}

interface WasmBackendLike {
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function hostBackend(name: 'cpu' | 'wasm', backend: unknown): HostBackend {
  if (name === 'cpu') {
    const cpu = backend as CpuBackendLike;
    return {
      run(inputs, shapes) {
        const outs = shapes.map((s) => new Float32Array(size(s)));
        return { ins: inputs.map((t) => cpu.data.get(t.dataId).values), outs, infos: shapes.map((s, i) => cpu.makeTensorInfo(s, 'float32', outs[i])) };
      },
    };
  }
  const wasm = backend as WasmBackendLike;
  return {
    run(inputs, shapes) {
      // allocate first: a heap growth would detach views taken earlier
      const infos = shapes.map((s) => wasm.makeOutput(s, 'float32'));
      return { ins: inputs.map((t) => wasm.typedArrayFromHeap(t)), outs: infos.map((t) => wasm.typedArrayFromHeap(t)), infos };
    },
  };
}

/**
 * A fused kernel written once as a loop over float32 arrays, registered for cpu and wasm.
 * `outputShapes` derives the outputs' shapes from the inputs'; `loop` fills the outputs.
 */
export interface HostKernel<A> {
  readonly name: string;
  outputShapes(inputs: TensorInfo[], attrs: A): number[][];
  loop(ins: Float32Array[], outs: Float32Array[], attrs: A): void;
}

export function registerHostKernel<A>(kernel: HostKernel<A>): void {
  for (const backendName of ['cpu', 'wasm'] as const) {
    if (tf.getKernel(kernel.name, backendName)) continue;
    const kernelFunc = ((args: { inputs: Record<string, TensorInfo>; attrs: unknown; backend: unknown }) => {
      const inputs = Object.values(args.inputs);
      const attrs = args.attrs as A;
      const { ins, outs, infos } = hostBackend(backendName, args.backend).run(inputs, kernel.outputShapes(inputs, attrs));
      kernel.loop(ins, outs, attrs);
      return infos.length === 1 ? infos[0] : infos;
    }) as unknown as KernelFunc;
    const config: KernelConfig = { kernelName: kernel.name, backendName, kernelFunc };
    tf.registerKernel(config);
  }
}

/** Whether the current backend runs a fused kernel of that name. */
export function hasKernel(name: string): boolean {
  return tf.getKernel(name, tf.getBackend()) !== undefined;
}

/** float32 rounding, so fused loops reproduce op-by-op float32 results exactly */
export const f32 = Math.fround;
