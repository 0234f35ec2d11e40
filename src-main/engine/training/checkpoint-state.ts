import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { Circuit } from '../../../src-shared/circuit';
import type { Network } from '../network';
import type { Optimizer } from './optimizer';
import type { LearningRule } from '../rules/rule';

/**
 * Everything needed to resume or deploy a network, as plain arrays: the tensors by name
 * (layers.<i>.weight|bias|feedback|direct, optimizer.<...>) and string metadata. Hosts
 * turn it into a safetensors file.
 */
export interface CheckpointSnapshot {
  readonly tensors: Record<string, { shape: number[]; data: Float32Array }>;
  readonly metadata: Record<string, string>;
}

export const CHECKPOINT_FORMAT = 'apical.checkpoint/1';

export async function takeSnapshot(net: Network, optimizer: Optimizer | null, epoch: number, circuit: Circuit, rule: LearningRule | null = null, extra: Record<string, string> = {}): Promise<CheckpointSnapshot> {
  const tensors: CheckpointSnapshot['tensors'] = {};
  const ruleState = rule?.kind === 'local' && rule.state ? rule.state() : {};
  const named: Record<string, Tensor> = {
    ...net.namedTensors(),
    ...(optimizer ? optimizer.state().tensors : {}),
    ...Object.fromEntries(Object.entries(ruleState).map(([k, v]) => [`rule.${k}`, v])),
  };
  for (const [name, t] of Object.entries(named)) tensors[name] = { shape: [...t.shape], data: (await t.data()) as Float32Array };
  return {
    tensors,
    metadata: {
      format: CHECKPOINT_FORMAT,
      circuit: JSON.stringify(circuit),
      epoch: String(epoch),
      optimizerSteps: String(optimizer?.iterations ?? 0),
      weightLayout: 'dense weights are [in, out]: I = a . W + b',
      ...extra,
    },
  };
}

/** Loads a snapshot into a freshly built network (and optimiser, and the rule's own state); returns the completed epoch count. */
export function restoreSnapshot(snapshot: CheckpointSnapshot, net: Network, optimizer: Optimizer | null, rule: LearningRule | null = null): number {
  if (snapshot.metadata.format !== CHECKPOINT_FORMAT) {
    throw new Error(`not an Apical checkpoint (format '${snapshot.metadata.format ?? 'missing'}')`);
  }
  const named: Record<string, Tensor> = {};
  const optimizerState: Record<string, Tensor> = {};
  const ruleState: Record<string, Tensor> = {};
  for (const [name, t] of Object.entries(snapshot.tensors)) {
    const tensor = tf.tensor(t.data, t.shape);
    if (name.startsWith('optimizer.')) optimizerState[name] = tensor;
    else if (name.startsWith('rule.')) ruleState[name.slice('rule.'.length)] = tensor;
    else named[name] = tensor;
  }
  if (rule?.kind === 'local' && rule.loadState) rule.loadState(ruleState);
  else tf.dispose(Object.values(ruleState));
  const expected = Object.keys(net.namedTensors());
  const missing = expected.filter((k) => !named[k]);
  if (missing.length > 0) {
    tf.dispose([...Object.values(named), ...Object.values(optimizerState)]);
    throw new Error(`checkpoint does not match the circuit: missing ${missing.join(', ')}`);
  }
  const unused = Object.keys(named).filter((k) => !expected.includes(k));
  if (unused.length > 0) {
    tf.dispose([...Object.values(named), ...Object.values(optimizerState)]);
    throw new Error(`checkpoint does not match the circuit: unexpected ${unused.join(', ')}`);
  }
  try {
    net.assign(named);
  } catch (e) {
    tf.dispose([...Object.values(named), ...Object.values(optimizerState)]);
    throw e;
  }
  if (optimizer) optimizer.load(Number(snapshot.metadata.optimizerSteps ?? 0), optimizerState);
  else tf.dispose(Object.values(optimizerState));
  return Number(snapshot.metadata.epoch ?? 0);
}
