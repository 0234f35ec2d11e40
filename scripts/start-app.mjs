// `npm start`: builds and opens the desktop app. Where no Electron binary is installed (it is
// skipped with ELECTRON_SKIP_BINARY_DOWNLOAD=1), says so and names the browser variant.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';

let electron = null;
try {
  const file = createRequire(import.meta.url)('electron');
  if (typeof file === 'string' && fs.existsSync(file)) electron = file;
} catch {
  electron = null;
}
if (!electron) {
  console.error(`The desktop app needs Electron's binary, which is not installed here (npm install skipped its download).
  Same app in a browser:      npx apical serve --open
  Train without a UI:         npx apical train
  Install Electron's binary:  delete node_modules/electron and run npm install without ELECTRON_SKIP_BINARY_DOWNLOAD`);
  process.exit(1);
}
const child = spawn(process.platform === 'win32' ? 'npx.cmd' : 'npx', ['electron-vite', 'preview', ...process.argv.slice(2)], { stdio: 'inherit' });
child.on('exit', (code) => process.exit(code ?? 1));
