/**
 * A data-parallel shard thread: its own tfjs instance (wasm or cpu), its own copy of the
 * dataset and network; for each batch it loads the parameters it is sent, computes the
 * gradients of its share of the samples and sends them back.
 */
import { parentPort } from 'node:worker_threads';
import { tf } from '../tensor/tf';
import { initBackend } from '../tensor/backend';
import type { BackendName } from '../tensor/backend';
import { loadDataset } from '../datasets/registry';
import type { Dataset } from '../datasets/dataset';
import { Network } from '../network';
import { createRule } from '../rules/registry';
import type { LearningRule } from '../rules/rule';
import { gatherBatch } from '../training/batches';
import { computeShard } from '../training/batch-step';
import { disposeGradients } from '../training/simulate';
import type { ShardReply, ShardRequest } from './shard-protocol';

if (!parentPort) throw new Error('shard-worker must run in a worker thread');
const port = parentPort;
let state: { dataset: Dataset; net: Network; rule: LearningRule } | null = null;

const reply = (m: ShardReply, transfer: ArrayBuffer[] = []) => port.postMessage(m, transfer);

async function handle(m: ShardRequest): Promise<void> {
  if (m.type === 'init') {
    await initBackend(m.backend as BackendName);
    const dataset = await loadDataset(m.dataset);
    const net = new Network(m.circuit, { inputShape: dataset.shape, classes: dataset.classes.length });
    state = { dataset, net, rule: createRule(m.circuit.rule, m.circuit.seed) };
    reply({ type: 'ready' });
    return;
  }
  if (m.type === 'close') {
    state?.rule.dispose();
    state?.net.dispose();
    process.exit(0);
  }
  if (!state) throw new Error('batch before init');
  const { dataset, net, rule } = state;
  net.assign(Object.fromEntries(Object.entries(m.tensors).map(([k, v]) => [k, tf.tensor(v, net.namedTensors()[k].shape)])));
  const { images, labels } = gatherBatch(dataset, dataset.train, m.indices);
  try {
    const { grads, stats } = await computeShard(net, rule, images, labels, m.batchIndex, m.encoderSeed);
    const out: Record<string, Float32Array> = {};
    for (const l of net.layers) {
      for (const key of ['weight', 'bias'] as const) {
        const g = grads[key][l.index];
        if (g) out[`layers.${l.index}.${key}`] = (await g.data()) as Float32Array;
      }
    }
    disposeGradients(grads);
    reply({ type: 'result', id: m.id, grads: out, stats }, Object.values(out).map((a) => a.buffer as ArrayBuffer));
  } finally {
    tf.dispose([images, labels]);
  }
}

port.on('message', (m: ShardRequest) => {
  handle(m).catch((e: unknown) => reply({ type: 'error', id: m.type === 'batch' ? m.id : null, message: e instanceof Error ? e.message : String(e) }));
});
