import type { ErrorEvent } from '../../src-shared/events';

/**
 * A clear, user-facing export failure. `code` is the error code every host reports
 * ('bad-config' for a network or checkpoint that cannot be exported, 'io' for a file
 * that cannot be written).
 */
export class OnnxExportError extends Error {
  constructor(message: string, readonly code: ErrorEvent['code'] = 'bad-config', options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'OnnxExportError';
  }
}
