import type { ErrorEvent } from '../../src-shared/events';

/**
 * Error classes by name, mapped to the typed code every host reports. Matched by name, not
 * instanceof, so that a host can map errors without loading the engine (and tfjs).
 */
const CODES: Record<string, ErrorEvent['code']> = {
  NonFiniteError: 'non-finite',
  DatasetError: 'dataset',
  BackendUnavailableError: 'backend',
  CircuitError: 'bad-config',
  CheckpointError: 'io',
};

/** Maps an error to the typed code every host reports, with its message. */
export function errorMessage(e: unknown): { code: ErrorEvent['code']; message: string } {
  const message = e instanceof Error ? e.message : String(e);
  if (!(e instanceof Error)) return { code: 'internal', message };
  if (e.name === 'RunFailedError' && 'code' in e) return { code: (e as unknown as { code: ErrorEvent['code'] }).code, message };
  const byName = CODES[e.name];
  if (byName) return { code: byName, message };
  if (/output layer must be|not supported by this engine|does not match the circuit|needs an image-shaped input|does not fit a/.test(message)) return { code: 'bad-config', message };
  if ('code' in e && typeof (e as { code: unknown }).code === 'string' && /^E[A-Z]+$/.test((e as { code: string }).code)) return { code: 'io', message };
  return { code: 'internal', message };
}
