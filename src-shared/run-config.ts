import { z } from 'zod';
import { circuitSchema } from './circuit';

/** One training request, as every host passes it to the engine. */
export const runConfigSchema = z.object({
  circuit: circuitSchema,
  /** 'auto' | 'tensorflow' | 'webgpu' | 'wasm' | 'cpu' */
  backend: z.enum(['auto', 'tensorflow', 'webgpu', 'wasm', 'cpu']).default('auto'),
  trainLimit: z.number().int().positive().optional(),
  testLimit: z.number().int().positive().optional(),
  /** folder receiving checkpoints/ (latest + per epoch); none: nothing is written */
  outDir: z.string().min(1).optional(),
  /** checkpoint to resume from */
  resumeFrom: z.string().min(1).optional(),
  /** CPU threads (data-parallel shards) for the cpu and wasm backends */
  threads: z.number().int().min(1).max(64).default(1),
  /** per-epoch checkpoints kept besides latest (0 = only latest) */
  keepCheckpoints: z.number().int().min(0).default(3),
});
export type RunConfig = z.infer<typeof runConfigSchema>;
export type RunConfigInput = z.input<typeof runConfigSchema>;
