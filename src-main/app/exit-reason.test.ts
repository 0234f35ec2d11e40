import { describe, expect, it } from 'vitest';
import { utilityExitReason } from './exit-reason';

describe('utilityExitReason', () => {
  it('maps Electron reasons to the worker protocol', () => {
    expect(utilityExitReason('oom', 1, '', true)).toBe('oom');
    expect(utilityExitReason('memory-eviction', 1, '', true)).toBe('oom');
    expect(utilityExitReason('killed', null, '', true)).toBe('killed');
    expect(utilityExitReason('crashed', 139, '', true)).toBe('crashed');
    expect(utilityExitReason('abnormal-exit', 1, '', true)).toBe('crashed');
    expect(utilityExitReason('launch-failed', null, '', false)).toBe('launch-failed');
    expect(utilityExitReason('clean-exit', 0, '', true)).toBe('exited');
  });

  it('a process that never became ready failed to launch', () => {
    expect(utilityExitReason('crashed', 1, '', false)).toBe('launch-failed');
    expect(utilityExitReason('clean-exit', 0, '', false)).toBe('launch-failed');
  });

  it('without a reason, falls back to exit code and stderr', () => {
    expect(utilityExitReason(null, 134, 'FATAL ERROR: Reached heap limit Allocation failed', true)).toBe('oom');
    expect(utilityExitReason(null, 1, 'TypeError', true)).toBe('crashed');
  });
});
