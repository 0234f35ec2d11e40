import { UsageError } from './args';
import type { Command } from './command';
import { errorMessage } from '../host/error-code';

/**
 * Every command, loaded only when it runs: `apical --help` and a short command do not pay
 * for the engine, tfjs or the web host.
 */
const COMMANDS: readonly { name: string; summary: string; load: () => Promise<Command> }[] = [
  { name: 'train', summary: 'train a circuit and print its test accuracy', load: async () => (await import('./commands/train')).trainCommand },
  { name: 'eval', summary: 'evaluate a checkpoint on a test set', load: async () => (await import('./commands/eval')).evalCommand },
  { name: 'export', summary: 'export a trained network to ONNX, verified with onnxruntime', load: async () => (await import('./commands/export')).exportCommand },
  { name: 'serve', summary: 'the app in a browser: serve the UI and the engine on 127.0.0.1', load: async () => (await import('./commands/serve')).serveCommand },
  { name: 'project', summary: 'create, show, rename or delete an experiment project', load: async () => (await import('./commands/project')).projectCommand },
  { name: 'circuits', summary: "list, show, add, rename or delete a project's circuits", load: async () => (await import('./commands/circuits')).circuitsCommand },
  { name: 'runs', summary: "list, show, compare, resume, rerun, tag or delete a project's runs", load: async () => (await import('./commands/runs')).runsCommand },
];

function usage(): string {
  return `apical — train spiking microcircuits (Yang & Li 2022) and their baselines

Usage: apical <command> [options]

Commands:
${COMMANDS.map((c) => `  ${c.name.padEnd(10)} ${c.summary}`).join('\n')}

Run 'apical <command> --help' for a command's options.`;
}

async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    console.log(usage());
    return name ? 0 : 2;
  }
  const entry = COMMANDS.find((c) => c.name === name);
  if (!entry) {
    console.error(`apical: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
  const command = await entry.load();
  try {
    return await command.run(rest);
  } catch (e) {
    if (e instanceof UsageError) {
      console.error(`apical ${command.name}: ${e.message}\n\n${command.usage}`);
      return 2;
    }
    const json = rest.includes('--json');
    const { code, message } = errorMessage(e);
    if (json) process.stdout.write(`${JSON.stringify({ event: 'error', code, message })}\n`);
    else console.error(`apical ${command.name}: ${message}`);
    return 1;
  }
}

process.exitCode = await main(process.argv.slice(2));
