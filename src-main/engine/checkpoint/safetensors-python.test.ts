/**
 * Cross-checks our safetensors files against Python: the `safetensors` package when
 * /usr/bin/python3 has it, and always an independent pure-Python parser/writer (struct +
 * json + array) embedded below. APICAL_TEST_PYTHON overrides the interpreter. Skips, with a printed reason, when python3 is missing.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readCheckpoint, writeCheckpoint } from './checkpoint-file';
import type { NamedTensor } from './safetensors';

/** Debian's python by default; APICAL_TEST_PYTHON picks another (e.g. a venv with safetensors). */
const PYTHON = process.env.APICAL_TEST_PYTHON ?? '/usr/bin/python3';

const SCRIPT = String.raw`
import array, json, struct, sys

CODES = {'F32': 'f', 'F64': 'd', 'I32': 'i', 'U8': 'B'}
SIZES = {'F32': 4, 'F64': 8, 'I32': 4, 'U8': 1}

def parse(path):
    with open(path, 'rb') as f:
        b = f.read()
    (n,) = struct.unpack('<Q', b[:8])
    assert 8 + n <= len(b), 'header past end'
    assert (8 + n) % 8 == 0, 'data start not 8-byte aligned'
    h = json.loads(b[8:8 + n].decode('utf-8'))
    meta = h.pop('__metadata__', None) or {}
    data = b[8 + n:]
    out, pos = {}, 0
    for name, info in sorted(h.items(), key=lambda kv: kv[1]['data_offsets']):
        s, e = info['data_offsets']
        assert s == pos, 'gap or overlap at ' + name
        pos = e
        a = array.array(CODES[info['dtype']])
        assert a.itemsize == SIZES[info['dtype']]
        a.frombytes(data[s:e])
        if sys.byteorder == 'big':
            a.byteswap()
        count = 1
        for d in info['shape']:
            count *= d
        assert len(a) == count, 'length mismatch at ' + name
        total = 0.0
        for v in a:
            total += v
        out[name] = {'dtype': info['dtype'], 'shape': info['shape'], 'sum': total}
    assert pos == len(data), 'trailing bytes'
    return out, meta

def with_package(path):
    try:
        from safetensors.numpy import load_file
    except Exception as e:
        return 'not importable: %s' % e
    return {k: float(v.astype('float64').sum()) for k, v in load_file(path).items()}

def write(path):
    # laid out c, b, a while the header lists a, b, c; metadata first (as the Rust writer does)
    blobs = [('c', 'F64', [1], struct.pack('<d', 0.1)),
             ('b', 'I32', [3], struct.pack('<3i', -1, 2, 70000)),
             ('a', 'F32', [3], struct.pack('<3f', 1.5, -2.0, 0.25))]
    header, pos = {'__metadata__': {'writer': 'python'}}, 0
    offsets = {}
    for name, dtype, shape, raw in blobs:
        offsets[name] = {'dtype': dtype, 'shape': shape, 'data_offsets': [pos, pos + len(raw)]}
        pos += len(raw)
    for name in sorted(offsets):
        header[name] = offsets[name]
    text = json.dumps(header).encode('utf-8')
    text += b' ' * ((8 - (8 + len(text)) % 8) % 8)
    with open(path, 'wb') as f:
        f.write(struct.pack('<Q', len(text)) + text + b''.join(raw for *_, raw in blobs))

if sys.argv[1] == 'read':
    tensors, meta = parse(sys.argv[2])
    print(json.dumps({'parser': tensors, 'metadata': meta, 'safetensors': with_package(sys.argv[2])}))
else:
    write(sys.argv[2])
    print('{}')
`;

type Report = {
  parser: Record<string, { dtype: string; shape: number[]; sum: number }>;
  metadata: Record<string, string>;
  safetensors: Record<string, number> | string;
};

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'apical-ckpt-py-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function python(args: string[]): Promise<unknown> {
  const script = join(dir, 'interop.py');
  await writeFile(script, SCRIPT);
  const r = spawnSync(PYTHON, [script, ...args], { encoding: 'utf8', timeout: 30_000 });
  if (r.status !== 0) throw new Error(`python failed (${r.status}): ${r.stderr}`);
  return JSON.parse(r.stdout);
}

describe('interoperability with Python', () => {
  it('Python reads the file we wrote and we read the file Python wrote', async (ctx) => {
    if (!existsSync(PYTHON)) {
      console.log(`skipping Python interop: ${PYTHON} not found`);
      ctx.skip();
      return;
    }
    const tensors: Record<string, NamedTensor> = {
      'enc.w': { dtype: 'F32', shape: [4, 8], data: Float32Array.from({ length: 32 }, (_, i) => Math.cos(i) * 0.5) },
      'enc.b': { dtype: 'F32', shape: [8], data: Float32Array.from({ length: 8 }, (_, i) => i - 3.5) },
      steps: { dtype: 'I32', shape: [2], data: new Int32Array([123456, -7]) },
      mask: { dtype: 'U8', shape: [5], data: new Uint8Array([1, 0, 1, 1, 255]) },
      lr: { dtype: 'F64', shape: [], data: new Float64Array([3e-4]) },
    };
    const path = join(dir, 'ours.safetensors');
    await writeCheckpoint(path, tensors, { run: 'py-interop', note: 'ünï "q"' });
    const report = (await python(['read', path])) as Report;
    expect(report.metadata).toEqual({ run: 'py-interop', note: 'ünï "q"' });
    expect(Object.keys(report.parser).sort()).toEqual(Object.keys(tensors).sort());
    for (const [name, t] of Object.entries(tensors)) {
      let sum = 0;
      for (const v of t.data) sum += v;
      expect(report.parser[name]).toEqual({ dtype: t.dtype, shape: t.shape, sum });
      if (typeof report.safetensors !== 'string') expect(report.safetensors[name]).toBeCloseTo(sum, 6);
    }
    if (typeof report.safetensors === 'string') console.log(`python safetensors package skipped: ${report.safetensors}`);

    const pyPath = join(dir, 'theirs.safetensors');
    await python(['write', pyPath]);
    const back = await readCheckpoint(pyPath);
    expect(back.metadata).toEqual({ writer: 'python' });
    expect(back.tensors.a).toEqual({ dtype: 'F32', shape: [3], data: new Float32Array([1.5, -2, 0.25]) });
    expect(back.tensors.b).toEqual({ dtype: 'I32', shape: [3], data: new Int32Array([-1, 2, 70000]) });
    expect(back.tensors.c).toEqual({ dtype: 'F64', shape: [1], data: new Float64Array([0.1]) });
  });
});
