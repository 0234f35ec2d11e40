import { spawn } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { cliExportRunner } from '../../api/onnx-export';
import { ApiService } from '../../api/service';
import { startWebHost } from '../../web/server';
import { ensureRendererBuild } from '../../web/renderer-build';
import { intOption, parse } from '../args';
import type { Command } from '../command';

/** Where the web host keeps its recent-projects list. */
function configDir(): string {
  return process.env.APICAL_CONFIG_DIR ?? path.join(process.env.XDG_CONFIG_HOME ?? path.join(os.homedir(), '.config'), 'apical');
}

function openBrowser(url: string): void {
  const [cmd, args] = process.platform === 'darwin' ? ['open', [url]] : process.platform === 'win32' ? ['cmd', ['/c', 'start', '""', url]] : ['xdg-open', [url]];
  const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
  child.on('error', () => process.stderr.write(`could not start a browser (${cmd}); open the URL yourself\n`));
  child.unref();
}

export const serveCommand: Command = {
  name: 'serve',
  usage: `apical serve [options]

Serves the desktop app's UI and its whole contract (projects, circuits, training with live
monitoring) over HTTP and WebSocket on 127.0.0.1 only. The printed URL carries a random
token; requests without it are refused. To watch a remote machine, forward the port
(ssh -L PORT:127.0.0.1:PORT host) and open the URL locally.

Options:
  --project DIR   open this project at start
  --port N        port to listen on (default: a free one)
  --open          open the URL in the default browser
  -h, --help      this help`,
  async run(argv) {
    const { values } = parse(argv, { project: { type: 'string' }, port: { type: 'string' }, open: { type: 'boolean' } });
    if (values.help) {
      console.log(this.usage);
      return 0;
    }
    const port = intOption(values.port, 'port', 0) ?? 0;
    const api = new ApiService({ host: 'web', configDir: configDir(), onnxExport: cliExportRunner() });
    if (values.project) {
      const opened = await api.call('openProject', { dir: path.resolve(values.project) });
      if (!opened.ok) throw new Error(opened.error.message);
    }
    const host = await startWebHost({ api, rendererDir: await ensureRendererBuild(), port });
    console.log(`Apical is served at ${host.url}`);
    console.log('Keep this URL private: it holds the access token. Ctrl+C stops (running trainings stop after their batch).');
    if (values.open) openBrowser(host.url);
    await new Promise<void>((resolve) => {
      const stop = () => {
        process.off('SIGINT', stop);
        process.off('SIGTERM', stop);
        resolve();
      };
      process.on('SIGINT', stop);
      process.on('SIGTERM', stop);
    });
    await host.close();
    await api.close();
    return 0;
  },
};
