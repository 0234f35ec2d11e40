import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import type { RecentProject } from '../../src-shared/contract';

const FILE = 'recent-projects.json';
const KEEP = 12;

const entrySchema = z.object({ dir: z.string(), name: z.string(), openedAt: z.string() });
const fileSchema = z.object({ recent: z.array(entrySchema) });
type Entry = z.infer<typeof entrySchema>;

/** The recently opened projects, newest first, kept as a small JSON file in the app's config folder. */
export class RecentProjects {
  constructor(private readonly configDir: string) {}

  list(): RecentProject[] {
    return this.read().map((e) => ({ ...e, exists: fs.existsSync(path.join(e.dir, 'apical.json')) }));
  }

  add(dir: string, name: string): void {
    const rest = this.read().filter((e) => e.dir !== dir);
    this.write([{ dir, name, openedAt: new Date().toISOString() }, ...rest].slice(0, KEEP));
  }

  forget(dir: string): void {
    this.write(this.read().filter((e) => e.dir !== dir));
  }

  private read(): Entry[] {
    try {
      const parsed = fileSchema.safeParse(JSON.parse(fs.readFileSync(path.join(this.configDir, FILE), 'utf8')));
      return parsed.success ? parsed.data.recent : [];
    } catch {
      return [];
    }
  }

  private write(recent: Entry[]): void {
    fs.mkdirSync(this.configDir, { recursive: true });
    const file = path.join(this.configDir, FILE);
    const temp = `${file}.${process.pid}.tmp`;
    fs.writeFileSync(temp, `${JSON.stringify({ recent }, null, 2)}\n`);
    fs.renameSync(temp, file);
  }
}
