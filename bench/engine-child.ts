/**
 * Child process: training samples/s of the engine on one backend, per rule.
 *
 * Trains through the engine's own `train()` (so the figure includes everything a real run
 * does per batch: batch gathering, the rule, the finiteness check, the epoch tally, Adam),
 * on `warmup + batches` mini-batches, and times the last `batches` from the per-batch
 * progress events. Evaluation runs on a single test sample, outside the timed window.
 *
 *   node --import tsx bench/engine-child.ts --backend wasm --template mnist-mlp --rules frsf,microcircuit --warmup 3 --batches 30 --data real [--threads 2]
 */
import type { RuleName } from '../src-shared/circuit';
import type { BackendName } from '../src-main/engine/tensor/backend';
import { initBackend } from '../src-main/engine/tensor/backend';
import { train } from '../src-main/engine/training/trainer';
import type { BenchData } from './cases';
import { benchCircuit, benchDataset, findCase } from './cases';
import { childArgs, emit } from './child';

const args = childArgs(process.argv.slice(2));
const backendName = (args.get('backend') ?? 'wasm') as BackendName;
const benchCase = findCase(args.get('template') ?? 'mnist-mlp');
const rules = (args.get('rules') ?? 'frsf,microcircuit').split(',') as RuleName[];
const warmup = Number(args.get('warmup') ?? benchCase.warmup);
const batches = Number(args.get('batches') ?? benchCase.batches);
const data = (args.get('data') ?? 'real') as BenchData;
const threads = Number(args.get('threads') ?? 1);

async function main(): Promise<void> {
  const backend = await initBackend(backendName);
  const batch = benchCircuit(benchCase.template, rules[0]).batch;
  const trainCount = (warmup + batches) * batch;
  const dataset = await benchDataset(benchCase, data, trainCount, 1);
  if (dataset.train.count < trainCount) throw new Error(`the data set has ${dataset.train.count} training samples, the bench needs ${trainCount}`);
  for (const rule of rules) {
    const circuit = benchCircuit(benchCase.template, rule);
    // marks[b]: when batch b ended (marks[0]: when training started)
    const marks: number[] = [];
    await train({
      circuit, dataset, backend, trainLimit: trainCount, testLimit: 1, progressIntervalMs: 0, threads,
      onEvent: (e) => {
        if (e.event === 'start' || (e.event === 'progress' && e.phase === 'train')) marks.push(performance.now());
      },
    });
    if (marks.length < warmup + batches + 1) throw new Error(`expected ${warmup + batches} batch events, got ${marks.length - 1}`);
    const seconds = (marks[warmup + batches] - marks[warmup]) / 1000;
    const perBatch = marks.slice(warmup + 1, warmup + batches + 1).map((m, i) => (m - marks[warmup + i]) / 1000).sort((a, b) => a - b);
    emit({
      kind: 'engine', template: benchCase.template, rule, backend: backend.name, adapter: backend.adapter ?? null,
      threads: backend.name === 'wasm' || backend.name === 'cpu' ? threads : backend.threads ?? 1, samplesPerSecond: (batches * batch) / seconds, seconds,
      medianBatchSeconds: perBatch[Math.floor(perBatch.length / 2)], warmup, batches, batch, steps: circuit.steps, data,
    });
  }
}

main().catch((e: unknown) => {
  emit({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  process.exitCode = 1;
});
