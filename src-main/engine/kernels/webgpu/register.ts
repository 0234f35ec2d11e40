import { LIF_TRACE } from '../lif-trace';
import { registerLifTraceWebgpu } from './lif-trace-webgpu';
import { registerPoissonWebgpu } from './poisson-webgpu';

/** Registers every fused WebGPU kernel; called once the webgpu backend is imported. */
export function registerWebgpuKernels(): void {
  registerLifTraceWebgpu(LIF_TRACE);
  registerPoissonWebgpu();
}
