import type { ThetaESpec } from '../../../../src-shared/circuit';
import type { Matrix } from '../matrix';
import { add, map, matMul, maxEntry, mul, relu, sub, transpose, zeros } from '../matrix';
import { apicalStep } from '../neurons/apical';
import { errorCellStep } from '../neurons/error-cell';
import type { RefRule } from './rule';

export interface RefMicrocircuitOptions {
  readonly errorCells: 'spiking' | 'analog';
  /** apical time constant (1: v = i) */
  readonly tauA: number;
  /** one-step delay per layer on the feedback path */
  readonly errorDelay: boolean;
  readonly thetaE: ThetaESpec;
}

interface Column {
  cPos: Matrix | null;
  cNeg: Matrix | null;
  /** what E+/E- sent last step (error delay) */
  rPos: Matrix | null;
  rNeg: Matrix | null;
  v: Matrix | null;
  /** largest drive of this layer's error cells so far in the batch (auto theta_e) */
  maxDrive: number | null;
}

/**
 * Reference cortical microcircuit (docs/method.md, "The three cell types" and "The two
 * types of connectivity"), per step top-down:
 *
 *   output:  drive+_L = gate_L * [e_L]_+,   drive-_L = gate_L * [-e_L]_+
 *   hidden:  with S = |R_{l+1}| o [W_{l+1} > 0] and X = |R_{l+1}| o [W_{l+1} < 0] ([in, out]),
 *            drive+_l = gate_l * (r+_{l+1} S^T + r-_{l+1} X^T)
 *            drive-_l = gate_l * (r-_{l+1} S^T + r+_{l+1} X^T)
 *            (r_{l+1} of step t, or of step t-1 with the error delay; 0 at t = 0)
 *   cells:   spiking: r = theta_e * spike of a sigma-delta cell (neurons/error-cell);  analog: r = drive
 *   apical:  v_l[t] = (1 - 1/tau_a) v_l[t-1] + r+_l[t] - r-_l[t],  the learning signal
 *
 * theta_e: 'fixed' uses one value; 'auto' (as rules/microcircuit.ts computes it) uses, per
 * layer and step, theta = max(scale * ref, 1e-12) with ref = max(ema_l, m_l) where m_l is
 * the largest drive (over batch, cells, E+ and E-) of layer l at any step so far in this
 * batch and ema_l (absent in the first batch: ref = m_l) is updated after each batch as
 * ema_l <- momentum * ema_l + (1 - momentum) * m_l (ema_l = m_l the first time).
 * Error-cell integrators, apical potentials and delays restart at 0 every batch.
 */
export function microcircuitReference(opts: RefMicrocircuitOptions): RefRule & { thetas: number[][] } {
  let columns: Column[] = [];
  let ema: (number | null)[] = [];
  let feedback: { same: Matrix; crossed: Matrix }[] = [];
  let saturated = 0;
  let spikes = 0;
  let events = 0;
  /** theta_e used per step, per layer (for tests) */
  const thetas: number[][] = [];

  const thetaFor = (l: number, pos: Matrix, neg: Matrix): number => {
    if (opts.thetaE.mode === 'fixed') {
      const v = opts.thetaE.value;
      return Array.isArray(v) ? v[l] : v;
    }
    const col = columns[l];
    const stepMax = Math.max(maxEntry(pos), maxEntry(neg));
    col.maxDrive = col.maxDrive === null ? stepMax : Math.max(col.maxDrive, stepMax);
    const e = ema[l];
    const reference = e === null ? col.maxDrive : Math.max(e, col.maxDrive);
    return Math.max(reference * opts.thetaE.scale, 1e-12);
  };

  const column = (l: number, pos: Matrix, neg: Matrix, stepThetas: number[]): { rPos: Matrix; rNeg: Matrix; v: Matrix } => {
    const col = columns[l];
    let rPos = pos;
    let rNeg = neg;
    if (opts.errorCells === 'spiking') {
      const theta = thetaFor(l, pos, neg);
      stepThetas[l] = theta;
      const fire = (drive: Matrix, c: Matrix | null): { r: Matrix; c: Matrix } => {
        const cells = drive.map((row, i) => row.map((d, j) => errorCellStep(d, c ? c[i][j] : 0, theta)));
        for (const row of cells) for (const cell of row) {
          if (cell.spike) spikes++;
          if (cell.saturated) saturated++;
        }
        events += drive.length * drive[0].length;
        return { r: cells.map((row) => row.map((x) => x.out)), c: cells.map((row) => row.map((x) => x.c)) };
      };
      const p = fire(pos, col.cPos);
      const n = fire(neg, col.cNeg);
      col.cPos = p.c;
      col.cNeg = n.c;
      rPos = p.r;
      rNeg = n.r;
    }
    const v = apicalStep(sub(rPos, rNeg), col.v, opts.tauA);
    col.v = v;
    return { rPos, rNeg, v };
  };

  return {
    thetas,
    beginBatch(n) {
      columns = n.layers.map(() => ({ cPos: null, cNeg: null, rPos: null, rNeg: null, v: null, maxDrive: null }));
      if (ema.length !== n.layers.length) ema = n.layers.map(() => null);
      feedback = n.layers.map((layer) => {
        if (!layer.feedback) return { same: [], crossed: [] };
        const r = layer.feedback;
        return {
          same: map(layer.weight, (w, i, j) => (w > 0 ? Math.abs(r[i][j]) : 0)),
          crossed: map(layer.weight, (w, i, j) => (w < 0 ? Math.abs(r[i][j]) : 0)),
        };
      });
      saturated = 0;
      spikes = 0;
      events = 0;
      thetas.length = 0;
    },
    step(views, outputError) {
      const last = views.length - 1;
      const out: Matrix[] = new Array<Matrix>(views.length);
      const stepThetas: number[] = [];
      const gateL = views[last].gate;
      let up = column(last, mul(gateL, map(outputError, relu)), mul(gateL, map(outputError, (x) => relu(-x))), stepThetas);
      out[last] = up.v;
      for (let l = last - 1; l >= 0; l--) {
        const upper = columns[l + 1];
        let inPos = up.rPos;
        let inNeg = up.rNeg;
        if (opts.errorDelay) {
          inPos = upper.rPos ?? zeros(up.rPos.length, up.rPos[0].length);
          inNeg = upper.rNeg ?? zeros(up.rNeg.length, up.rNeg[0].length);
          upper.rPos = up.rPos;
          upper.rNeg = up.rNeg;
        }
        const { same, crossed } = feedback[l + 1];
        const sameT = transpose(same);
        const crossedT = transpose(crossed);
        const pos = add(matMul(inPos, sameT), matMul(inNeg, crossedT));
        const neg = add(matMul(inNeg, sameT), matMul(inPos, crossedT));
        const gate = views[l].gate;
        up = column(l, mul(gate, pos), mul(gate, neg), stepThetas);
        out[l] = up.v;
      }
      thetas.push(stepThetas);
      return out;
    },
    endBatch(): Record<string, number> {
      if (opts.errorCells === 'analog') return {};
      if (opts.thetaE.mode === 'auto') {
        const m = opts.thetaE.momentum;
        columns.forEach((c, l) => {
          if (c.maxDrive === null) return;
          const prev = ema[l];
          ema[l] = prev === null ? c.maxDrive : m * prev + (1 - m) * c.maxDrive;
        });
      }
      const n = Math.max(events, 1);
      return { errorCellSaturation: saturated / n, errorCellSpikeRate: spikes / n };
    },
  };
}
