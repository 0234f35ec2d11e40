import { describe, expect, it } from 'vitest';
import { EMPTY_HISTORY, record, redo, undo } from './history';

describe('history', () => {
  it('undoes and redoes in order', () => {
    let h = record(EMPTY_HISTORY, 'a');
    h = record(h, 'b');
    const u1 = undo(h, 'c');
    expect(u1?.state).toBe('b');
    const u2 = undo(u1!.history, 'b');
    expect(u2?.state).toBe('a');
    expect(undo(u2!.history, 'a')).toBeNull();
    const r1 = redo(u2!.history, 'a');
    expect(r1?.state).toBe('b');
    expect(redo(r1!.history, 'b')?.state).toBe('c');
  });

  it('a new change clears redo', () => {
    const h = record(EMPTY_HISTORY, 'a');
    const u = undo(h, 'b')!;
    expect(record(u.history, 'a').future).toEqual([]);
  });
});
