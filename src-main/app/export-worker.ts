/**
 * The ONNX exporter in an Electron utility process: runs `apical export` with the arguments
 * in APICAL_EXPORT_ARGS and prints its JSON result, as the CLI does. Built only when the
 * checkout has the exporter (electron.vite.config.ts).
 */
import { exportCommand } from '../cli/commands/export';

const args = JSON.parse(process.env.APICAL_EXPORT_ARGS ?? '[]') as string[];
exportCommand.run(args).then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.log(JSON.stringify({ event: 'error', code: 'internal', message: e instanceof Error ? e.message : String(e) }));
    process.exit(1);
  },
);
