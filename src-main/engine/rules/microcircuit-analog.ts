import type { RuleDefinition } from './rule';
import { createMicrocircuit } from './microcircuit';

/** The same circuit with analog error cells (r = drive): must equal frsf exactly. */
export const microcircuitAnalog: RuleDefinition<'microcircuit-analog'> = {
  name: 'microcircuit-analog',
  summary: 'the microcircuit with analog error cells: equals frsf',
  create: (spec) => createMicrocircuit({ errorCells: 'analog', tauA: spec.tauA, gA: 0, errorDelay: false, thetaE: { mode: 'fixed', value: 1 } }),
};
