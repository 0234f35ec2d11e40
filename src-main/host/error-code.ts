import { DatasetError } from '../engine/datasets/dataset';
import { BackendUnavailableError } from '../engine/tensor/backend';
import { NonFiniteError } from '../engine/training/trainer';
import { CircuitError } from '../../src-shared/circuit';
import type { ErrorEvent } from '../../src-shared/events';

/** Maps an error to the typed code every host reports. */
export function errorMessage(e: unknown): { code: ErrorEvent['code']; message: string } {
  const message = e instanceof Error ? e.message : String(e);
  if (e instanceof Error && e.name === 'RunFailedError' && 'code' in e) return { code: (e as unknown as { code: ErrorEvent['code'] }).code, message };
  if (e instanceof NonFiniteError) return { code: 'non-finite', message };
  if (e instanceof DatasetError) return { code: 'dataset', message };
  if (e instanceof BackendUnavailableError) return { code: 'backend', message };
  if (e instanceof CircuitError) return { code: 'bad-config', message };
  if (/output layer must be|not supported by this engine|does not match the circuit/.test(message)) return { code: 'bad-config', message };
  if (e && typeof e === 'object' && 'code' in e && typeof (e as { code: unknown }).code === 'string' && /^E[A-Z]+$/.test((e as { code: string }).code)) return { code: 'io', message };
  return { code: 'internal', message };
}
