/** File and folder names inside a project (see src-shared/project.ts for the format). */

export const PROJECT_FILE = 'apical.json';
export const CIRCUITS_DIR = 'circuits';
export const RUNS_DIR = 'runs';
export const RUN_FILE = 'run.json';
export const METRICS_FILE = 'metrics.jsonl';
export const NOTES_FILE = 'notes.md';
export const CHECKPOINTS_DIR = 'checkpoints';
/** Run folders being created or deleted start with these; they are swept on open. */
export const CREATING_PREFIX = '.creating-';
export const DELETING_PREFIX = '.deleting-';
