import fs from 'node:fs';
import { utilityProcess } from 'electron';
import type { OnnxExportRunner } from '../api/onnx-export';

/** The ONNX exporter in a utility process (out/main/export-worker.cjs), when the build has it. */
export function utilityExportRunner(workerFile: string): OnnxExportRunner | undefined {
  if (!fs.existsSync(workerFile)) return undefined;
  return (args) => new Promise((resolve) => {
    const child = utilityProcess.fork(workerFile, [], {
      serviceName: 'Apical ONNX export', stdio: 'pipe', env: { ...process.env, APICAL_EXPORT_ARGS: JSON.stringify(args) },
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (c: Buffer) => (stdout += c.toString()));
    child.stderr?.on('data', (c: Buffer) => (stderr = (stderr + c.toString()).slice(-4000)));
    child.on('exit', (code) => resolve({ stdout, stderr, code }));
  });
}
