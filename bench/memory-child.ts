/**
 * Child process: peak memory of a training run and whether tfjs's tensor count stays flat.
 *
 * Trains a template on its full data set (or `--train-limit` samples) through the engine's
 * `train()`, exactly as a host does, and records after every epoch the number of live tfjs
 * tensors, their bytes and the process's RSS; at the end the process's peak RSS
 * (getrusage's ru_maxrss, which covers the whole run).
 *
 *   node --import tsx bench/memory-child.ts --backend wasm --template mnist-mlp --rule microcircuit --epochs 2 [--train-limit N] [--test-limit N]
 */
import type { RuleName } from '../src-shared/circuit';
import type { BackendName } from '../src-main/engine/tensor/backend';
import { initBackend } from '../src-main/engine/tensor/backend';
import { tf } from '../src-main/engine/tensor/tf';
import { train } from '../src-main/engine/training/trainer';
import { benchCircuit, benchDataset, findCase } from './cases';
import { childArgs, emit } from './child';

const args = childArgs(process.argv.slice(2));
const backendName = (args.get('backend') ?? 'wasm') as BackendName;
const benchCase = findCase(args.get('template') ?? 'mnist-mlp');
const rule = (args.get('rule') ?? 'microcircuit') as RuleName;
const epochs = Number(args.get('epochs') ?? 2);
const trainLimit = args.has('train-limit') ? Number(args.get('train-limit')) : undefined;
const testLimit = args.has('test-limit') ? Number(args.get('test-limit')) : undefined;

interface EpochMemory {
  epoch: number;
  numTensors: number;
  numBytes: number;
  rssBytes: number;
  testAccuracy: number;
}

async function main(): Promise<void> {
  const backend = await initBackend(backendName);
  const dataset = await benchDataset(benchCase, 'real', 0, 0);
  const circuit = { ...benchCircuit(benchCase.template, rule), epochs };
  const perEpoch: EpochMemory[] = [];
  const started = performance.now();
  let samplesPerSecond = 0;
  await train({
    circuit, dataset, backend, trainLimit, testLimit,
    onEvent: (e) => {
      if (e.event === 'epoch') {
        const m = tf.memory();
        perEpoch.push({ epoch: e.epoch, numTensors: m.numTensors, numBytes: m.numBytes, rssBytes: process.memoryUsage().rss, testAccuracy: e.testAccuracy });
      } else if (e.event === 'done') {
        samplesPerSecond = e.samplesPerSecond;
      }
    },
  });
  const counts = perEpoch.map((p) => p.numTensors);
  emit({
    kind: 'memory', template: benchCase.template, rule, backend: backend.name, epochs,
    trainSamples: Math.min(dataset.train.count, trainLimit ?? Infinity), testSamples: Math.min(dataset.test.count, testLimit ?? Infinity),
    // ru_maxrss is in kilobytes on Linux
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    tensorsFlat: counts.length > 1 && counts.every((c) => c === counts[0]),
    perEpoch, samplesPerSecond, seconds: (performance.now() - started) / 1000,
  });
}

main().catch((e: unknown) => {
  emit({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  process.exitCode = 1;
});
