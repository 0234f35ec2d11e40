/**
 * Reference error interneuron (E+ or E-): non-leaky integrate-and-fire, subtractive reset,
 * threshold theta_e, at most one spike per step; a spike transmits theta_e (sigma-delta):
 *
 *   c'[t] = c[t-1] + drive[t]
 *   spike[t] = H(c'[t] - theta_e),   r[t] = theta_e * spike[t],   c[t] = c'[t] - r[t]
 *
 * so sum_t r[t] = sum_t drive[t] - c[T] (with c[-1] = 0), and 0 <= c[T] < theta_e unless
 * the cell saturated: a step is saturated when c[t] >= theta_e still after the spike (the
 * drive arrived faster than one theta_e per step).
 *
 * The analog cell passes its drive on: r[t] = drive[t].
 */
export interface RefErrorCellStep {
  readonly out: number;
  readonly c: number;
  readonly spike: boolean;
  readonly saturated: boolean;
}

export function errorCellStep(drive: number, c: number, thetaE: number): RefErrorCellStep {
  const charged = c + drive;
  const spike = charged >= thetaE;
  const out = spike ? thetaE : 0;
  const rest = charged - out;
  return { out, c: rest, spike, saturated: rest >= thetaE };
}

/** Runs one cell over a drive sequence from c = 0: outputs, final residual, spike and saturation counts. */
export function errorCellRun(drives: readonly number[], thetaE: number): { out: number[]; residual: number; spikes: number; saturated: number } {
  let c = 0;
  let spikes = 0;
  let saturated = 0;
  const out: number[] = [];
  for (const d of drives) {
    const step = errorCellStep(d, c, thetaE);
    c = step.c;
    out.push(step.out);
    if (step.spike) spikes++;
    if (step.saturated) saturated++;
  }
  return { out, residual: c, spikes, saturated };
}
