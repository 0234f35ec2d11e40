/**
 * What one bench run found, and how it is printed: a plain-text table for people, the same
 * record as JSON for machines (bench/results/<date>.json).
 */
import type { CheckReport } from './torch-reference';

export interface EngineFigure {
  readonly samplesPerSecond: number;
  readonly medianBatchSeconds: number;
  readonly threads: number;
  /** GPU adapter description (webgpu), with whether it is a software one */
  readonly adapter: { readonly device: string; readonly software: boolean } | null;
}

export interface TorchFigure {
  readonly samplesPerSecond: number;
  readonly threads: number;
  readonly device: string;
  readonly blas: string;
  readonly torch: string;
}

/** One template x backend x rule: the engine's figure, the reference's, and their ratio. */
export interface SpeedRow {
  readonly template: string;
  readonly backend: string;
  readonly rule: string;
  readonly engine: EngineFigure | null;
  readonly engineError: string | null;
  readonly torch: TorchFigure | null;
  /** engine / torch samples/s, measured in the same run; null when either is missing */
  readonly ratio: number | null;
  /** the same torch with OpenBLAS first on its library path (when OpenBLAS was found) */
  readonly torchOpenBlas: TorchFigure | null;
  readonly ratioOpenBlas: number | null;
  /** false when the engine ran on another thread count than the reference */
  readonly equalThreads: boolean;
}

/** The same training on 1 and on 2 data-parallel shard threads (cpu and wasm backends). */
export interface ScalingRow {
  readonly template: string;
  readonly backend: string;
  readonly rule: string;
  /** samples/s on 1 thread and on 2 */
  readonly one: number;
  readonly two: number;
}

export interface MemoryFigure {
  readonly backend: string;
  readonly rule: string;
  readonly template: string;
  readonly epochs: number;
  readonly trainSamples: number;
  readonly peakRssBytes: number;
  readonly tensorsFlat: boolean;
  readonly perEpoch: readonly { epoch: number; numTensors: number; numBytes: number; rssBytes: number; testAccuracy: number }[];
  readonly seconds: number;
}

export interface CheckFigure {
  readonly backend: string;
  readonly template: string;
  /** the BLAS the reference ran on */
  readonly blas: string;
  readonly report: CheckReport | null;
  readonly error: string | null;
}

export interface BenchReport {
  readonly date: string;
  readonly machine: { node: string; cpus: number; cpuModel: string; loadAverage: number[]; commit: string };
  readonly settings: {
    quick: boolean; threads: number; data: string; templates: string[]; backends: string[]; rules: string[];
    warmup: Record<string, number>; batches: Record<string, number>; torchDevice: string;
  };
  readonly torch: { python: string; available: boolean; detail: string; error: string | null };
  readonly speed: SpeedRow[];
  readonly scaling: readonly ScalingRow[];
  /** remarks on how a figure was measured */
  readonly notes?: readonly string[];
  /** one line per thing not measured, and why */
  readonly skipped: string[];
  /** one entry per checked backend; null when skipped */
  readonly check: CheckFigure[] | null;
  readonly memory: { figure: MemoryFigure | null; error: string | null } | null;
}

/** Targets of the issues: ours/torch at equal threads on CPU, webgpu vs PyTorch CUDA, peak RSS of a full run. */
export const TARGET_RATIO_CPU = 1.5;
export const TARGET_RATIO_GPU = 0.5;
export const TARGET_PEAK_RSS_BYTES = 1.5e9;

const fmt = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const mb = (bytes: number) => `${(bytes / 1e6).toFixed(0)} MB`;

function table(head: string[], rows: string[][], right: boolean[]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i].length)));
  const line = (cells: string[]) => cells.map((c, i) => (right[i] ? c.padStart(widths[i]) : c.padEnd(widths[i]))).join('  ').trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

/** The human-readable report. */
export function formatReport(r: BenchReport): string {
  const out: string[] = [];
  const m = r.machine;
  out.push(`Apical bench  ${r.date}  node ${m.node}  ${m.cpus} x ${m.cpuModel}  load ${m.loadAverage.map((x) => x.toFixed(2)).join(' ')}  commit ${m.commit}`);
  const s = r.settings;
  out.push(`${s.quick ? 'quick run, ' : ''}data ${s.data}; per measurement ${s.templates.map((t) => `${t}: ${s.warmup[t]} warm-up + ${s.batches[t]} timed batches`).join('; ')}; reference threads ${s.threads}`);
  out.push('');
  const notes = new Set<string>();
  const rows = r.speed.map((row) => {
    let backend = row.backend;
    if (row.engine?.adapter) {
      backend += row.engine.adapter.software ? ' (sw)' : '';
      notes.add(`${row.backend}: adapter ${row.engine.adapter.device}${row.engine.adapter.software ? ' (software rasteriser on the CPU: not a GPU figure)' : ''}`);
    }
    const ratio = row.ratio === null ? '-' : `${row.ratio.toFixed(2)}x${row.equalThreads ? '' : ' †'}`;
    if (!row.equalThreads) notes.add('† the engine ran on a different thread count than the reference');
    if (row.engineError) notes.add(`${row.backend}: ${row.engineError}`);
    return [
      row.template, backend, row.rule, row.engine ? String(row.engine.threads) : '-',
      row.engine ? fmt(row.engine.samplesPerSecond) : 'failed',
      row.torch ? fmt(row.torch.samplesPerSecond) : '-', ratio,
      row.torchOpenBlas ? fmt(row.torchOpenBlas.samplesPerSecond) : '-', row.ratioOpenBlas === null ? '-' : `${row.ratioOpenBlas.toFixed(2)}x`,
    ];
  });
  out.push(table(['template', 'backend', 'rule', 'threads', 'engine samples/s', 'torch samples/s', 'ours/torch', 'torch+OpenBLAS', 'ours/torch+OpenBLAS'], rows, [false, false, false, true, true, true, true, true, true]));
  for (const n of notes) out.push(`  ${n}`);
  const torchFig = r.speed.find((x) => x.torch)?.torch;
  if (torchFig) {
    out.push(`  reference: PyTorch ${torchFig.torch} on ${torchFig.device}, ${torchFig.threads} thread(s), BLAS ${torchFig.blas} (${r.torch.python})`);
    if (!torchFig.blas.startsWith('openblas') && !torchFig.blas.startsWith('mkl') && !torchFig.device.includes('NVIDIA')) {
      const tuned = r.speed.find((x) => x.torchOpenBlas)?.torchOpenBlas;
      out.push(tuned
        ? `  note: Debian's torch runs on an unoptimised BLAS; the last two columns are the same torch on ${tuned.blas}, the stronger baseline`
        : '  WARNING: torch runs on an unoptimised BLAS, a slow baseline; for the stronger one run bench/reference/fetch-openblas.sh (or install libopenblas0-pthread)');
    }
  }
  out.push(...targetLines(r));
  for (const backend of failedChecks(r)) out.push(`  ${backend}: its numerics check FAILED (below): its figures time a wrong computation`);
  for (const line of r.notes ?? []) out.push(`  note: ${line}`);
  for (const line of r.skipped) out.push(`  skipped: ${line}`);
  out.push('');
  if (r.scaling.length) {
    out.push('CPU scaling: data-parallel shard threads (each thread its own tfjs instance and share of every batch)');
    out.push(table(['template', 'backend', 'rule', '1 thread', '2 threads', 'speed-up'],
      r.scaling.map((x) => [x.template, x.backend, x.rule, fmt(x.one), fmt(x.two), `${(x.two / x.one).toFixed(2)}x`]), [false, false, false, true, true, true]));
    out.push('');
  }
  out.push(formatCheck(r));
  out.push(formatMemory(r));
  return out.join('\n');
}

/** The issue's speed target that applies: CPU backends vs torch on CPU, or a hardware GPU vs torch on CUDA. */
function targetLines(r: BenchReport): string[] {
  const gpu = r.settings.torchDevice === 'cuda';
  const target = gpu ? TARGET_RATIO_GPU : TARGET_RATIO_CPU;
  const rows = r.speed.filter((x) => x.ratio !== null && x.equalThreads && (gpu ? x.engine?.adapter?.software === false : !x.engine?.adapter));
  if (!rows.length) return [];
  const ratios = rows.map((x) => x.ratio as number);
  const best = Math.max(...ratios);
  const what = gpu ? 'webgpu vs PyTorch CUDA' : 'on CPU at equal threads';
  const lines = [`  target ours/torch >= ${target}x ${what}: ${best >= target ? 'met' : 'not met'} (best ${best.toFixed(2)}x, worst ${Math.min(...ratios).toFixed(2)}x)`];
  const tuned = rows.map((x) => x.ratioOpenBlas).filter((x): x is number => x !== null);
  if (tuned.length) lines.push(`  against torch on OpenBLAS: ${Math.max(...tuned) >= target ? 'met' : 'not met'} (best ${Math.max(...tuned).toFixed(2)}x, worst ${Math.min(...tuned).toFixed(2)}x)`);
  return lines;
}

function formatCheck(r: BenchReport): string {
  if (!r.check) return `numerics vs engine: skipped${r.torch.available ? '' : ' (it needs the PyTorch reference)'}`;
  const out = ['numerics vs engine (2 batches; every gradient, the Adam step, loss and output spikes; max |torch - engine| / max |engine|):'];
  for (const c of r.check) {
    if (!c.report) {
      out.push(`  ${c.template} ${c.backend.padEnd(7)} could not run: ${c.error}`);
      continue;
    }
    for (const [rule, x] of Object.entries(c.report.rules)) {
      const mismatches = Object.entries(x.tensors).filter(([k]) => k.includes('CountMismatches')).reduce((a, [, v]) => a + v.maxRel, 0);
      out.push(`  ${c.template.padEnd(12)} ${c.backend.padEnd(7)} ${rule.padEnd(13)} ${x.verdict.toUpperCase().padEnd(5)}  max rel. diff ${x.maxRelGrad.toExponential(1)} ` +
        `(exact <= ${x.tolerance.toExponential(0)}), min cosine ${x.minCosine.toFixed(6)}, output spike-count mismatches ${mismatches}`);
    }
  }
  const blas = [...new Set(r.check.filter((c) => c.report).map((c) => c.blas.split(' (')[0]))];
  if (blas.length) out.push(`  (reference on ${blas.join(', ')} BLAS)`);
  return out.join('\n');
}

/** Backends whose numerics check failed: their speed figures time a wrong computation. */
export function failedChecks(r: BenchReport): string[] {
  return (r.check ?? []).filter((c) => c.report && !c.report.passed).map((c) => `${c.backend} (${c.template})`);
}

function formatMemory(r: BenchReport): string {
  if (!r.memory) return 'memory: skipped';
  const f = r.memory.figure;
  if (!f) return `memory: failed: ${r.memory.error}`;
  const ok = f.peakRssBytes <= TARGET_PEAK_RSS_BYTES;
  return [
    `memory: ${f.template} ${f.rule} on ${f.backend}, ${f.epochs} epochs x ${f.trainSamples} samples (${f.seconds.toFixed(0)} s): ` +
      `peak RSS ${mb(f.peakRssBytes)} (target <= ${mb(TARGET_PEAK_RSS_BYTES)}: ${ok ? 'ok' : 'EXCEEDED'})`,
    `  tfjs tensors after each epoch: ${f.perEpoch.map((e) => e.numTensors).join(', ')} (${f.tensorsFlat ? 'flat' : 'NOT flat'}); ` +
      `RSS after each epoch: ${f.perEpoch.map((e) => mb(e.rssBytes)).join(', ')}`,
  ].join('\n');
}
