/** Command-line options of `npm run bench`, parsed and checked into one settings object. */
import { parseArgs } from 'node:util';
import { RULE_NAMES } from '../src-shared/circuit';
import type { RuleName } from '../src-shared/circuit';
import { BENCH_CASES, BENCH_RULES, findCase } from './cases';
import type { BenchCase, BenchData } from './cases';
import { DEFAULT_PYTHON } from './torch-reference';

const DEFAULT_BACKENDS = ['cpu', 'wasm', 'webgpu'];
const defaultTemplates = () => BENCH_CASES.filter((c) => c.byDefault).map((c) => c.template);

export const USAGE = `npm run bench -- [options]      (or: npx tsx bench/run.ts [options])

  --quick                  few batches per measurement, a short memory run (a smoke run)
  --backends LIST          engine backends to time (default ${DEFAULT_BACKENDS.join(',')}, cifar10-conv on wasm only;
                           unavailable ones are skipped)
  --rules LIST             learning rules (default ${BENCH_RULES.join(',')}; the PyTorch reference implements those)
  --templates LIST         circuit templates (default ${defaultTemplates().join(',')}; known: ${BENCH_CASES.map((c) => c.template).join(', ')})
  --threads N              threads of PyTorch and of the engine's cpu/wasm backends (data-parallel shards); default 1
  --warmup N  --batches N  untimed / timed batches per measurement (default: per template)
  --data real|random       the template's data set (default) or uniform noise
  --python PATH            Python with torch (default ${DEFAULT_PYTHON})
  --torch-device cpu|cuda  device of the reference (default cpu)
  --skip-torch  --skip-check  --skip-memory  --skip-scaling (the 2-thread run of cpu/wasm)
  --check-backends LIST    backends whose numerics are checked against the reference (default: every timed
                           backend that ran; --quick: wasm)
  --memory-backend NAME    --memory-rule RULE  --memory-epochs N   (default wasm, microcircuit, 2; full data set)
  --json                   also write the results to bench/results/<date>.json
  -h, --help`;

export interface BenchSettings {
  readonly help: boolean;
  readonly quick: boolean;
  readonly backends: readonly string[];
  /** --backends was given: every case runs on each of them */
  readonly backendsGiven: boolean;
  readonly rules: readonly RuleName[];
  readonly cases: readonly BenchCase[];
  readonly threads: number;
  readonly warmup: number | null;
  readonly batches: number | null;
  readonly data: BenchData;
  readonly python: string;
  readonly torchDevice: 'cpu' | 'cuda';
  readonly skipTorch: boolean;
  readonly skipCheck: boolean;
  readonly skipMemory: boolean;
  /** also time cpu/wasm on 2 data-parallel threads */
  readonly scaling: boolean;
  /** null: every backend that was timed successfully (--quick: wasm) */
  readonly checkBackends: readonly string[] | null;
  readonly memory: { readonly backend: string; readonly rule: RuleName; readonly epochs: number };
  readonly json: boolean;
  /** per-child time limit */
  readonly timeoutMs: number;
}

function list(v: string | undefined, fallback: readonly string[]): string[] {
  return v ? v.split(',').map((x) => x.trim()).filter(Boolean) : [...fallback];
}

function int(v: string | undefined, name: string, min: number): number | null {
  if (v === undefined) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name} must be an integer >= ${min}, got '${v}'`);
  return n;
}

function oneOf<T extends string>(v: string | undefined, name: string, allowed: readonly T[], fallback: T): T {
  if (v === undefined) return fallback;
  if (!allowed.includes(v as T)) throw new Error(`--${name} must be one of ${allowed.join(', ')}, got '${v}'`);
  return v as T;
}

function rule(name: string, option: string): RuleName {
  return oneOf(name, option, RULE_NAMES, 'microcircuit');
}

/** Parses argv; throws an Error with a one-line message on a bad option. */
export function parseSettings(argv: readonly string[]): BenchSettings {
  const { values: o } = parseArgs({
    args: [...argv],
    options: {
      quick: { type: 'boolean' }, backends: { type: 'string' }, rules: { type: 'string' }, templates: { type: 'string' },
      threads: { type: 'string' }, warmup: { type: 'string' }, batches: { type: 'string' }, data: { type: 'string' },
      python: { type: 'string' }, 'torch-device': { type: 'string' }, 'skip-torch': { type: 'boolean' },
      'skip-check': { type: 'boolean' }, 'skip-memory': { type: 'boolean' }, 'skip-scaling': { type: 'boolean' }, 'check-backends': { type: 'string' },
      'memory-backend': { type: 'string' }, 'memory-rule': { type: 'string' }, 'memory-epochs': { type: 'string' },
      json: { type: 'boolean' }, help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  const quick = o.quick === true;
  return {
    help: o.help === true,
    quick,
    backends: list(o.backends, DEFAULT_BACKENDS),
    backendsGiven: o.backends !== undefined,
    rules: list(o.rules, BENCH_RULES).map((r) => rule(r, 'rules')),
    cases: list(o.templates, defaultTemplates()).map(findCase),
    threads: int(o.threads, 'threads', 1) ?? 1,
    warmup: int(o.warmup, 'warmup', 0),
    batches: int(o.batches, 'batches', 1),
    data: oneOf(o.data, 'data', ['real', 'random'] as const, 'real'),
    python: o.python ?? DEFAULT_PYTHON,
    torchDevice: oneOf(o['torch-device'], 'torch-device', ['cpu', 'cuda'] as const, 'cpu'),
    skipTorch: o['skip-torch'] === true,
    skipCheck: o['skip-check'] === true,
    skipMemory: o['skip-memory'] === true,
    scaling: o['skip-scaling'] !== true,
    checkBackends: o['check-backends'] ? list(o['check-backends'], []) : quick ? ['wasm'] : null,
    memory: {
      backend: o['memory-backend'] ?? 'wasm',
      rule: rule(o['memory-rule'] ?? 'microcircuit', 'memory-rule'),
      epochs: int(o['memory-epochs'], 'memory-epochs', 2) ?? (quick ? 3 : 2),
    },
    json: o.json === true,
    timeoutMs: (quick ? 3 : 15) * 60_000,
  };
}

/** Warm-up and timed batches of one template under these settings. */
export function schedule(s: BenchSettings, c: BenchCase): { warmup: number; batches: number } {
  const base = s.quick ? c.quick : c;
  return { warmup: s.warmup ?? base.warmup, batches: s.batches ?? base.batches };
}
