import { createRequire } from 'node:module';
import { tf } from './tf';
import { registerWasmConv2DBackpropFilter } from '../kernels/conv2d-backprop-filter-wasm';
import { installWasmSimdKernels } from '../kernels/simd/wasm-simd';
import type { BackendInfo } from '../../../src-shared/events';

export const BACKEND_NAMES = ['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu'] as const;
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend that could not be used, and why. */
export class BackendUnavailableError extends Error {
  constructor(readonly backend: string, readonly reason: string, readonly hint: string) {
    super(`backend '${backend}' is not available: ${reason}. ${hint}`);
    this.name = 'BackendUnavailableError';
  }
}

const require = createRequire(import.meta.url);

/** native TensorFlow through tfjs-node-gpu (CUDA) or tfjs-node (CPU) */
async function tryTensorflow(): Promise<BackendInfo> {
  const reasons: string[] = [];
  for (const pkg of ['@tensorflow/tfjs-node-gpu', '@tensorflow/tfjs-node']) {
    try {
      require(pkg);
      await tf.setBackend('tensorflow');
      await tf.ready();
      return { name: 'tensorflow', notes: [`native TensorFlow via ${pkg}`] };
    } catch (e) {
      reasons.push(`${pkg}: ${firstLine(e)}`);
    }
  }
  throw new BackendUnavailableError('tensorflow', reasons.join('; '),
    'Install @tensorflow/tfjs-node-gpu (Linux/Windows with CUDA 11) or @tensorflow/tfjs-node; their install step downloads libtensorflow.');
}

let webgpuReady: Promise<void> | null = null;

/** WebGPU through Dawn's Node binding; `allowSoftware` accepts a CPU adapter (lavapipe, SwiftShader). */
async function tryWebgpu(allowSoftware: boolean): Promise<BackendInfo> {
  let adapter: GPUAdapter | null;
  try {
    if (!(globalThis as { navigator?: { gpu?: unknown } }).navigator?.gpu) {
      const dawn = (await import('webgpu')) as unknown as { create(flags: string[]): GPU; globals: Record<string, unknown> };
      Object.assign(globalThis, dawn.globals);
      Object.defineProperty(globalThis, 'navigator', { value: { gpu: dawn.create([]) }, configurable: true, writable: true });
    }
    adapter = await (globalThis as unknown as { navigator: { gpu: GPU } }).navigator.gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    throw new BackendUnavailableError('webgpu', firstLine(e), 'The webgpu package needs a Vulkan (Linux), Metal (macOS) or D3D12 (Windows) driver.');
  }
  if (!adapter) {
    throw new BackendUnavailableError('webgpu', 'no GPU adapter found', 'On Linux install a Vulkan driver (mesa-vulkan-drivers, or the GPU vendor\'s).');
  }
  const info = adapter.info;
  const software = info.architecture === 'software' || /llvmpipe|lavapipe|swiftshader/i.test(`${info.device} ${info.description}`) || (adapter as { isFallbackAdapter?: boolean }).isFallbackAdapter === true;
  if (software && !allowSoftware) {
    throw new BackendUnavailableError('webgpu', `only a software adapter (${info.vendor} ${info.architecture}) is present`, 'Force it with --backend webgpu.');
  }
  webgpuReady ??= import('@tensorflow/tfjs-backend-webgpu').then(async () => (await import('../kernels/webgpu/register')).registerWebgpuKernels());
  await webgpuReady;
  await tf.setBackend('webgpu');
  await tf.ready();
  return {
    name: 'webgpu',
    adapter: { vendor: info.vendor, architecture: info.architecture, device: info.device, description: info.description, software },
  };
}

let wasmReady: Promise<void> | null = null;

async function tryWasm(): Promise<BackendInfo> {
  try {
    wasmReady ??= import('@tensorflow/tfjs-backend-wasm').then(() => undefined);
    await wasmReady;
    if (!(await tf.setBackend('wasm'))) throw new Error('initialisation failed');
    await tf.ready();
    registerWasmConv2DBackpropFilter();
    const simd = await installWasmSimdKernels();
    return { name: 'wasm', threads: 1, notes: [simd ? 'fused kernels: WebAssembly SIMD' : 'fused kernels: scalar loops (no WebAssembly SIMD)'] };
  } catch (e) {
    throw new BackendUnavailableError('wasm', firstLine(e), 'Reinstall @tensorflow/tfjs-backend-wasm.');
  }
}

async function useCpu(): Promise<BackendInfo> {
  await tf.setBackend('cpu');
  await tf.ready();
  // the cpu backend greets Node users once on stdout; we say which backend runs ourselves
  (tf.backend() as unknown as { firstUse?: boolean }).firstUse = false;
  return { name: 'cpu', threads: 1 };
}

/**
 * Selects and initialises a backend. 'auto' tries, in order: native TensorFlow, WebGPU on
 * a hardware adapter, wasm, cpu — and records in `notes` why it passed over each.
 * A forced backend that is absent throws a BackendUnavailableError saying what to install.
 */
export async function initBackend(requested: BackendName = 'auto'): Promise<BackendInfo> {
  switch (requested) {
    case 'tensorflow': return tryTensorflow();
    case 'webgpu': return tryWebgpu(true);
    case 'wasm': return tryWasm();
    case 'cpu': return useCpu();
    case 'auto': break;
    default: throw new BackendUnavailableError(String(requested), 'unknown backend', `Choose one of ${BACKEND_NAMES.join(', ')}.`);
  }
  const notes: string[] = [];
  for (const attempt of [tryTensorflow, () => tryWebgpu(false), tryWasm]) {
    try {
      const info = await attempt();
      return { ...info, notes: [...notes, ...(info.notes ?? [])] };
    } catch (e) {
      notes.push(e instanceof BackendUnavailableError ? `${e.backend}: ${e.reason}` : firstLine(e));
    }
  }
  const info = await useCpu();
  return { ...info, notes };
}

function firstLine(e: unknown): string {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0];
}
