import type { ApiError, ApiErrorCode } from '../../src-shared/contract';
import { CircuitError } from '../../src-shared/circuit';
import { ProjectError } from '../projects/errors';
import { WorkerExitError, describeExit } from '../host/engine-process';
import { errorMessage } from '../host/error-code';

/** An error a handler throws on purpose, with the code the UI sees. */
export class ApiFailure extends Error {
  constructor(readonly code: ApiErrorCode, message: string, readonly issues?: ApiError['issues']) {
    super(message);
    this.name = 'ApiFailure';
  }
}

/** Turns anything a handler threw into the data the contract answers with. */
export function toApiError(e: unknown): ApiError {
  if (e instanceof ApiFailure) return { code: e.code, message: e.message, ...(e.issues ? { issues: e.issues } : {}) };
  if (e instanceof ProjectError) return { code: e.code, message: e.message };
  if (e instanceof CircuitError) return { code: 'bad-config', message: e.message, issues: e.issues };
  const { code, message } = errorMessage(e);
  return { code, message };
}

/**
 * How a run's failure is recorded in run.json: the engine's error code, or how the engine
 * process ended (crashed, oom, killed, launch-failed) with its last stderr lines.
 */
export function describeRunError(e: unknown): { code: string; message: string } {
  if (e instanceof WorkerExitError) return { code: e.exit.reason, message: `the engine process ${describeExit(e.exit)}` };
  return errorMessage(e);
}
