import { tf } from '../tensor/tf';
import type { Tensor } from '../tensor/tf';
import type { RuleSpec } from '../../../src-shared/circuit';
import type { Network, NetworkLayer } from '../network';
import { apicalStep } from '../neurons/apical';
import { errorCellStep } from '../neurons/error-cell';
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
  let saturated: Tensor | null = null;
  let spikes: Tensor | null = null;
  let events = 0;

  const swap = <T extends Tensor | null>(old: T, next: T): T => {
    if (next) tf.keep(next);
    if (old && old !== next) old.dispose();
    return next;
  };

  const thetaFor = (l: number, drivePos: Tensor, driveNeg: Tensor): Tensor => {
    const col = columns[l];
    if (opts.thetaE.mode === 'fixed') {
      const v = opts.thetaE.value;
      return tf.scalar(Array.isArray(v) ? v[l] : v);
    }
    const stepMax = tf.maximum(tf.max(drivePos), tf.max(driveNeg));
    col.maxDrive = swap(col.maxDrive, col.maxDrive ? tf.maximum(col.maxDrive, stepMax) : stepMax);
    const running = col.maxDrive as Tensor;
    const reference = thetaEma[l] ? tf.maximum(thetaEma[l] as Tensor, running) : running;
    return tf.maximum(tf.mul(reference, opts.thetaE.scale), 1e-12);
  };

  /** The E+/E- pair of layer l receives its drives, emits r+/r-, and feeds the apical compartment. */
  const column = (l: number, drivePos: Tensor, driveNeg: Tensor): { rPos: Tensor; rNeg: Tensor; v: Tensor } => {
    const col = columns[l];
    let rPos = drivePos;
    let rNeg = driveNeg;
    if (opts.errorCells === 'spiking') {
      const theta = thetaFor(l, drivePos, driveNeg);
      const pos = errorCellStep(drivePos, col.cPos ?? tf.zerosLike(drivePos), theta);
      const neg = errorCellStep(driveNeg, col.cNeg ?? tf.zerosLike(driveNeg), theta);
      col.cPos = swap(col.cPos, pos.c);
      col.cNeg = swap(col.cNeg, neg.c);
      saturated = swap(saturated, tf.add(saturated ?? 0, tf.add(pos.saturated, neg.saturated)));
      spikes = swap(spikes, tf.add(spikes ?? 0, tf.add(pos.spikes, neg.spikes)));
      events += 2 * drivePos.size;
      rPos = pos.out;
      rNeg = neg.out;
    }
    const v = apicalStep(tf.sub(rPos, rNeg), col.v, opts.tauA);
    if (opts.tauA !== 1 || opts.gA > 0) col.v = swap(col.v, v);
    return { rPos, rNeg, v };
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
    let up = column(last, tf.mul(gateL, tf.relu(ctx.outputError)), tf.mul(gateL, tf.relu(tf.neg(ctx.outputError))));
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
      const gate = layers[l].gate as Tensor;
      up = column(l, tf.mul(gate, pos), tf.mul(gate, neg));
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
      saturated = null;
      spikes = null;
      events = 0;
    },
    step,
    somaticCurrent: opts.gA > 0 ? () => columns.map((c) => (c.v ? tf.mul(c.v, opts.gA) : null)) : undefined,
    endBatch() {
      const stats: Record<string, Tensor> = {};
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
        stats.errorCellSaturation = tf.keep(tf.div(saturated ?? tf.scalar(0), Math.max(events, 1)));
        stats.errorCellSpikeRate = tf.keep(tf.div(spikes ?? tf.scalar(0), Math.max(events, 1)));
      }
      saturated?.dispose();
      spikes?.dispose();
      saturated = null;
      spikes = null;
      return stats;
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
