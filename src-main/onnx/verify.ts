import type { OnnxFormat } from './formats';

/** How two runs over the same samples compare. */
export interface Comparison {
  /** samples whose predictions differ */
  readonly predictionMismatches: number;
  /** fraction of samples with the same prediction */
  readonly predictionAgreement: number;
  /** samples with at least one differing spike count (null when either side has no counts) */
  readonly spikeCountMismatches: number | null;
  /** max |delta| of the final output membrane potentials (null when either side lacks them) */
  readonly membraneMaxAbsDiff: number | null;
}

/** The report written beside every export as `<file>.verify.json`. */
export interface VerifyReport {
  readonly format: OnnxFormat;
  readonly model: string;
  readonly bytes: number;
  /** spiking/step: how dense products were written (see matmul.ts); null for rate */
  readonly matmul: string | null;
  /** seconds to build and serialise the graph */
  readonly exportSeconds: number;
  readonly dataset: { readonly name: string; readonly hash: string; readonly split: 'test'; readonly samples: number; readonly of: number };
  /** the engine's inference: its backend, accuracy and time */
  readonly engine: { readonly backend: string; readonly accuracy: number; readonly seconds: number };
  /** onnxruntime's run of the written file */
  readonly onnx: { readonly runtime: string; readonly accuracy: number; readonly seconds: number; readonly membraneFrom: string | null };
  /** the export against the engine */
  readonly vsEngine: Comparison;
  /** step format only: the step model driven for T steps against the unrolled spiking model */
  readonly vsUnrolled: Comparison | null;
  /** rate format only: its activation */
  readonly rateActivation: string | null;
  /** spiking/step: predictions and spike counts identical to the engine's (and, for step, to the unrolled model's); rate: always true */
  readonly ok: boolean;
  readonly verdict: string;
}

/** Compares predictions, spike counts (per sample, exactly) and membrane potentials. */
export function compare(a: { predictions: Int32Array; counts: Float32Array | null; membrane: Float32Array | null; classes: number },
  b: { predictions: Int32Array; counts: Float32Array | null; membrane: Float32Array | null }): Comparison {
  const n = a.predictions.length;
  let predictionMismatches = 0;
  for (let i = 0; i < n; i++) if (a.predictions[i] !== b.predictions[i]) predictionMismatches++;
  let spikeCountMismatches: number | null = null;
  if (a.counts && b.counts) {
    spikeCountMismatches = 0;
    for (let i = 0; i < n; i++) {
      for (let k = 0; k < a.classes; k++) {
        if (a.counts[i * a.classes + k] !== b.counts[i * a.classes + k]) {
          spikeCountMismatches++;
          break;
        }
      }
    }
  }
  let membraneMaxAbsDiff: number | null = null;
  if (a.membrane && b.membrane) {
    membraneMaxAbsDiff = 0;
    for (let i = 0; i < a.membrane.length; i++) membraneMaxAbsDiff = Math.max(membraneMaxAbsDiff, Math.abs(a.membrane[i] - b.membrane[i]));
  }
  return { predictionMismatches, predictionAgreement: n ? (n - predictionMismatches) / n : 1, spikeCountMismatches, membraneMaxAbsDiff };
}

/** Whether a comparison shows identical predictions and spike counts. */
export function identical(c: Comparison): boolean {
  return c.predictionMismatches === 0 && (c.spikeCountMismatches ?? 0) === 0;
}

/** Fills in the verdict of a report. */
export function judge(format: OnnxFormat, vsEngine: Comparison, vsUnrolled: Comparison | null, accuracy: { engine: number; onnx: number }, samples: number): { ok: boolean; verdict: string } {
  const pct = (x: number) => `${(100 * x).toFixed(2)}%`;
  if (format === 'rate') {
    return { ok: true, verdict: `rate form accuracy ${pct(accuracy.onnx)} vs spiking ${pct(accuracy.engine)} on ${samples} test images; predictions agree on ${pct(vsEngine.predictionAgreement)}` };
  }
  const ok = identical(vsEngine) && (vsUnrolled === null || identical(vsUnrolled));
  const what = `${vsEngine.predictionMismatches} prediction and ${vsEngine.spikeCountMismatches ?? 'n/a'} spike-count mismatches with the engine`
    + (vsUnrolled ? `, ${vsUnrolled.predictionMismatches} / ${vsUnrolled.spikeCountMismatches ?? 'n/a'} with the unrolled model` : '');
  return {
    ok,
    verdict: ok
      ? `identical to the engine on ${samples} test images: ${what}`
      : `DISAGREES with the engine on ${samples} test images: ${what}`,
  };
}
