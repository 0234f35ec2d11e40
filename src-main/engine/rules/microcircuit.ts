import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { RuleSpec } from '../../../src-shared/circuit';
import type { Network, NetworkLayer } from '../network';
import { apicalStep } from '../neurons/apical';
import { errorColumnStep } from '../kernels/error-column';
import type { LocalRule, RuleDefinition, StepContext } from './rule';

type MicrocircuitSpec = Extract<RuleSpec, { name: 'microcircuit' }>;

/** Options of the circuit; the analog variant passes its error cells' drives on as real numbers. */
export interface MicrocircuitOptions {
  readonly errorCells: 'spiking' | 'analog';
  readonly tauA: number;
  readonly gA: number;
  readonly errorDelay: boolean;
  readonly thetaE: MicrocircuitSpec['thetaE'];
}

/** The feedback synapses of one column pair, split by the sign of the forward weight they mirror. */
interface SplitFeedback {
  /** |R| where W > 0: E+ -> E+ and E- -> E- */
  readonly same: Tensor | null;
  /** |R| where W < 0: E+ -> E- and E- -> E+ */
  readonly crossed: Tensor | null;
}

/** Per-layer state of the error pathway between steps (all kept tensors). */
interface ColumnState {
  /** E+ / E- integrators (spiking cells only) */
  cPos: Tensor | null;
  cNeg: Tensor | null;
  /** what E+ / E- transmitted last step (for the optional one-step delay) */
  rPos: Tensor | null;
  rNeg: Tensor | null;
  /** apical potential */
  v: Tensor | null;
  /** largest drive seen this batch (auto theta_e) */
  maxDrive: Tensor | null;
}

/**
 * The cortical microcircuit (Yang & Li 2022, as reconstructed in docs/method.md).
 *
 * Three cell types per column j of layer l: the pyramidal cell P (spiking soma, forward
 * pass; non-spiking apical compartment, error), and the error interneurons E+ and E-.
 * Two connectivity types: local one-to-one (E+ excites and E- inhibits P's apical
 * compartment; P's soma gates its own E+/E- input with f'(u)/tau_s) and inter-layer
 * all-to-all (forward W; feedback E(l+1) -> E(l) through fixed non-negative |R|, routed by
 * sign(W): same sign E+->E+, E-->E-, opposite sign crossed).
 *
 *   output:  drive+ = gate * [ahat - a]_+,  drive- = gate * [a - ahat]_+
 *   hidden:  drive+ = gate * (same^T r+ + crossed^T r-),  drive- = gate * (same^T r- + crossed^T r+)
 *   apical:  v[t] = (1 - 1/tau_a) v[t-1] + r+[t] - r-[t]
 *
 * With analog cells (r = drive) and tau_a = 1, r+ - r- = gate * (|R| o sign(W))^T delta:
 * exactly frsf.
 */
export function createMicrocircuit(opts: MicrocircuitOptions): LocalRule {
  let feedback: SplitFeedback[] = [];
  let columns: ColumnState[] = [];
  let thetaEma: (Tensor | null)[] = [];
  /** running sum over the batch's steps of the error-column statistics [saturated, spikes, ...] */
  let stats: Tensor | null = null;
  let events = 0;

  const swap = <T extends Tensor | null>(old: T, next: T): T => {
    if (next) tf.keep(next);
    if (old && old !== next) old.dispose();
    return next;
  };

  /** [ema, running max, fixed theta] of layer l, -Infinity where there is none (see kernels/error-column.ts) */
  const thetaState = (l: number): Tensor => tf.tidy(() => {
    const fixed = opts.thetaE.mode === 'fixed' ? opts.thetaE.value : null;
    const none = tf.scalar(-Infinity);
    return tf.stack([
      thetaEma[l] ?? none,
      columns[l].maxDrive ?? none,
      fixed === null ? none : tf.scalar(Array.isArray(fixed) ? fixed[l] : fixed),
    ]);
  });

  /**
   * The E+/E- pair of every column of layer l receives its gated drives (gate * x), emits
   * r+/r-, and feeds the apical compartment.
   */
  const column = (l: number, xPos: Tensor, xNeg: Tensor, gate: Tensor): { rPos: Tensor; rNeg: Tensor; v: Tensor } => {
    const col = columns[l];
    if (opts.errorCells === 'analog') {
      const rPos = tf.mul(gate, xPos);
      const rNeg = tf.mul(gate, xNeg);
      return { rPos, rNeg, v: apical(col, tf.sub(rPos, rNeg)) };
    }
    const step = errorColumnStep(xPos, xNeg, gate, col.cPos ?? tf.zerosLike(xPos), col.cNeg ?? tf.zerosLike(xNeg), thetaState(l), {
      mode: opts.thetaE.mode, scale: opts.thetaE.mode === 'auto' ? opts.thetaE.scale : 1,
    });
    col.cPos = swap(col.cPos, step.cPos);
    col.cNeg = swap(col.cNeg, step.cNeg);
    if (opts.thetaE.mode === 'auto') col.maxDrive = swap(col.maxDrive, tf.reshape(tf.slice(step.stats, 2, 1), []));
    stats = swap(stats, stats ? tf.add(stats, step.stats) : step.stats);
    events += 2 * xPos.size;
    return { rPos: step.rPos, rNeg: step.rNeg, v: apical(col, step.input) };
  };

  const apical = (col: ColumnState, input: Tensor): Tensor => {
    const v = apicalStep(input, col.v, opts.tauA);
    if (opts.tauA !== 1 || opts.gA > 0) col.v = swap(col.v, v);
    return v;
  };

  /** Signals arriving at layer l's error cells from the layer above, through the split feedback. */
  const descend = (upper: NetworkLayer, rPos: Tensor, rNeg: Tensor): [Tensor, Tensor] => {
    const fb = feedback[upper.index];
    if (!upper.weight) return [upper.synapse.feedback(rPos, null), upper.synapse.feedback(rNeg, null)];
    const same = fb.same as Tensor;
    const crossed = fb.crossed as Tensor;
    const pos = tf.add(upper.synapse.feedback(rPos, same), upper.synapse.feedback(rNeg, crossed));
    const neg = tf.add(upper.synapse.feedback(rNeg, same), upper.synapse.feedback(rPos, crossed));
    return [pos, neg];
  };

  const step = (ctx: StepContext): (Tensor | null)[] => {
    const { net, layers } = ctx;
    const last = net.layers.length - 1;
    const out: (Tensor | null)[] = new Array(net.layers.length).fill(null);
    const gateL = layers[last].gate as Tensor;
    let up = column(last, tf.relu(ctx.outputError), tf.relu(tf.neg(ctx.outputError)), gateL);
    out[last] = up.v;
    for (let l = last - 1; l >= 0; l--) {
      const layer = net.layers[l];
      const upper = columns[l + 1];
      const [inPos, inNeg] = opts.errorDelay
        ? [upper.rPos ?? tf.zerosLike(up.rPos), upper.rNeg ?? tf.zerosLike(up.rNeg)]
        : [up.rPos, up.rNeg];
      const shape = [inPos.shape[0], ...layer.synapse.outShape];
      const [pos, neg] = descend(net.layers[l + 1], inPos, inNeg).map((x) => tf.reshape(x, shape));
      if (opts.errorDelay) {
        // keep this step's signals for the next step only after the delayed ones were used
        upper.rPos = swap(upper.rPos, up.rPos);
        upper.rNeg = swap(upper.rNeg, up.rNeg);
      }
      if (!layer.hasCells) {
        up = { rPos: pos, rNeg: neg, v: pos };
        continue;
      }
      up = column(l, pos, neg, layers[l].gate as Tensor);
      out[l] = up.v;
    }
    return out;
  };

  const resetColumns = (net: Network) => {
    for (const c of columns) for (const t of Object.values(c)) (t as Tensor | null)?.dispose();
    columns = net.layers.map(() => ({ cPos: null, cNeg: null, rPos: null, rNeg: null, v: null, maxDrive: null }));
  };

  const release = () => {
    for (const f of feedback) {
      f.same?.dispose();
      f.crossed?.dispose();
    }
    feedback = [];
  };

  return {
    kind: 'local',
    name: opts.errorCells === 'spiking' ? 'microcircuit' : 'microcircuit-analog',
    beginBatch(net) {
      const fixed = opts.thetaE.mode === 'fixed' ? opts.thetaE.value : null;
      if (Array.isArray(fixed) && fixed.length !== net.layers.length) {
        throw new Error(`rule.thetaE.value: ${fixed.length} thresholds given for ${net.layers.length} layers (give one per layer, or a single number)`);
      }
      release();
      resetColumns(net);
      thetaEma = net.layers.map((_, l) => thetaEma[l] ?? null);
      feedback = net.layers.map((l) => (l.index > 0 && l.weight && l.feedback
        ? tf.tidy(() => {
          const magnitude = tf.abs(l.feedback as Tensor);
          const w = l.weight as Tensor;
          return {
            same: tf.keep(l.synapse.prepareFeedback(tf.mul(magnitude, tf.cast(tf.greater(w, 0), 'float32')))),
            crossed: tf.keep(l.synapse.prepareFeedback(tf.mul(magnitude, tf.cast(tf.less(w, 0), 'float32')))),
          };
        })
        : { same: null, crossed: null }));
      stats = null;
      events = 0;
    },
    step,
    somaticCurrent: opts.gA > 0 ? () => columns.map((c) => (c.v ? tf.mul(c.v, opts.gA) : null)) : undefined,
    endBatch() {
      const out: Record<string, Tensor> = {};
      if (opts.errorCells === 'spiking') {
        if (opts.thetaE.mode === 'auto') {
          const m = opts.thetaE.momentum;
          columns.forEach((c, l) => {
            if (!c.maxDrive) return;
            const prev = thetaEma[l];
            thetaEma[l] = tf.keep(prev ? tf.tidy(() => tf.add(tf.mul(prev, m), tf.mul(c.maxDrive as Tensor, 1 - m))) : tf.clone(c.maxDrive));
            prev?.dispose();
          });
        }
        const totals = stats;
        const perEvent = (k: number) => tf.keep(tf.tidy(() => (totals ? tf.div(tf.reshape(tf.slice(totals, k, 1), []), Math.max(events, 1)) : tf.scalar(0))));
        out.errorCellSaturation = perEvent(0);
        out.errorCellSpikeRate = perEvent(1);
      }
      stats?.dispose();
      stats = null;
      return out;
    },
    state: () => Object.fromEntries(thetaEma.flatMap((t, l) => (t ? [[`thetaEma.${l}`, t]] : []))),
    loadState(tensors) {
      for (const t of thetaEma) t?.dispose();
      thetaEma = [];
      for (const [key, t] of Object.entries(tensors)) {
        const l = Number(key.replace('thetaEma.', ''));
        if (key.startsWith('thetaEma.') && Number.isInteger(l)) thetaEma[l] = tf.keep(t);
        else t.dispose();
      }
    },
    dispose() {
      release();
      for (const c of columns) for (const t of Object.values(c)) (t as Tensor | null)?.dispose();
      columns = [];
      for (const t of thetaEma) t?.dispose();
      thetaEma = [];
    },
  };
}

export const microcircuit: RuleDefinition<'microcircuit'> = {
  name: 'microcircuit',
  summary: 'the cortical microcircuit: spiking E+/E- error cells, Hebbian update in the apical compartment',
  create: (spec) => createMicrocircuit({ errorCells: 'spiking', tauA: spec.tauA, gA: spec.gA, errorDelay: spec.errorDelay, thetaE: spec.thetaE }),
};
