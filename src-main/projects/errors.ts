/**
 * Errors of project operations. Each carries a code a host can act on and, where a file is
 * at fault, the file's path, which the message also names.
 */

export type ProjectErrorCode =
  /** the folder, circuit or run does not exist */
  | 'not-found'
  /** a file does not parse or does not match its schema */
  | 'malformed'
  /** another live process holds the project's lock */
  | 'locked'
  /** the project was opened read-only (on request, or because its format is newer) */
  | 'read-only'
  /** a user-given name cannot be used */
  | 'bad-name'
  /** the name is taken */
  | 'exists'
  /** the operation does not fit the current state (resume a completed run, delete a running one) */
  | 'conflict'
  /** the file system refused (ENOSPC, EACCES, ...); `errno` holds the system code */
  | 'io';

export class ProjectError extends Error {
  readonly code: ProjectErrorCode;
  readonly file: string | null;
  readonly errno: string | null;

  constructor(code: ProjectErrorCode, message: string, opts: { file?: string; errno?: string; cause?: unknown } = {}) {
    super(message, opts.cause === undefined ? undefined : { cause: opts.cause });
    this.name = 'ProjectError';
    this.code = code;
    this.file = opts.file ?? null;
    this.errno = opts.errno ?? null;
  }
}

/** The system error code of an fs error ('ENOSPC', 'ENOENT', ...), if any. */
export function errnoOf(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && /^E[A-Z0-9]+$/.test(code) ? code : undefined;
}

/** Wraps a file-system failure as a ProjectError naming the file and keeping the system text. */
export function ioError(action: string, file: string, err: unknown): ProjectError {
  if (err instanceof ProjectError) return err;
  const errno = errnoOf(err);
  let detail = err instanceof Error ? err.message : String(err);
  if (errno === 'ENOSPC' && !detail.includes('no space left on device')) detail = `ENOSPC: no space left on device (${detail})`;
  return new ProjectError('io', `cannot ${action} ${file}: ${detail}`, { file, errno, cause: err });
}
