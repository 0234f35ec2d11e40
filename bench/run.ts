/**
 * `npm run bench`: training speed of the engine per backend and rule, side by side with the
 * PyTorch reference of the same algorithm at the same thread count (measured in this run),
 * a numerics check of the reference against the engine, and the peak memory and tfjs tensor
 * count of a full training run. Each measurement runs in its own child process, one at a
 * time; progress goes to stderr, the report to stdout. See bench/options.ts for the options.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BENCH_RULES, benchCircuit, denseSizes } from './cases';
import type { BenchCase } from './cases';
import { REPO_ROOT, failureReason, runTsChild } from './child';
import { USAGE, parseSettings, schedule } from './options';
import type { BenchSettings } from './options';
import { formatReport } from './report';
import type { BenchReport, CheckFigure, EngineFigure, MemoryFigure, ScalingRow, SpeedRow } from './report';
import { findOpenBlas, probeTorch, runCheck, runTorch } from './torch-reference';
import type { BlasChoice } from './torch-reference';
import type { TorchRuleResult } from './torch-reference';

const log = (msg: string) => process.stderr.write(`bench: ${msg}\n`);
const TMP = path.join(REPO_ROOT, '.tmp', 'bench');
/** rules the PyTorch reference implements */
const referenceRules = (s: BenchSettings) => s.rules.filter((r) => (BENCH_RULES as readonly string[]).includes(r));

function commit(): string {
  try {
    const head = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain', '--untracked-files=no'], { cwd: REPO_ROOT, encoding: 'utf8' }).trim();
    return dirty ? `${head}+changes` : head;
  } catch {
    return 'unknown';
  }
}

/** The reference's figures for one template, or why there are none. */
async function torchFigures(s: BenchSettings, c: BenchCase, blas: BlasChoice): Promise<{ byRule: Map<string, TorchRuleResult>; error: string | null; data?: string }> {
  const byRule = new Map<string, TorchRuleResult>();
  const rules = referenceRules(s);
  if (!rules.length) return { byRule, error: null };
  const circuits = Object.fromEntries(rules.map((r) => [r, benchCircuit(c.template, r)]));
  // dense circuits by layer sizes, conv circuits by input shape (bench/reference/snn_conv.py)
  const sizes = denseSizes(c, circuits[rules[0]]);
  const file = path.join(TMP, `circuits-${c.template}.json`);
  fs.mkdirSync(TMP, { recursive: true });
  fs.writeFileSync(file, JSON.stringify(circuits));
  log(`PyTorch reference (${blas} BLAS), ${c.template}: ${rules.join(', ')} (${s.threads} thread(s), ${s.torchDevice})`);
  const run = await runTorch({
    python: s.python, rules, circuitFile: file, sizes, inputShape: c.inputShape, ...schedule(s, c), threads: s.threads, device: s.torchDevice, blas,
    data: s.data === 'real' && circuits[rules[0]].input.dataset === 'mnist' ? 'mnist' : 'random', timeoutMs: s.timeoutMs,
  });
  for (const r of run.results) byRule.set(r.rule, r);
  const data = (run.results[0] as { data?: string } | undefined)?.data;
  return { byRule, error: run.error, data };
}

async function engineFigures(s: BenchSettings, c: BenchCase, backend: string, threads = 1): Promise<{ byRule: Map<string, EngineFigure>; error: string | null }> {
  const { warmup, batches } = schedule(s, c);
  log(`engine ${backend}${threads > 1 ? ` x ${threads} threads` : ''}, ${c.template}: ${s.rules.join(', ')}`);
  const r = await runTsChild('engine-child.ts', [
    '--backend', backend, '--template', c.template, '--rules', s.rules.join(','), '--warmup', String(warmup), '--batches', String(batches), '--data', s.data,
    '--threads', String(threads),
  ], { timeoutMs: s.timeoutMs, onRecord: (x) => x.kind === 'engine' && log(`  ${backend} ${String(x.rule)}: ${Number(x.samplesPerSecond).toFixed(1)} samples/s`) });
  const byRule = new Map<string, EngineFigure>();
  for (const x of r.records.filter((y) => y.kind === 'engine')) {
    const adapter = x.adapter as { device: string; software: boolean } | null;
    byRule.set(String(x.rule), {
      samplesPerSecond: Number(x.samplesPerSecond), medianBatchSeconds: Number(x.medianBatchSeconds), threads: Number(x.threads),
      adapter: adapter ? { device: adapter.device, software: adapter.software } : null,
    });
  }
  return { byRule, error: r.code === 0 ? null : failureReason(r, `the ${backend} engine run`) };
}

/** Dumps two engine batches on each backend and replays them in PyTorch (dense templates, reference rules). */
async function numericsChecks(s: BenchSettings, timed: readonly { template: string; backend: string }[]): Promise<CheckFigure[]> {
  const rules = referenceRules(s);
  if (!rules.length) return [{ backend: '-', template: '-', blas: '', report: null, error: 'no rule the reference implements' }];
  const out: CheckFigure[] = [];
  for (const c of s.cases) {
    const backends = s.checkBackends ?? [...new Set(timed.filter((x) => x.template === c.template).map((x) => x.backend))];
    for (const backend of backends) {
      log(`numerics check on ${backend} (${c.template})`);
      const file = path.join(TMP, `check-${c.template}-${backend}.safetensors`);
      const dump = await runTsChild('dump-check.ts', ['--backend', backend, '--template', c.template, '--rules', rules.join(','), '--out', file, '--data', s.data], { timeoutMs: s.timeoutMs });
      if (dump.code !== 0) {
        out.push({ backend, template: c.template, blas: '', report: null, error: failureReason(dump, 'the engine dump') });
        continue;
      }
      const r = await runCheck(s.python, file, s.timeoutMs);
      out.push({ backend, template: c.template, blas: r.blas, report: r.report, error: r.error });
    }
  }
  return out;
}

/** Peak RSS and tensor counts of a training run on the full data set (--quick: 2048 samples per epoch). */
async function memory(s: BenchSettings): Promise<NonNullable<BenchReport['memory']>> {
  const { backend, rule, epochs } = s.memory;
  const template = s.cases[0].template;
  const limits = s.quick ? ['--train-limit', '2048', '--test-limit', '512'] : [];
  log(`memory: ${template} ${rule} on ${backend}, ${epochs} epochs${s.quick ? ' of 2048 samples (--quick)' : ' of the full data set'}`);
  const r = await runTsChild('memory-child.ts', ['--backend', backend, '--template', template, '--rule', rule, '--epochs', String(epochs), ...limits], {
    timeoutMs: 6 * 3600_000,
  });
  const rec = r.records.find((x) => x.kind === 'memory');
  if (r.code !== 0 || !rec) return { figure: null, error: failureReason(r, 'the memory run') };
  return { figure: rec as unknown as MemoryFigure, error: null };
}

async function main(s: BenchSettings): Promise<number> {
  const started = new Date();
  const skipped: string[] = [];
  const probe = s.skipTorch ? { available: false, detail: 'skipped (--skip-torch)' } : await probeTorch(s.python);
  if (!probe.available) skipped.push(`PyTorch reference: ${probe.detail}`);
  const speed: SpeedRow[] = [];
  const notes: string[] = [];
  const scaling: ScalingRow[] = [];
  let torchError: string | null = null;
  for (const c of s.cases) {
    const none: { byRule: Map<string, TorchRuleResult>; error: string | null; data?: string } = { byRule: new Map<string, TorchRuleResult>(), error: null };
    // Debian's python3-torch as installed (generic BLAS), and, where found, the same torch on OpenBLAS
    const torch = probe.available ? await torchFigures(s, c, 'system') : none;
    const tuned = probe.available && s.torchDevice === 'cpu' && findOpenBlas() ? await torchFigures(s, c, 'openblas') : none;
    for (const t of [torch, tuned]) if (t.error) skipped.push(`PyTorch reference: ${(torchError = t.error)}`);
    if (s.data === 'real' && torch.data === 'random') {
      notes.push(`${c.template}: the PyTorch reference times uniform-noise images of the same shape (it reads MNIST only), the engine the real data set`);
    }
    for (const backend of s.backends) {
      if (!s.backendsGiven && c.defaultBackends && !c.defaultBackends.includes(backend)) {
        skipped.push(`${c.template} on ${backend}: not timed by default (slow there; --backends ${backend} --templates ${c.template} times it)`);
        continue;
      }
      const cpuBackend = backend === 'wasm' || backend === 'cpu';
      const engine = await engineFigures(s, c, backend, cpuBackend ? s.threads : 1);
      if (engine.byRule.size === 0 && engine.error && /not available/.test(engine.error)) {
        skipped.push(`${backend}: ${engine.error}`);
        continue;
      }
      for (const rule of s.rules) {
        const e = engine.byRule.get(rule) ?? null;
        const t = torch.byRule.get(rule) ?? null;
        const o = tuned.byRule.get(rule) ?? null;
        speed.push({
          torchOpenBlas: o ? { samplesPerSecond: o.samplesPerSecond, threads: o.threads, device: o.device, blas: o.blas, torch: o.torch } : null,
          ratioOpenBlas: e && o ? e.samplesPerSecond / o.samplesPerSecond : null,
          template: c.template, backend, rule, engine: e, engineError: e ? null : engine.error ?? 'no result',
          torch: t ? { samplesPerSecond: t.samplesPerSecond, threads: t.threads, device: t.device, blas: t.blas, torch: t.torch } : null,
          ratio: e && t ? e.samplesPerSecond / t.samplesPerSecond : null, equalThreads: !e || !t || e.threads === t.threads,
        });
      }
      // data-parallel shard threads on the CPU backends: the same run at 2 threads, side by side
      if (s.scaling && cpuBackend) {
        const other = await engineFigures(s, c, backend, s.threads === 1 ? 2 : 1);
        for (const rule of s.rules) {
          const [one, two] = s.threads === 1 ? [engine.byRule.get(rule), other.byRule.get(rule)] : [other.byRule.get(rule), engine.byRule.get(rule)];
          if (one && two) scaling.push({ template: c.template, backend, rule, one: one.samplesPerSecond, two: two.samplesPerSecond });
          else if (other.error) skipped.push(`${backend} scaling run: ${other.error}`);
        }
      }
    }
  }
  const report: BenchReport = {
    date: started.toISOString(),
    machine: { node: process.version, cpus: os.cpus().length, cpuModel: os.cpus()[0]?.model.trim() ?? '?', loadAverage: os.loadavg(), commit: commit() },
    settings: {
      quick: s.quick, threads: s.threads, data: s.data, templates: s.cases.map((c) => c.template), backends: [...s.backends], rules: [...s.rules],
      torchDevice: s.torchDevice,
      warmup: Object.fromEntries(s.cases.map((c) => [c.template, schedule(s, c).warmup])),
      batches: Object.fromEntries(s.cases.map((c) => [c.template, schedule(s, c).batches])),
    },
    torch: { python: s.python, available: probe.available, detail: probe.detail, error: torchError },
    speed, scaling, skipped, notes,
    check: s.skipCheck || !probe.available ? null : await numericsChecks(s, speed.filter((x) => x.engine)),
    memory: s.skipMemory ? null : await memory(s),
  };
  console.log(`\n${formatReport(report)}`);
  if (s.json) {
    const dir = path.join(REPO_ROOT, 'bench', 'results');
    fs.mkdirSync(dir, { recursive: true });
    const file = path.join(dir, `${started.toISOString().replace(/[:.]/g, '-')}.json`);
    fs.writeFileSync(file, `${JSON.stringify(report, null, 2)}\n`);
    console.log(`\nwritten: ${path.relative(REPO_ROOT, file)}`);
  }
  return 0;
}

let settings: BenchSettings;
try {
  settings = parseSettings(process.argv.slice(2));
} catch (e) {
  console.error(`bench: ${e instanceof Error ? e.message : String(e)}\n\n${USAGE}`);
  process.exit(2);
}
if (settings.help) {
  console.log(USAGE);
} else {
  main(settings).then((code) => (process.exitCode = code), (e: unknown) => {
    console.error(`bench: ${e instanceof Error ? e.stack ?? e.message : String(e)}`);
    process.exitCode = 1;
  });
}
