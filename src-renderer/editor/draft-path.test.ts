import { describe, expect, it } from 'vitest';
import { getAt, parsePath, setAt } from './draft-path';

describe('draft paths', () => {
  it('parses the schema validation paths', () => {
    expect(parsePath('layers[1].units')).toEqual(['layers', 1, 'units']);
    expect(parsePath('rule.thetaE.scale')).toEqual(['rule', 'thetaE', 'scale']);
  });

  it('sets without touching the original', () => {
    const draft = { layers: [{ kind: 'dense', units: 800 }, { kind: 'dense', units: 10 }] };
    const next = setAt(draft, 'layers[0].units', 64);
    expect(getAt(next, 'layers[0].units')).toBe(64);
    expect(draft.layers[0].units).toBe(800);
  });

  it('creates missing objects and removes with undefined', () => {
    const next = setAt({} as Record<string, unknown>, 'neuron.tauM', 3);
    expect(next).toEqual({ neuron: { tauM: 3 } });
    expect(setAt(next, 'neuron.tauM', undefined)).toEqual({ neuron: {} });
  });
});
