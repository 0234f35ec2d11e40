/**
 * Writes the file the PyTorch reference's numerics check reads (`snn_torch.py --check FILE`):
 * the engine's initial weights and feedback, two mini-batches, and per rule what the engine
 * computed on them: the gradients of batch 0 (the minimisation direction the optimiser gets),
 * the weights and biases after its Adam step, the gradients of batch 1 (after that step,
 * with the rule's state carried over), the loss and the output spike counts of both batches.
 * Safetensors layout (the engine's own writer), metadata: sizes (dense circuits) or inputShape
 * (circuits with conv / pooling layers), rules, circuit per rule.
 *
 *   npx tsx bench/dump-check.ts [--out FILE] [--backend cpu] [--template mnist-mlp] [--rules frsf,microcircuit] [--data real|random]
 *                               [--hidden 256,128]   (other dense hidden layers than the template's, e.g. to cover a deeper stack)
 */
import fs from 'node:fs';
import path from 'node:path';
import type { Circuit, RuleName } from '../src-shared/circuit';
import type { NamedTensor } from '../src-main/engine/checkpoint/safetensors';
import { encodeSafetensors } from '../src-main/engine/checkpoint/safetensors';
import { Network } from '../src-main/engine/network';
import { mixSeed } from '../src-main/engine/random';
import { createRule } from '../src-main/engine/rules/registry';
import type { LayerGradients } from '../src-main/engine/rules/rule';
import type { BackendName } from '../src-main/engine/tensor/backend';
import { initBackend } from '../src-main/engine/tensor/backend';
import { tf } from '../src-main/engine/tensor/tf';
import type { Tensor } from '../src-main/engine/tensor/tf';
import { gatherBatch } from '../src-main/engine/training/batches';
import { Optimizer } from '../src-main/engine/training/optimizer';
import { disposeSimulation, simulate } from '../src-main/engine/training/simulate';
import type { BenchData } from './cases';
import { benchCircuit, benchDataset, denseSizes, findCase, inputSize } from './cases';
import { REPO_ROOT, childArgs, emit } from './child';

const args = childArgs(process.argv.slice(2));
const out = path.resolve(args.get('out') ?? path.join(REPO_ROOT, '.tmp', 'bench', 'check.safetensors'));
const backendName = (args.get('backend') ?? 'cpu') as BackendName;
const benchCase = findCase(args.get('template') ?? 'mnist-mlp');
const rules = (args.get('rules') ?? 'frsf,microcircuit').split(',') as RuleName[];
const data = (args.get('data') ?? 'real') as BenchData;
const hidden = args.has('hidden') ? (args.get('hidden') ?? '').split(',').filter(Boolean).map(Number) : null;

/** The template's circuit for a rule, with the hidden layers replaced when --hidden is given. */
function circuitFor(rule: RuleName): Circuit {
  const circuit = benchCircuit(benchCase.template, rule);
  if (!hidden) return circuit;
  const output = circuit.layers[circuit.layers.length - 1];
  return { ...circuit, layers: [...hidden.map((units) => ({ kind: 'dense' as const, units })), output] };
}

/** A tensor's values (asynchronous read: GPU backends in Node cannot read synchronously). */
async function f32(t: Tensor): Promise<NamedTensor> {
  return { dtype: 'F32', shape: [...t.shape], data: Float32Array.from(await t.data()) };
}

async function gradientEntries(prefix: string, grads: LayerGradients): Promise<Record<string, NamedTensor>> {
  const entries: Record<string, NamedTensor> = {};
  for (const [key, list] of [['weight', grads.weight], ['bias', grads.bias]] as const) {
    for (const [i, g] of list.entries()) if (g) entries[`${prefix}.grad.layers.${i}.${key}`] = await f32(g);
  }
  return entries;
}

async function main(): Promise<void> {
  const backend = await initBackend(backendName);
  const first = circuitFor(rules[0]);
  const sizes = denseSizes(benchCase, first);
  const features = inputSize(benchCase);
  const dataset = await benchDataset(benchCase, data, 2 * first.batch, 1);
  const batches = [0, 1].map((b) => gatherBatch(dataset, dataset.train, Int32Array.from({ length: first.batch }, (_, i) => b * first.batch + i)));
  const tensors: Record<string, NamedTensor> = {};
  const metadata: Record<string, string> = {
    ...(sizes ? { sizes: JSON.stringify(sizes) } : { inputShape: JSON.stringify(benchCase.inputShape), classes: String(benchCase.classes) }),
    rules: rules.join(','), backend: backend.name,
  };
  for (const [b, { images, labels }] of batches.entries()) {
    tensors[`batch.${b}.images`] = { dtype: 'F32', shape: [first.batch, features], data: Float32Array.from(await images.data()) };
    tensors[`batch.${b}.labels`] = { dtype: 'I32', shape: [first.batch], data: Int32Array.from(await labels.data()) };
  }
  for (const ruleName of rules) {
    const circuit = circuitFor(ruleName);
    metadata[`circuit.${ruleName}`] = JSON.stringify(circuit);
    const net = new Network(circuit, { inputShape: dataset.shape, classes: dataset.classes.length });
    const rule = createRule(circuit.rule, circuit.seed);
    if (rule.kind !== 'local') throw new Error(`${ruleName}: only local rules can be checked`);
    const optimizer = new Optimizer(circuit.optimizer);
    for (const [name, t] of Object.entries(net.namedTensors())) if (!tensors[name]) tensors[name] = await f32(t);
    for (const [b, { images, labels }] of batches.entries()) {
      const result = simulate(net, images, { labels, rule, batchIndex: b, encoderSeed: mixSeed(circuit.seed, 5, b) });
      const grads = result.grads as LayerGradients;
      Object.assign(tensors, await gradientEntries(`${ruleName}.batch.${b}`, grads));
      tensors[`${ruleName}.batch.${b}.loss`] = { dtype: 'F32', shape: [1], data: Float32Array.from(await (result.loss as Tensor).data()) };
      tensors[`${ruleName}.batch.${b}.counts`] = await f32(result.counts);
      optimizer.apply(net, grads);
      if (b === 0) {
        for (const l of net.layers) {
          if (l.weight) tensors[`${ruleName}.after.layers.${l.index}.weight`] = await f32(l.weight);
          if (l.bias) tensors[`${ruleName}.after.layers.${l.index}.bias`] = await f32(l.bias);
        }
      }
      disposeSimulation(result);
    }
    rule.dispose();
    optimizer.dispose();
    net.dispose();
  }
  tf.dispose(batches.flatMap((b) => [b.images, b.labels]));
  fs.mkdirSync(path.dirname(out), { recursive: true });
  fs.writeFileSync(out, encodeSafetensors(tensors, metadata));
  emit({ kind: 'dump', file: out, backend: backend.name, rules, sizes, inputShape: benchCase.inputShape });
}

main().catch((e: unknown) => {
  emit({ error: e instanceof Error ? e.message.split('\n')[0] : String(e) });
  process.exitCode = 1;
});
