/**
 * Runs the PyTorch reference (bench/reference/snn_torch.py) from the bench.
 *
 * A fair baseline needs an optimised BLAS: Debian's python3-torch links the generic
 * libblas.so.3, which is netlib's reference BLAS (~4 GFLOP/s on one core here) unless an
 * optimised one is installed and selected. The bench therefore puts OpenBLAS first on the
 * library path when it finds it (see `findOpenBlas`), and reports which BLAS torch loaded.
 */
import fs from 'node:fs';
import path from 'node:path';
import { BENCH_DIR, REPO_ROOT, failureReason, runChild } from './child';

export const DEFAULT_PYTHON = '/usr/bin/python3';
const SCRIPT = path.join(BENCH_DIR, 'reference', 'snn_torch.py');

/** Where an OpenBLAS libblas.so.3 may be: an explicit folder, Debian's package, or the copy `fetch-openblas.sh` unpacks. */
export function openBlasCandidates(env: NodeJS.ProcessEnv = process.env): string[] {
  const multiarch = 'usr/lib/x86_64-linux-gnu/openblas-pthread';
  return [
    ...(env.APICAL_OPENBLAS_DIR ? [env.APICAL_OPENBLAS_DIR] : []),
    `/${multiarch}`,
    path.join(REPO_ROOT, '.cache', 'openblas', multiarch),
  ];
}

export function findOpenBlas(env: NodeJS.ProcessEnv = process.env): string | null {
  return openBlasCandidates(env).find((dir) => fs.existsSync(path.join(dir, 'libblas.so.3'))) ?? null;
}

/** Which BLAS a reference run uses: the system's (as Debian's python3-torch comes), or OpenBLAS put first. */
export type BlasChoice = 'system' | 'openblas';

/** Environment of a reference run: thread counts pinned; with 'openblas', OpenBLAS first on the library path when found. */
export function torchEnv(threads: number, env: NodeJS.ProcessEnv = process.env, choice: BlasChoice = 'openblas'): NodeJS.ProcessEnv {
  const blas = choice === 'openblas' ? findOpenBlas(env) : null;
  const n = String(threads);
  return {
    OMP_NUM_THREADS: n, OPENBLAS_NUM_THREADS: n, MKL_NUM_THREADS: n, PYTHONWARNINGS: 'ignore', PYTHONDONTWRITEBYTECODE: '1',
    ...(blas ? { LD_LIBRARY_PATH: [blas, env.LD_LIBRARY_PATH].filter(Boolean).join(':') } : {}),
  };
}

export interface TorchProbe {
  readonly available: boolean;
  /** torch version, or why it cannot run */
  readonly detail: string;
}

/** Whether `python` imports torch and numpy. */
export async function probeTorch(python: string): Promise<TorchProbe> {
  if (python.startsWith('/') && !fs.existsSync(python)) return { available: false, detail: `${python} does not exist` };
  const r = await runChild(python, ['-c', 'import json, numpy, torch; print(json.dumps({"torch": torch.__version__, "cuda": torch.cuda.is_available()}))'], {
    timeoutMs: 60_000, env: torchEnv(1),
  });
  const rec = r.records[0];
  if (r.code !== 0 || !rec) return { available: false, detail: `${python} cannot import torch and numpy (install python3-torch): ${r.stderr.trim().split('\n').pop() ?? ''}` };
  return { available: true, detail: String(rec.torch) };
}

export interface TorchRun {
  readonly python: string;
  readonly rules: readonly string[];
  readonly circuitFile: string;
  /** layer sizes, input first (dense circuits), or null with `inputShape` (conv circuits) */
  readonly sizes: readonly number[] | null;
  readonly inputShape: readonly number[];
  readonly warmup: number;
  readonly batches: number;
  readonly threads: number;
  readonly device: 'cpu' | 'cuda';
  readonly data: 'mnist' | 'random';
  readonly timeoutMs: number;
  readonly blas: BlasChoice;
}

export interface TorchRuleResult {
  readonly rule: string;
  readonly samplesPerSecond: number;
  readonly medianBatchSeconds: number | null;
  readonly device: string;
  readonly threads: number;
  readonly torch: string;
  readonly blas: string;
}

/** Times the reference on every rule; a rule it does not implement comes back as an error. */
export async function runTorch(run: TorchRun): Promise<{ results: TorchRuleResult[]; error: string | null }> {
  const args = [
    SCRIPT, '--rule', run.rules.join(','), '--circuit', run.circuitFile,
    ...(run.sizes ? ['--sizes', run.sizes.join(',')] : ['--input-shape', run.inputShape.join(',')]),
    '--warmup', String(run.warmup), '--batches', String(run.batches), '--threads', String(run.threads),
    '--device', run.device, '--data', run.data,
  ];
  const r = await runChild(run.python, args, { timeoutMs: run.timeoutMs, env: torchEnv(run.threads, process.env, run.blas) });
  const results = r.records.filter((x) => typeof x.samplesPerSecond === 'number') as unknown as TorchRuleResult[];
  const error = r.code === 0 && results.length === run.rules.length ? null : failureReason(r, 'the PyTorch reference');
  return { results, error };
}

export interface CheckRow {
  readonly maxRel: number;
  readonly cosine: number;
}

export interface CheckReport {
  readonly passed: boolean;
  readonly rules: Record<string, {
    maxRelGrad: number; minCosine: number; tolerance: number; verdict: 'exact' | 'close' | 'fail'; passed: boolean; tensors: Record<string, CheckRow>;
  }>;
}

/**
 * Replays an engine dump in PyTorch and compares (snn_torch.py --check). Runs on the
 * system's BLAS (no OpenBLAS override): speed does not matter here, and Debian's reference
 * BLAS sums in the natural order, as the engine's kernels do, so the agreement is exact.
 */
export async function runCheck(python: string, file: string, timeoutMs: number): Promise<{ report: CheckReport | null; blas: string; error: string | null }> {
  const r = await runChild(python, [SCRIPT, '--check', file], { timeoutMs, env: { OMP_NUM_THREADS: '1', PYTHONWARNINGS: 'ignore', PYTHONDONTWRITEBYTECODE: '1' } });
  const rec = r.records.find((x) => x.check !== undefined);
  if (r.code !== 0 || !rec) return { report: null, blas: '', error: failureReason(r, 'the numerics check') };
  return { report: rec.check as CheckReport, blas: String(rec.blas), error: null };
}
