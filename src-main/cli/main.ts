import { UsageError } from './args';
import type { Command } from './command';
import { trainCommand } from './commands/train';
import { evalCommand } from './commands/eval';
import { errorMessage } from '../host/error-code';

const COMMANDS: readonly Command[] = [trainCommand, evalCommand];

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
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    console.error(`apical: unknown command '${name}'\n\n${usage()}`);
    return 2;
  }
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
