import type { RuleName, RuleSpec } from '../../../src-shared/circuit';
import type { LearningRule, RuleDefinition } from './rule';
import { microcircuit } from './microcircuit';
import { microcircuitAnalog } from './microcircuit-analog';
import { frsf } from './frsf';
import { usf } from './usf';
import { brsf } from './brsf';
import { fa } from './fa';
import { dfa } from './dfa';
import { bpSpatial } from './bp-spatial';
import { bptt } from './bptt';

/** Every learning rule the engine offers, in the order the UI lists them. */
export const RULES: readonly RuleDefinition[] = [
  microcircuit, microcircuitAnalog, frsf, usf, brsf, fa, dfa, bpSpatial, bptt,
] as readonly RuleDefinition[];

export function ruleDefinition(name: RuleName): RuleDefinition {
  const def = RULES.find((r) => r.name === name);
  if (!def) throw new Error(`unknown learning rule '${name}'; known: ${RULES.map((r) => r.name).join(', ')}`);
  return def;
}

/** Builds the rule of a spec. */
export function createRule(spec: RuleSpec, seed: number): LearningRule {
  return (ruleDefinition(spec.name) as RuleDefinition<typeof spec.name>).create(spec as never, seed);
}
