import { describe, expect, it } from 'vitest';
import { nameProblem } from './project';

describe('nameProblem', () => {
  it.each([
    ['run-1'], ['Ablation (lr 1e-3)'], ['mnist_800'], ['été'], ['a.b'], ['con-test'], ['COM10'],
  ])('accepts %j', (name) => expect(nameProblem(name)).toBeNull());

  it.each([
    ['', /empty/], ['x'.repeat(101), /longer than 100/], ['..', /'\.\.'/], ['a..b', /'\.\.'/], ['../etc', /separator/],
    ['a/b', /separator/], ['a\\b', /separator/], ['/abs', /separator/], ['C:', /< > :/], ['.hidden', /starts with a dot/],
    ['tab\there', /control character/], ['nul\u0000', /control character/], ['del\u007f', /control character/],
    ['CON', /reserved device name/], ['nul.json', /reserved device name/], ['Lpt3', /reserved device name/], ['com¹', /reserved device name/],
    ['trailing.', /ends with a dot/], ['trailing ', /space/], [' leading', /space/], ['what?', /< > :/], ['a*b', /< > :/],
  ])('rejects %j', (name, message) => expect(nameProblem(name)).toMatch(message));
});
