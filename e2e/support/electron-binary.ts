import fs from 'node:fs';
import { createRequire } from 'node:module';

/** The Electron executable, or why there is none (our machines skip its download). */
export function electronBinary(): { path: string } | { missing: string } {
  try {
    const file = createRequire(import.meta.url)('electron') as unknown;
    if (typeof file === 'string' && fs.existsSync(file)) return { path: file };
    return { missing: `the electron package names ${String(file)}, which does not exist` };
  } catch (e) {
    return { missing: `${(e as Error).message.split('\n')[0]} (installed with ELECTRON_SKIP_BINARY_DOWNLOAD=1?)` };
  }
}
