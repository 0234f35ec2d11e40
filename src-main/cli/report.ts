import type { TrainEvent } from '../../src-shared/events';

const pct = (x: number) => `${(100 * x).toFixed(2)}%`;

/** One human-readable line (or a few) per event; null for events not worth a line. */
export function describeEvent(e: TrainEvent): string | null {
  switch (e.event) {
    case 'start': {
      const adapter = e.backend.adapter ? ` (${e.backend.adapter.vendor} ${e.backend.adapter.device || e.backend.adapter.architecture}${e.backend.adapter.software ? ', software' : ''})` : '';
      const notes = e.backend.notes?.length ? `\n  backend notes: ${e.backend.notes.join('; ')}` : '';
      return `training with rule ${e.rule} on ${e.backend.name}${adapter}${(e.backend.threads ?? 1) > 1 ? ` x ${e.backend.threads} threads` : ''}${notes}\n`
        + `  dataset ${e.dataset.name} [${e.dataset.shape.join('x')}], ${e.dataset.train} train / ${e.dataset.test} test, ${e.dataset.classes.length} classes (sha256 ${e.dataset.hash.slice(0, 12)})\n`
        + `  ${e.epochs} epochs x ${e.batchesPerEpoch} batches${e.fromEpoch > 0 ? `, resuming after epoch ${e.fromEpoch}` : ''}`;
    }
    case 'epoch': {
      const align = e.alignment ? `  align ${e.alignment.map((a) => (a === null ? '-' : a.toFixed(3))).join('/')}` : '';
      const sat = e.errorCellSaturation !== undefined ? `  E-sat ${pct(e.errorCellSaturation)}` : '';
      return `epoch ${String(e.epoch).padStart(3)}  loss ${e.loss.toFixed(4)}  train ${pct(e.trainAccuracy)}  test ${pct(e.testAccuracy)}  `
        + `${e.samplesPerSecond.toFixed(0)} samples/s  ${e.seconds.toFixed(1)} s  rates ${e.firingRates.map((r) => r.toFixed(3)).join('/')}${align}${sat}`;
    }
    case 'done':
      return `${e.status}: test accuracy ${pct(e.testAccuracy)} after ${e.epochs} epochs, ${e.samplesPerSecond.toFixed(0)} samples/s on ${e.backend}, ${e.seconds.toFixed(1)} s`
        + (e.checkpoint ? `\ncheckpoint: ${e.checkpoint}` : '');
    case 'error':
      return `error (${e.code}): ${e.message}`;
    default:
      return null;
  }
}
