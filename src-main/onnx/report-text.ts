import type { Comparison, VerifyReport } from './verify';

const WIDTH = 38;
/** A label padded to a column, then its value. */
const row = (label: string, value: string) => `${label.padEnd(WIDTH - 1)} ${value}`;
const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

function comparisonLines(c: Comparison, samples: number, against: string): string[] {
  const lines = [row(`  predictions vs ${against}`, `${samples - c.predictionMismatches}/${samples} identical`)];
  if (c.spikeCountMismatches !== null) lines.push(row(`  spike counts vs ${against}`, `${samples - c.spikeCountMismatches}/${samples} samples identical`));
  if (c.membraneMaxAbsDiff !== null) lines.push(row(`  membrane max |delta| vs ${against}`, `${c.membraneMaxAbsDiff}`));
  return lines;
}

/** The verification report as a few human-readable lines. */
export function describeVerifyReport(r: VerifyReport): string {
  const n = r.dataset.samples;
  const lines = [
    `verified on ${n}${n < r.dataset.of ? ` of ${r.dataset.of}` : ''} ${r.dataset.name} test images (sha256 ${r.dataset.hash.slice(0, 12)}):`,
    row(`  engine (tfjs ${r.engine.backend})`, `accuracy ${pct(r.engine.accuracy)}  ${r.engine.seconds.toFixed(1)} s`),
    row(`  ${r.onnx.runtime}`, `accuracy ${pct(r.onnx.accuracy)}  ${r.onnx.seconds.toFixed(1)} s${r.format === 'rate' ? `  (rate form, ${r.rateActivation} activation)` : ''}`),
    ...comparisonLines(r.vsEngine, n, 'engine'),
    ...(r.vsUnrolled ? comparisonLines(r.vsUnrolled, n, 'unrolled') : []),
    `${r.ok ? 'OK' : 'FAILED'}: ${r.verdict}`,
  ];
  return lines.join('\n');
}
