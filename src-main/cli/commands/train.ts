import path from 'node:path';
import type { TrainEvent } from '../../../src-shared/events';
import { runConfigSchema } from '../../../src-shared/run-config';
import { BACKEND_NAMES } from '../../engine/tensor/backend';
import { TrainControl } from '../../engine/training/trainer';
import { runTraining } from '../../host/run-in-worker';
import { intOption, oneOf, parse } from '../args';
import { CIRCUIT_OPTIONS, circuitFromFlags } from '../circuit-input';
import type { Command } from '../command';
import { ProgressBar } from '../progress';
import { describeEvent } from '../report';

export const trainCommand: Command = {
  name: 'train',
  summary: 'train a circuit and print its test accuracy',
  usage: `apical train [options]

Trains a circuit (default: the mnist-mlp template with the paper's microcircuit rule),
evaluates it on the test set after every epoch and writes checkpoints.

Options:
  --circuit FILE        circuit spec (JSON) to train
  --template NAME       start from a template: mnist-mlp (default), fashion-mnist-mlp
  --dataset D           mnist | fashion-mnist | cifar10 | PATH (IDX folder, CIFAR binary folder, image folder, .tar.gz)
  --rule RULE           microcircuit | microcircuit-analog | frsf | usf | brsf | fa | dfa | bp-spatial | bptt
  --epochs N  --batch N  --steps T  --seed N  --lr X
  --alignment-every N   every N batches, measure the cosine of the update with the BPTT gradient per layer
  --backend NAME        auto (default) | tensorflow | webgpu | wasm | cpu
  --train-limit N       use the first N training samples of the (shuffled) set
  --test-limit N        evaluate on the first N test samples
  --out DIR             write checkpoints to DIR/checkpoints (default: ./apical-runs/<time>-<rule>)
  --no-save             write nothing
  --json                one JSON object per line: start, epoch..., done (or error)
  -h, --help            this help`,
  async run(argv) {
    const { values } = parse(argv, {
      ...CIRCUIT_OPTIONS, backend: { type: 'string' }, 'train-limit': { type: 'string' }, 'test-limit': { type: 'string' },
      out: { type: 'string' }, 'no-save': { type: 'boolean' }, json: { type: 'boolean' },
    });
    if (values.help) {
      console.log(this.usage);
      return 0;
    }
    const circuit = circuitFromFlags(values);
    const outDir = values['no-save'] ? undefined : path.resolve(values.out ?? path.join('apical-runs', `${new Date().toISOString().replace(/[:.]/g, '-')}-${circuit.rule.name}`));
    const config = runConfigSchema.parse({
      circuit, backend: oneOf(values.backend, 'backend', BACKEND_NAMES) ?? 'auto', outDir,
      trainLimit: intOption(values['train-limit'], 'train-limit'), testLimit: intOption(values['test-limit'], 'test-limit'),
    });
    const json = values.json === true;
    const control = new TrainControl();
    let interrupted = false;
    const onSignal = () => {
      if (interrupted) process.exit(130);
      interrupted = true;
      process.stderr.write('\nstopping after this batch (Ctrl+C again to abort)\n');
      control.stop();
    };
    process.on('SIGINT', onSignal);
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
    try {
      // the engine runs in its own process (the same worker the app and the web host use)
      const result = await runTraining(config, { onEvent: print, control });
      return result.status === 'stopped' ? 130 : 0;
    } finally {
      process.off('SIGINT', onSignal);
      bar.clear();
    }
  },
};
