import type { KernelFunc, TensorInfo } from '@tensorflow/tfjs-core';
import { tf } from '../../tensor/tf';
import { LIF_TRACE, lifTraceLoop } from '../lif-trace';
import type { LifTraceAttrs } from '../lif-trace';
import { ERROR_COLUMN, columnCells, columnMax, thetaOf } from '../error-column';
import type { ErrorColumnAttrs } from '../error-column';
import { SIMD_KERNELS_WAT } from './kernels.wat';
import { ADAM, adamLoop } from '../adam';
import type { AdamAttrs } from '../adam';

interface WasmBackendLike {
  wasm: { asm: { memory: WebAssembly.Memory } };
  dataIdMap: { get(id: unknown): { memoryOffset: number } };
  makeOutput(shape: number[], dtype: 'float32'): TensorInfo;
  typedArrayFromHeap(info: TensorInfo): Float32Array;
}

interface SimdExports {
  lifTrace(...args: number[]): void;
  columnMax(pXp: number, pXn: number, pG: number, n: number): number;
  columnCells(...args: number[]): void;
  adam(...args: number[]): void;
}

let installed: Promise<boolean> | null = null;

/**
 * Compiles the SIMD kernels against tfjs-backend-wasm's memory and registers them for the
 * wasm backend in place of the scalar loops. Resolves false (scalar loops stay) where the
 * runtime lacks WebAssembly SIMD or wabt cannot be loaded.
 */
export function installWasmSimdKernels(): Promise<boolean> {
  installed ??= (async () => {
    try {
      const backend = tf.findBackend('wasm') as unknown as WasmBackendLike;
      const wabt = await (await import('wabt')).default();
      const module = wabt.parseWat('apical-kernels.wat', SIMD_KERNELS_WAT, { simd: true });
      const { buffer } = module.toBinary({});
      module.destroy();
      const { instance } = (await WebAssembly.instantiate(buffer, { env: { memory: backend.wasm.asm.memory } })) as unknown as WebAssembly.WebAssemblyInstantiatedSource;
      register(backend, instance.exports as unknown as SimdExports);
      return true;
    } catch {
      return false;
    }
  })();
  return installed;
}

const size = (shape: number[]) => shape.reduce((a, b) => a * b, 1);

function register(backend: WasmBackendLike, simd: SimdExports): void {
  const at = (t: TensorInfo) => backend.dataIdMap.get(t.dataId).memoryOffset;
  const replace = (name: string, kernelFunc: KernelFunc) => {
    if (tf.getKernel(name, 'wasm')) tf.unregisterKernel(name, 'wasm');
    tf.registerKernel({ kernelName: name, backendName: 'wasm', kernelFunc });
  };

  replace(LIF_TRACE, ((args: { inputs: Record<string, TensorInfo>; attrs: LifTraceAttrs }) => {
    const { current, u, s, a } = args.inputs;
    const p = args.attrs;
    const shape = [...current.shape];
    const outs = (p.withGate ? [0, 1, 2, 3] : [0, 1, 2]).map(() => backend.makeOutput(shape, 'float32'));
    const n = size(shape);
    const flags = (p.resetZero ? 1 : 0) | (p.surrogate === 'boxcar' ? 2 : 0) | (p.withGate ? 4 : 0);
    simd.lifTrace(at(current), at(u), at(s), at(a), at(outs[0]), at(outs[1]), at(outs[2]), p.withGate ? at(outs[3]) : 0, n,
      p.decay, p.vTh, 1 - 1 / p.tauS, 1 / p.tauS, p.width / 2, 1 / p.width, p.slope, flags);
    const tail = n & ~3;
    if (tail < n) lifTraceLoop([current, u, s, a].map((t) => backend.typedArrayFromHeap(t)), outs.map((t) => backend.typedArrayFromHeap(t)), p, tail, n);
    return outs;
  }) as unknown as KernelFunc);

  replace(ADAM, ((args: { inputs: Record<string, TensorInfo>; attrs: AdamAttrs }) => {
    const { w, g, m, v } = args.inputs;
    const p = args.attrs;
    const shape = [...w.shape];
    const outs = [0, 1, 2].map(() => backend.makeOutput(shape, 'float32'));
    const n = size(shape);
    simd.adam(at(w), at(g), at(m), at(v), ...outs.map(at), n, p.beta1, p.beta2, 1 - p.beta1, 1 - p.beta2, p.c1, p.c2, p.eps, p.lr);
    const tail = n & ~3;
    if (tail < n) adamLoop([w, g, m, v].map((t) => backend.typedArrayFromHeap(t)), outs.map((t) => backend.typedArrayFromHeap(t)), p, tail, n);
    return outs;
  }) as unknown as KernelFunc);

  replace(ERROR_COLUMN, ((args: { inputs: Record<string, TensorInfo>; attrs: ErrorColumnAttrs }) => {
    const { xPos, xNeg, gate, cPos, cNeg, thetaState } = args.inputs;
    const shape = [...xPos.shape];
    const outs = [0, 1, 2, 3, 4].map(() => backend.makeOutput(shape, 'float32'));
    const stats = backend.makeOutput([4], 'float32');
    const n = size(shape);
    const tail = n & ~3;
    const ins = [xPos, xNeg, gate, cPos, cNeg].map((t) => backend.typedArrayFromHeap(t));
    const stepMax = Math.max(simd.columnMax(at(xPos), at(xNeg), at(gate), n), columnMax(ins, tail, n));
    const { theta, runMax } = thetaOf(stepMax, backend.typedArrayFromHeap(thetaState), args.attrs);
    simd.columnCells(at(xPos), at(xNeg), at(gate), at(cPos), at(cNeg), ...outs.map(at), at(stats), n, theta);
    const counts = columnCells(ins, outs.map((t) => backend.typedArrayFromHeap(t)), theta, tail, n);
    const statsView = backend.typedArrayFromHeap(stats);
    statsView[0] += counts.saturated;
    statsView[1] += counts.spikes;
    statsView[2] = runMax;
    statsView[3] = theta;
    return [...outs, stats];
  }) as unknown as KernelFunc);
}
