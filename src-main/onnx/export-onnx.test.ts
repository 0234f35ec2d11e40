/**
 * The export pipeline end to end (checkpoint file -> .onnx + .verify.json), and its bad
 * inputs: each gets a clear error and leaves no .onnx (nor temp file) behind.
 */
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import type { CircuitInput } from '../../src-shared/circuit';
import { parseCircuit } from '../../src-shared/circuit';
import { exportCommand } from '../cli/commands/export';
import { Network } from '../engine/network';
import { initBackend } from '../engine/tensor/backend';
import { takeSnapshot } from '../engine/training/checkpoint-state';
import { writeSnapshot } from '../host/snapshot-file';
import { writeFileAtomic } from './atomic-file';
import { convExporter } from './conv';
import { OnnxExportError } from './errors';
import { exportOnnx } from './export-onnx';
import type { ExportOnnxRequest } from './export-onnx';
import { DEFAULT_GRAPH_OPTIONS } from './formats';
import type { OnnxFormat } from './formats';
import { layerExporter } from './layers';

const MNIST = { inputShape: [28, 28, 1] as [number, number, number], classes: 10 };

function circuit(layers: CircuitInput['layers'], extra: Partial<CircuitInput> = {}) {
  return parseCircuit({ input: { dataset: 'mnist' }, layers, steps: 4, init: { gain: 6 }, ...extra });
}

/** Writes a checkpoint of a `weights`-shaped network that claims to be `claimed`. */
async function checkpoint(dir: string, claimed = circuit([{ kind: 'dense', units: 8 }, { kind: 'dense', units: 10 }]), weights = claimed): Promise<string> {
  const net = new Network(weights, MNIST);
  const file = join(dir, 'checkpoints', 'latest.safetensors');
  try {
    mkdirSync(join(dir, 'checkpoints'), { recursive: true });
    await writeSnapshot(file, await takeSnapshot(net, null, 1, claimed));
  } finally {
    net.dispose();
  }
  return file;
}

function request(file: string, o: Partial<ExportOnnxRequest> = {}): ExportOnnxRequest {
  return { checkpoint: file, graph: DEFAULT_GRAPH_OPTIONS, verifyLimit: 12, backend: 'cpu', ...o };
}

/** Files in a folder tree that an export could have left: .onnx files and temp files. */
function leftovers(dir: string): string[] {
  return readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => /\.onnx|\.tmp-/.test(f));
}

beforeAll(async () => {
  await initBackend('cpu');
});

describe('exportOnnx', () => {
  it.each(['spiking', 'step', 'rate'] as OnnxFormat[])('exports and verifies the %s form of a checkpoint', async (format) => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const file = await checkpoint(dir);
    const result = await exportOnnx(request(file, { graph: { ...DEFAULT_GRAPH_OPTIONS, format } }));
    expect(result.file).toBe(join(dir, `circuit-${format}.onnx`));
    expect(result.report).toMatchObject({ format, ok: true, dataset: { name: 'mnist', samples: 12, of: 10000 } });
    if (format !== 'rate') expect(result.report.vsEngine).toMatchObject({ predictionMismatches: 0, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 });
    expect(JSON.parse(readFileSync(result.reportFile, 'utf8'))).toEqual(result.report);
    expect(leftovers(dir).sort()).toEqual([`circuit-${format}.onnx`, `circuit-${format}.onnx.verify.json`]);
  });

  it('rejects a checkpoint that does not match its circuit, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const file = await checkpoint(dir, circuit([{ kind: 'dense', units: 8 }, { kind: 'dense', units: 10 }]), circuit([{ kind: 'dense', units: 6 }, { kind: 'dense', units: 10 }]));
    await expect(exportOnnx(request(file, { out: join(dir, 'm.onnx') }))).rejects.toThrow(/latest\.safetensors: .*does not match the circuit's \[784,8\]/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('exports and verifies a conv - pool - dense checkpoint, and refuses one whose kernel shape is wrong', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const conv = circuit([{ kind: 'conv', filters: 2, kernel: 3 }, { kind: 'avg-pool', size: 2 }, { kind: 'dense', units: 10 }]);
    const result = await exportOnnx(request(await checkpoint(dir, conv)));
    expect(result.report).toMatchObject({ format: 'spiking', ok: true, vsEngine: { predictionMismatches: 0, spikeCountMismatches: 0, membraneMaxAbsDiff: 0 } });
    const bad = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const file = await checkpoint(bad, conv, circuit([{ kind: 'conv', filters: 2, kernel: 5 }, { kind: 'avg-pool', size: 2 }, { kind: 'dense', units: 10 }]));
    await expect(exportOnnx(request(file))).rejects.toThrow(/does not match the circuit's \[3,3,1,2\]/);
    expect(leftovers(bad)).toEqual([]);
  });

  it('names the layer kinds it can export when one is unknown', () => {
    const layer = { index: 2, spec: { kind: 'dense', units: 3 } as const, inShape: [4], outShape: [3], hasCells: true, weight: null, bias: null };
    expect(() => layerExporter(layer, [convExporter])).toThrow(new OnnxExportError("layers[2]: 'dense' layers cannot be exported to ONNX (supported: conv)"));
  });

  it('rejects Poisson input encoding, writing nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const poisson = circuit([{ kind: 'dense', units: 8 }, { kind: 'dense', units: 10 }], { input: { dataset: 'mnist', encoder: { kind: 'poisson' } } });
    const file = await checkpoint(dir, poisson);
    await expect(exportOnnx(request(file))).rejects.toThrow(/encoder 'poisson' cannot be exported/);
    expect(leftovers(dir)).toEqual([]);
  });

  it('reports an unwritable output path as an io error, leaving nothing', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const file = await checkpoint(dir);
    writeFileSync(join(dir, 'not-a-folder'), 'x');
    const failure = exportOnnx(request(file, { out: join(dir, 'not-a-folder', 'm.onnx') }));
    await expect(failure).rejects.toThrow(/cannot write .*not-a-folder\/m\.onnx/);
    await expect(failure).rejects.toMatchObject({ code: 'io' });
    expect(leftovers(dir)).toEqual([]);
  });
});

describe('writeFileAtomic', () => {
  it('leaves the old file and no temp file when the check fails', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const target = join(dir, 'm.onnx');
    writeFileSync(target, 'old');
    await expect(writeFileAtomic(target, 'new', async () => {
      throw new Error('does not load');
    })).rejects.toThrow('does not load');
    expect(readFileSync(target, 'utf8')).toBe('old');
    expect(readdirSync(dir)).toEqual(['m.onnx']);
  });
});

describe('apical export (CLI)', () => {
  it('needs the onnx target and one source', async () => {
    await expect(exportCommand.run(['--checkpoint', 'x'])).rejects.toThrow(/apical export onnx/);
    await expect(exportCommand.run(['pdf', '--checkpoint', 'x'])).rejects.toThrow(/unknown export target 'pdf'/);
    await expect(exportCommand.run(['onnx'])).rejects.toThrow(/--run DIR or --checkpoint FILE is required/);
    await expect(exportCommand.run(['onnx', '--run', 'a', '--checkpoint', 'b'])).rejects.toThrow(/not both/);
    await expect(exportCommand.run(['onnx', '--run', 'a', '--format', 'x'])).rejects.toThrow(/--format must be one of spiking, step, rate/);
  });

  it('says when a run folder has no checkpoint', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'apical-onnx-'));
    const errors: string[] = [];
    const original = console.error;
    console.error = (m: string) => errors.push(m);
    try {
      expect(await exportCommand.run(['onnx', '--run', dir])).toBe(1);
    } finally {
      console.error = original;
    }
    expect(errors.join('\n')).toMatch(/no checkpoints\/latest\.safetensors here/);
    expect(existsSync(join(dir, 'circuit-spiking.onnx'))).toBe(false);
  });
});
