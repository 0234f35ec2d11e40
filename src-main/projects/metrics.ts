/**
 * metrics.jsonl: one record per line, appended and fsynced as epochs complete. A crash can
 * leave an incomplete last line; readers drop it and say so, and a resume truncates it
 * away. Anything else that does not parse is an error naming the file and line.
 */
import fs from 'node:fs';
import type { EpochEvent, ProgressEvent } from '../../src-shared/events';
import { isControl, metricsLineSchema } from '../../src-shared/project';
import type { EpochLine, MetricsLine, ProgressLine } from '../../src-shared/project';
import { ProjectError, errnoOf, ioError } from './errors';
import { describeIssues } from './json-file';

export interface MetricsContent {
  readonly epochs: EpochLine[];
  readonly progress: ProgressLine[];
  /** byte offset just after the line of epoch i + 1 */
  readonly epochEnds: number[];
  /** byte length of the complete lines */
  readonly completeBytes: number;
  /** an incomplete last line (a write cut short), dropped */
  readonly droppedTail: { readonly bytes: number; readonly text: string } | null;
}

/** A human-readable note about a dropped last line, or null. */
export function tailWarning(file: string, content: MetricsContent): string | null {
  if (!content.droppedTail) return null;
  const preview = content.droppedTail.text.slice(0, 40);
  return `${file}: ignored an incomplete last line (${content.droppedTail.bytes} bytes, '${preview}${content.droppedTail.text.length > 40 ? '...' : ''}'), left by an interrupted write`;
}

/** Reads and validates metrics.jsonl; a missing file reads as empty. */
export function readMetrics(file: string): MetricsContent {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (err) {
    if (errnoOf(err) === 'ENOENT') return { epochs: [], progress: [], epochEnds: [], completeBytes: 0, droppedTail: null };
    throw ioError('read', file, err);
  }
  const epochs: EpochLine[] = [];
  const progress: ProgressLine[] = [];
  const epochEnds: number[] = [];
  let start = 0;
  let lineNo = 0;
  while (start < bytes.length) {
    const nl = bytes.indexOf(0x0a, start);
    if (nl < 0) break;
    lineNo++;
    const text = bytes.subarray(start, nl).toString('utf8');
    start = nl + 1;
    if (text.trim() === '') continue;
    const line = parseLine(file, lineNo, text);
    if (line.event === 'epoch') {
      const expected = epochs.length + 1;
      if (line.epoch !== expected) throw new ProjectError('malformed', `${file}:${lineNo}: epoch ${line.epoch} where epoch ${expected} was expected`, { file });
      epochs.push(line);
      epochEnds.push(start);
    } else {
      progress.push(line);
    }
  }
  const tail = bytes.subarray(start);
  return {
    epochs, progress, epochEnds, completeBytes: start,
    droppedTail: tail.length > 0 ? { bytes: tail.length, text: tail.toString('utf8').split('').map((c) => (isControl(c) ? '?' : c)).join('') } : null,
  };
}

function parseLine(file: string, lineNo: number, text: string): MetricsLine {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ProjectError('malformed', `${file}:${lineNo}: not valid JSON (${(err as Error).message}): '${text.slice(0, 60)}'`, { file });
  }
  const result = metricsLineSchema.safeParse(json);
  if (!result.success) throw new ProjectError('malformed', `${file}:${lineNo}: not a metrics record: ${describeIssues(result.error, 3)}`, { file });
  return result.data;
}

/**
 * Cuts metrics.jsonl back to the end of epoch `epoch` (0: empty), dropping later epochs,
 * progress lines after it and an incomplete last line. Returns what went.
 */
export function truncateMetrics(file: string, epoch: number): { discardedEpochs: number; droppedBytes: number } {
  const content = readMetrics(file);
  if (epoch > content.epochs.length) throw new ProjectError('conflict', `${file} holds ${content.epochs.length} epochs, cannot keep ${epoch}`, { file });
  const keep = epoch === 0 ? 0 : content.epochEnds[epoch - 1];
  const total = content.completeBytes + (content.droppedTail?.bytes ?? 0);
  if (keep < total || !fs.existsSync(file)) {
    let fd: number | undefined;
    try {
      fd = fs.openSync(file, fs.existsSync(file) ? 'r+' : 'w');
      fs.ftruncateSync(fd, keep);
      fs.fsyncSync(fd);
    } catch (err) {
      throw ioError('truncate', file, err);
    } finally {
      if (fd !== undefined) fs.closeSync(fd);
    }
  }
  return { discardedEpochs: content.epochs.length - epoch, droppedBytes: content.droppedTail?.bytes ?? 0 };
}

/** Appends lines to metrics.jsonl; durable appends are fsynced before they return. */
export class MetricsWriter {
  private fd: number | null;

  constructor(readonly file: string) {
    try {
      this.fd = fs.openSync(file, 'a');
    } catch (err) {
      throw ioError('open', file, err);
    }
  }

  append(line: EpochEvent | ProgressEvent, durable: boolean): void {
    if (this.fd === null) throw new ProjectError('conflict', `${this.file} is closed`, { file: this.file });
    const bytes = Buffer.from(`${JSON.stringify(line)}\n`, 'utf8');
    try {
      for (let off = 0; off < bytes.length;) off += fs.writeSync(this.fd, bytes, off, bytes.length - off);
      if (durable) fs.fsyncSync(this.fd);
    } catch (err) {
      throw ioError('append to', this.file, err);
    }
  }

  close(): void {
    if (this.fd === null) return;
    try {
      fs.closeSync(this.fd);
    } finally {
      this.fd = null;
    }
  }
}
