import fs from 'node:fs';
import path from 'node:path';
import type { TrainEvent } from '../../../src-shared/events';
import { runConfigSchema } from '../../../src-shared/run-config';
import { BACKEND_NAMES } from '../../engine/tensor/backend';
import { TrainControl } from '../../engine/training/trainer';
import { errorMessage } from '../../host/error-code';
import { runTraining } from '../../host/run-in-worker';
import { circuitFile, circuitNames, runDir, startRun } from '../../projects';
import type { Project, RunOutcome } from '../../projects';
import { UsageError, intOption, oneOf, parse } from '../args';
import { CIRCUIT_OPTIONS, circuitFromFlags } from '../circuit-input';
import type { CircuitFlags } from '../circuit-input';
import type { Command } from '../command';
import { ProgressBar } from '../progress';
import { describeEvent } from '../report';
import { openFromFlags, withProjectErrors } from './project-common';

export const trainCommand: Command = {
  name: 'train',
  usage: `apical train [options]

Trains a circuit (default: the mnist-mlp template with the paper's microcircuit rule),
evaluates it on the test set after every epoch and writes checkpoints.

Options:
  --circuit FILE        circuit spec (JSON) to train
  --template NAME       start from a template: mnist-mlp (default), fashion-mnist-mlp, cifar10-conv
  --dataset D           mnist | fashion-mnist | cifar10 | PATH (IDX folder, CIFAR binary folder, image folder, .tar.gz)
  --rule RULE           microcircuit | microcircuit-analog | frsf | usf | brsf | fa | dfa | bp-spatial | bptt
  --epochs N  --batch N  --steps T  --seed N  --lr X
  --alignment-every N   every N batches, measure the cosine of the update with the BPTT gradient per layer
  --backend NAME        auto (default) | tensorflow | webgpu | wasm | cpu
  --threads N           CPU threads for wasm/cpu: data-parallel shards of every batch (default 1)
  --train-limit N       train on N samples (a fixed random subset, the same for every run)
  --test-limit N        evaluate on N test samples (a fixed random subset)
  --out DIR             write checkpoints to DIR/checkpoints (default: ./apical-runs/<time>-<rule>)
  --no-save             write nothing
  --project DIR         record the run in a project (runs/<id>/: run.json, metrics.jsonl, checkpoints/);
                        then --circuit NAME names a circuit in DIR/circuits/ (a file path still works)
  --run ID              the run's id in the project (default <time>-<rule>-s<seed>)
  --tag T               tag the run (repeatable)
  --json                one JSON object per line: start, epoch..., done (or error);
                        with --project first {"event":"run","id","dir"}
  -h, --help            this help`,
  async run(argv) {
    const { values } = parse(argv, {
      ...CIRCUIT_OPTIONS, backend: { type: 'string' }, threads: { type: 'string' }, 'train-limit': { type: 'string' }, 'test-limit': { type: 'string' },
      out: { type: 'string' }, 'no-save': { type: 'boolean' }, json: { type: 'boolean' },
      project: { type: 'string' }, run: { type: 'string' }, tag: { type: 'string', multiple: true },
    });
    if (values.help) {
      console.log(this.usage);
      return 0;
    }
    if (values.project) return trainInProject(values.project, values);
    if (values.run || values.tag) throw new UsageError('--run and --tag need --project');
    const circuit = circuitFromFlags(values);
    const outDir = values['no-save'] ? undefined : path.resolve(values.out ?? path.join('apical-runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${circuit.rule.name}`));
    const config = runConfigSchema.parse({
      circuit, backend: oneOf(values.backend, 'backend', BACKEND_NAMES) ?? 'auto', outDir,
      threads: intOption(values.threads, 'threads') ?? 1,
      trainLimit: intOption(values['train-limit'], 'train-limit'), testLimit: intOption(values['test-limit'], 'test-limit'),
    });
    const json = values.json === true;
    const control = new TrainControl();
    const stopOnSignal = onInterrupt(control);
    const printer = eventPrinter(json);
    const print = printer.print;
    try {
      // the engine runs in its own process (the same worker the app and the web host use)
      const result = await runTraining(config, { onEvent: print, control });
      return result.status === 'stopped' ? 130 : 0;
    } finally {
      stopOnSignal();
      printer.clear();
    }
  },
};

type TrainFlags = CircuitFlags & { backend?: string; threads?: string; 'train-limit'?: string; 'test-limit'?: string; out?: string; 'no-save'?: boolean; json?: boolean; run?: string; tag?: string[] };

/** `train --project DIR`: the run is created in the project and recorded as it trains. */
async function trainInProject(dir: string, values: TrainFlags): Promise<number> {
  if (values.out || values['no-save']) throw new UsageError('--out and --no-save do not apply with --project: the run is written in the project');
  const json = values.json === true;
  return withProjectErrors('train', json, async () => {
    const project = openFromFlags({ project: dir }, 'write');
    try {
      const source = projectCircuitSource(project, values.circuit);
      const circuit = circuitFromFlags({ ...values, circuit: source.file });
      const control = new TrainControl();
      const stopOnSignal = onInterrupt(control);
      const printer = eventPrinter(json);
      try {
        const outcome = await startRun(project, {
          circuit, circuitName: source.name, backend: oneOf(values.backend, 'backend', BACKEND_NAMES) ?? 'auto',
          threads: intOption(values.threads, 'threads') ?? 1,
          trainLimit: intOption(values['train-limit'], 'train-limit'), testLimit: intOption(values['test-limit'], 'test-limit'),
          id: values.run, tags: values.tag,
        }, { control, onEvent: printer.print, describeError: errorMessage, session: runTraining, onCreated: (r) => announceRun(project, r.id, json) });
        return finishRun(project, outcome, json);
      } finally {
        stopOnSignal();
        printer.clear();
      }
    } finally {
      project.close();
    }
  });
}

/** `--circuit` with a project: a circuit of the project by name, else a file path. */
function projectCircuitSource(project: Project, flag: string | boolean | undefined): { file: string | undefined; name: string | null } {
  if (typeof flag !== 'string') return { file: undefined, name: null };
  if (circuitNames(project).includes(flag)) return { file: circuitFile(project, flag), name: flag };
  if (fs.existsSync(flag) && fs.statSync(flag).isFile()) return { file: flag, name: null };
  const known = circuitNames(project);
  throw new UsageError(`no circuit '${flag}' in ${project.dir}/circuits (${known.length ? `there are: ${known.join(', ')}` : 'there are none'}) and no file ${flag}`);
}

/** Says which run is being written. */
export function announceRun(project: Project, id: string, json: boolean): void {
  if (json) process.stdout.write(`${JSON.stringify({ event: 'run', id, dir: runDir(project, id) })}\n`);
  else console.log(`run ${id} in ${project.dir}`);
}

/** The exit code of a recorded run; a failure (already in run.json) is thrown for the CLI to report. */
export function finishRun(project: Project, outcome: RunOutcome, json: boolean): number {
  if (outcome.error) throw outcome.error;
  if (!json) console.log(`run ${outcome.id}: ${outcome.status}`);
  for (const w of outcome.record.warnings) process.stderr.write(`warning: ${w}\n`);
  return outcome.status === 'stopped' ? 130 : 0;
}

/** Prints training events: human-readable lines and a progress bar, or with --json one object per line (no progress). */
export function eventPrinter(json: boolean): { print: (e: TrainEvent) => void; clear: () => void } {
  const bar = new ProgressBar();
  const print = (e: TrainEvent) => {
    if (json) {
      if (e.event !== 'progress' && e.event !== 'snapshot') process.stdout.write(`${JSON.stringify(e)}\n`);
      return;
    }
    if (e.event === 'progress') {
      if (e.phase === 'load') return bar.update('decoding dataset', e.batch, e.batches);
      bar.update(`epoch ${e.epoch} ${e.phase}`, e.batch, e.batches, e.phase === 'train' ? `loss ${e.loss.toFixed(4)} acc ${(100 * e.accuracy).toFixed(1)}% ${e.samplesPerSecond.toFixed(0)}/s` : '');
      return;
    }
    bar.clear();
    const text = describeEvent(e);
    if (text) console.log(text);
  };
  return { print, clear: () => bar.clear() };
}

/** First Ctrl+C stops after the current batch, the second aborts. Returns the uninstaller. */
export function onInterrupt(control: TrainControl): () => void {
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nstopping after this batch (Ctrl+C again to abort)\n');
    control.stop();
  };
  process.on('SIGINT', onSignal);
  return () => process.off('SIGINT', onSignal);
}
