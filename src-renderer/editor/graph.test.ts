import { describe, expect, it } from 'vitest';
import { circuitGraph } from './graph';

describe('circuitGraph', () => {
  it('chains input, hidden and output layers with feedback pathways', () => {
    const { nodes, edges } = circuitGraph({ layers: [{ kind: 'dense', units: 800 }, { kind: 'dense', units: 10 }] }, []);
    expect(nodes.map((n) => n.id)).toEqual(['input', 'layer-0', 'layer-1']);
    expect(nodes[2].data?.role).toBe('output');
    expect(edges.filter((e) => e.class === 'edge-forward')).toHaveLength(2);
    expect(edges.find((e) => e.id === 'feedback-0')).toMatchObject({ source: 'layer-1', target: 'layer-0' });
  });

  it('DFA feeds every hidden layer from the output, and invalid layers are marked', () => {
    const draft = { layers: [{ kind: 'dense' as const, units: 100 }, { kind: 'dense' as const, units: 100 }, { kind: 'dense' as const, units: 10 }], rule: { name: 'dfa' as const } };
    const { nodes, edges } = circuitGraph(draft, ['layers[1].units']);
    expect(edges.find((e) => e.id === 'feedback-0')?.source).toBe('layer-2');
    expect(nodes.find((n) => n.id === 'layer-1')?.data?.invalid).toBe(true);
    expect(nodes.find((n) => n.id === 'layer-0')?.data?.invalid).toBe(false);
  });
});
