import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import type { OnnxExportView, ParsedParams } from '../../src-shared/contract';
import { ApiFailure } from './errors';

/**
 * Runs `apical export onnx` with these arguments in a process of its own (the export loads
 * the network and onnxruntime and verifies on the test set: seconds of CPU that must not
 * stall the host) and answers with what it printed.
 */
export type OnnxExportRunner = (args: readonly string[]) => Promise<{ readonly stdout: string; readonly stderr: string; readonly code: number | null }>;

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Node hosts: the CLI through tsx, when this checkout has the ONNX exporter. */
export function cliExportRunner(): OnnxExportRunner | undefined {
  if (!fs.existsSync(path.join(root, 'src-main', 'onnx', 'export-onnx.ts'))) return undefined;
  return (args) => new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(root, 'bin', 'apical.mjs'), 'export', ...args], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.on('error', reject);
    child.on('close', (code) => resolve({ stdout, stderr, code }));
  });
}

const exportLine = z.object({
  event: z.literal('export'), file: z.string(), reportFile: z.string(), exportSeconds: z.number(),
  report: z.looseObject({
    format: z.enum(['spiking', 'step', 'rate']), bytes: z.number(), ok: z.boolean(), verdict: z.string(),
    dataset: z.looseObject({ samples: z.number() }), engine: z.looseObject({ accuracy: z.number() }), onnx: z.looseObject({ accuracy: z.number() }),
  }),
});
const errorLine = z.object({ event: z.literal('error'), code: z.string(), message: z.string() });

/** Exports a run's latest checkpoint (into its folder) and reads the verification. */
export async function exportRunOnnx(runner: OnnxExportRunner, runDir: string, p: Omit<ParsedParams<'exportOnnx'>, 'id'>): Promise<OnnxExportView> {
  const args = ['onnx', '--run', runDir, '--format', p.format, '--json', ...(p.verifyLimit ? ['--verify-limit', String(p.verifyLimit)] : [])];
  const { stdout, stderr, code } = await runner(args);
  for (const line of stdout.split('\n').reverse()) {
    if (!line.startsWith('{')) continue;
    const json: unknown = JSON.parse(line);
    const failed = errorLine.safeParse(json);
    if (failed.success) throw new ApiFailure(failed.data.code === 'bad-config' ? 'bad-config' : 'internal', `ONNX export failed: ${failed.data.message}`);
    const done = exportLine.safeParse(json);
    if (!done.success) continue;
    const r = done.data.report;
    return {
      file: done.data.file, reportFile: done.data.reportFile, format: r.format, bytes: r.bytes, seconds: done.data.exportSeconds,
      ok: r.ok, verdict: r.verdict, samples: r.dataset.samples, engineAccuracy: r.engine.accuracy, onnxAccuracy: r.onnx.accuracy,
    };
  }
  throw new ApiFailure('internal', `ONNX export ended (code ${code}) without a result${stderr.trim() ? `: ${stderr.trim().split('\n').slice(-3).join(' ')}` : ''}`);
}
