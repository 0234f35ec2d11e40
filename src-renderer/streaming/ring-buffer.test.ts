import { describe, expect, it } from 'vitest';
import { RingBuffer, RingColumns } from './ring-buffer';

describe('RingBuffer', () => {
  it('keeps the newest values in order', () => {
    const r = new RingBuffer(3);
    for (const v of [1, 2, 3, 4, 5]) r.push(v);
    expect(r.length).toBe(3);
    expect([r.at(0), r.at(1), r.at(2)]).toEqual([3, 4, 5]);
    expect(r.last()).toBe(5);
  });

  it('columns share the x axis', () => {
    const c = new RingColumns(['loss', 'accuracy'] as const, 2);
    c.push(1, { loss: 0.5, accuracy: 0.1 });
    c.push(2, { loss: 0.4, accuracy: 0.2 });
    c.push(3, { loss: 0.3, accuracy: 0.3 });
    expect(c.pairs('loss')).toEqual([[2, 0.4], [3, 0.3]]);
  });

  it('thins long columns evenly, keeping the newest point', () => {
    const c = new RingColumns(['y'] as const, 100);
    for (let i = 0; i < 100; i++) c.push(i, { y: i });
    const thin = c.pairs('y', 10);
    expect(thin).toHaveLength(10);
    expect(thin[thin.length - 1]).toEqual([99, 99]);
    expect(thin.map((p) => p[0])).toEqual([...thin.map((p) => p[0])].sort((a, b) => a - b));
  });
});
