import type { Matrix } from '../matrix';
import type { RefNetwork } from '../network';

/** What one layer did at step t, as a reference rule sees it (B x n each). */
export interface RefStepView {
  /** potential before reset */
  readonly u: Matrix;
  /** presynaptic trace a_l[t] */
  readonly a: Matrix;
  /** soma gate f'(u)/tau_s */
  readonly gate: Matrix;
}

/**
 * A reference local rule: per step, the output error e_L[t] and the layers' views become
 * one learning signal v_l[t] per layer (B x n_l); the runner forms the Hebbian gradients.
 */
export interface RefRule {
  beginBatch(net: RefNetwork, batchIndex: number): void;
  step(views: readonly RefStepView[], outputError: Matrix): Matrix[];
  /** batch statistics (error-cell saturation and spike rate for the spiking microcircuit) */
  endBatch(): Record<string, number>;
}
