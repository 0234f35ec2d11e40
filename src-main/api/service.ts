import { formatPath } from '../../src-shared/circuit';
import { REQUESTS } from '../../src-shared/contract';
import type { EventName, EventPayloads, ParsedParams, Result, Value, Verb } from '../../src-shared/contract';
import type { EngineFactory } from './engine-handle';
import { forkEngine } from './engine-handle';
import { toApiError } from './errors';
import { createHandlers } from './handlers';
import type { Handlers, HostCapabilities } from './handlers';
import { ApiSession } from './session';

export interface ApiServiceOptions extends HostCapabilities {
  /** where the recent-projects list is kept */
  readonly configDir: string;
  /** how engine workers start (default: Node's fork through tsx) */
  readonly engine?: EngineFactory;
}

export type EventListener = <E extends EventName>(event: E, payload: EventPayloads[E]) => void;

/**
 * The contract, implemented once for every host: `call` validates a request's parameters
 * with its zod schema, runs the handler and answers with a Result (errors become data
 * here); `on` observes the events a host forwards to its UI.
 */
export class ApiService {
  readonly session: ApiSession;
  private readonly handlers: Handlers;
  private readonly listeners = new Set<EventListener>();

  constructor(options: ApiServiceOptions) {
    this.session = new ApiSession(options.configDir, options.engine ?? forkEngine, {
      frame: (runId, event) => this.emit('runFrame', { runId, event }),
      state: (frame) => this.emit('runState', frame),
      ended: () => this.emit('projectChanged', { what: 'runs' }),
    });
    this.handlers = createHandlers(this.session, options);
  }

  async call<V extends Verb>(verb: V, raw: unknown): Promise<Result<Value<V>>> {
    const spec = REQUESTS[verb];
    if (!spec) return { ok: false, error: { code: 'bad-request', message: `unknown request '${String(verb)}'` } };
    const parsed = spec.params.safeParse(raw ?? {});
    if (!parsed.success) {
      const issues = parsed.error.issues.map((i) => ({ path: formatPath(i.path), message: i.message }));
      return { ok: false, error: { code: 'bad-request', message: `invalid ${spec.channel} request: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`, issues } };
    }
    try {
      const handler = this.handlers[verb] as (p: ParsedParams<V>) => Promise<Value<V>> | Value<V>;
      const value = await handler(parsed.data as ParsedParams<V>);
      if (CHANGES[verb]) this.emit('projectChanged', { what: CHANGES[verb] });
      return { ok: true, value };
    } catch (e) {
      return { ok: false, error: toApiError(e) };
    }
  }

  on(listener: EventListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Stops live runs (waiting for them to record their end) and closes the project. */
  async close(): Promise<void> {
    await this.session.shutdown();
  }

  private emit<E extends EventName>(event: E, payload: EventPayloads[E]): void {
    for (const l of this.listeners) l(event, payload);
  }
}

/** Requests that change what other views of the project show. */
const CHANGES: Partial<Record<Verb, EventPayloads['projectChanged']['what']>> = {
  createProject: 'project', openProject: 'project', closeProject: 'project', renameProject: 'project',
  saveCircuit: 'circuits', renameCircuit: 'circuits', duplicateCircuit: 'circuits', deleteCircuit: 'circuits',
  startRun: 'runs', resumeRun: 'runs', deleteRun: 'runs', tagRun: 'runs',
};
