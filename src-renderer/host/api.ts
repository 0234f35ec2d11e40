import type { ApiError, ApicalApi, Params, Result, Value, Verb } from '../../src-shared/contract';
import { webApi, webToken } from './web-api';

/** A request the host refused, with the contract's error code and per-path issues. */
export class ApiCallError extends Error {
  readonly code: ApiError['code'];
  readonly issues: ApiError['issues'];

  constructor(error: ApiError) {
    super(error.message);
    this.name = 'ApiCallError';
    this.code = error.code;
    this.issues = error.issues;
  }
}

let api: ApicalApi | null = null;
const connectionListeners = new Set<(connected: boolean) => void>();

/** The contract: the preload's verbs in Electron, the web host in a browser. */
export function hostApi(): ApicalApi {
  api ??= window.apical ?? webApi(webToken(), (c) => connectionListeners.forEach((l) => l(c)));
  return api;
}

/** Observes the web host's event connection (always connected in Electron). */
export function onConnection(listener: (connected: boolean) => void): () => void {
  connectionListeners.add(listener);
  return () => connectionListeners.delete(listener);
}

/** Calls a verb and unwraps its Result: the value, or an ApiCallError. */
export async function call<V extends Verb>(verb: V, params: Params<V>): Promise<Value<V>> {
  // indexing the API by a generic verb loses the pairing of parameters and answer; the contract's type restores it
  const fn = hostApi()[verb] as unknown as (p: Params<V>) => Promise<Result<Value<V>>>;
  const result = await fn(params);
  if (!result.ok) throw new ApiCallError(result.error);
  return result.value;
}
