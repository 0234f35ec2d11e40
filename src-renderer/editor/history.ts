/** Undo/redo of a document kept as JSON snapshots: small, serialisable, easy to compare. */
export interface History {
  readonly past: readonly string[];
  readonly future: readonly string[];
}

export const EMPTY_HISTORY: History = { past: [], future: [] };
const LIMIT = 200;

/** Records `before` as the state to return to; a new change clears the redo list. */
export function record(h: History, before: string): History {
  if (h.past[h.past.length - 1] === before) return { past: h.past, future: [] };
  return { past: [...h.past, before].slice(-LIMIT), future: [] };
}

export function undo(h: History, current: string): { history: History; state: string } | null {
  if (h.past.length === 0) return null;
  return { history: { past: h.past.slice(0, -1), future: [current, ...h.future] }, state: h.past[h.past.length - 1] };
}

export function redo(h: History, current: string): { history: History; state: string } | null {
  if (h.future.length === 0) return null;
  return { history: { past: [...h.past, current], future: h.future.slice(1) }, state: h.future[0] };
}
