import fs from 'node:fs';
import type { Circuit, RuleName } from '../../src-shared/circuit';
import { CircuitError, RULE_NAMES, parseCircuit } from '../../src-shared/circuit';
import { findTemplate } from '../../src-shared/templates';
import { UsageError, intOption, numberOption, oneOf } from './args';

export interface CircuitFlags {
  circuit?: string | boolean;
  template?: string | boolean;
  dataset?: string | boolean;
  rule?: string | boolean;
  epochs?: string | boolean;
  batch?: string | boolean;
  steps?: string | boolean;
  seed?: string | boolean;
  lr?: string | boolean;
  'alignment-every'?: string | boolean;
}

export const CIRCUIT_OPTIONS = {
  circuit: { type: 'string' }, template: { type: 'string' }, dataset: { type: 'string' }, rule: { type: 'string' },
  epochs: { type: 'string' }, batch: { type: 'string' }, steps: { type: 'string' }, seed: { type: 'string' },
  lr: { type: 'string' }, 'alignment-every': { type: 'string' },
} as const;

/** Reads a circuit file; errors name the file and, for schema errors, the JSON path. */
export function readCircuitFile(file: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new Error(`cannot read circuit file ${file}: ${(e as Error).message}`);
  }
  try {
    return JSON.parse(text);
  } catch (e) {
    throw new Error(`${file} is not valid JSON: ${(e as Error).message}`);
  }
}

/** The circuit a command runs: a file or a template, with command-line overrides, validated. */
export function circuitFromFlags(flags: CircuitFlags): Circuit {
  if (flags.circuit && flags.template) throw new UsageError('give --circuit or --template, not both');
  const base = (flags.circuit ? readCircuitFile(String(flags.circuit)) : structuredClone(findTemplateOrUsage(String(flags.template ?? 'mnist-mlp')))) as Record<string, unknown>;
  const spec: Record<string, unknown> = { ...base };
  if (flags.dataset) spec.input = { ...(base.input as object), dataset: String(flags.dataset) };
  const rule = oneOf(flags.rule, 'rule', RULE_NAMES as readonly RuleName[]);
  const baseRule = (base.rule ?? {}) as Record<string, unknown>;
  if (rule) spec.rule = rule === baseRule.name ? baseRule : { name: rule, alignmentEvery: baseRule.alignmentEvery };
  const alignmentEvery = intOption(flags['alignment-every'], 'alignment-every', 0);
  if (alignmentEvery !== undefined) spec.rule = { ...(spec.rule as object ?? { name: 'microcircuit' }), alignmentEvery };
  const overrides = { epochs: intOption(flags.epochs, 'epochs'), batch: intOption(flags.batch, 'batch'), steps: intOption(flags.steps, 'steps'), seed: intOption(flags.seed, 'seed', 0) };
  for (const [k, v] of Object.entries(overrides)) if (v !== undefined) spec[k] = v;
  const lr = numberOption(flags.lr, 'lr');
  if (lr !== undefined) spec.optimizer = { ...((base.optimizer as object) ?? { kind: 'adam' }), lr };
  try {
    return parseCircuit(spec);
  } catch (e) {
    if (e instanceof CircuitError) throw new UsageError(`invalid circuit${flags.circuit ? ` in ${flags.circuit}` : ''}:\n  ${e.message.replace(/\n/g, '\n  ')}`);
    throw e;
  }
}

function findTemplateOrUsage(name: string) {
  try {
    return findTemplate(name).circuit;
  } catch (e) {
    throw new UsageError((e as Error).message);
  }
}
