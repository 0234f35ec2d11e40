import { loadDataset } from '../../engine/datasets/registry';
import { BACKEND_NAMES, initBackend } from '../../engine/tensor/backend';
import { evaluate } from '../../engine/training/evaluate';
import { loadCheckpoint, networkFromCheckpoint } from '../../host/load-checkpoint';
import { UsageError, intOption, oneOf, parse } from '../args';
import type { Command } from '../command';
import { ProgressBar } from '../progress';

export const evalCommand: Command = {
  name: 'eval',
  usage: `apical eval --checkpoint FILE [options]

Options:
  --checkpoint FILE   a .safetensors checkpoint written by apical train
  --dataset D         dataset to test on (default: the one the circuit names)
  --test-limit N      N test samples (a fixed random subset)
  --backend NAME      auto | tensorflow | webgpu | wasm | cpu
  --json              print one JSON object
  -h, --help          this help`,
  async run(argv) {
    const { values } = parse(argv, { checkpoint: { type: 'string' }, dataset: { type: 'string' }, 'test-limit': { type: 'string' }, backend: { type: 'string' }, json: { type: 'boolean' } });
    if (values.help) {
      console.log(this.usage);
      return 0;
    }
    if (!values.checkpoint) throw new UsageError('--checkpoint FILE is required');
    const backend = await initBackend(oneOf(values.backend, 'backend', BACKEND_NAMES) ?? 'auto');
    const loaded = await loadCheckpoint(values.checkpoint);
    const bar = new ProgressBar();
    const dataset = await loadDataset(values.dataset ?? loaded.circuit.input.dataset, { onProgress: (d, t) => !values.json && bar.update('decoding dataset', d, t) });
    const net = networkFromCheckpoint(loaded, dataset, values.checkpoint);
    try {
      const count = Math.min(dataset.test.count, intOption(values['test-limit'], 'test-limit') ?? Infinity);
      const result = await evaluate(net, dataset, count, { onProgress: (d, t) => !values.json && bar.update('evaluating', d, t) });
      bar.clear();
      const out = { event: 'eval', testAccuracy: result.accuracy, testLoss: result.loss, samples: count, dataset: dataset.name, backend: backend.name, epoch: loaded.epoch, confusion: result.confusion };
      if (values.json) console.log(JSON.stringify(out));
      else console.log(`test accuracy ${(100 * result.accuracy).toFixed(2)}% on ${count} samples of ${dataset.name} (${backend.name}; checkpoint after epoch ${loaded.epoch})`);
      return 0;
    } finally {
      net.dispose();
    }
  },
};
