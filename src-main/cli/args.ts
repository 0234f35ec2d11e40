import { parseArgs } from 'node:util';

/** A command-line usage error: printed with the command's help, exit code 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

/** Parses argv strictly: unknown options and stray positionals are usage errors. */
export function parse<O extends OptionSpec>(argv: string[], options: O, positionals = 0) {
  try {
    const result = parseArgs({ args: argv, options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true });
    if (result.positionals.length > positionals) throw new UsageError(`unexpected argument '${result.positionals[positionals]}'`);
    return result;
  } catch (e) {
    if (e instanceof UsageError) throw e;
    throw new UsageError((e as Error).message);
  }
}

/** An integer option (undefined when absent); `min` bounds it. */
export function intOption(value: string | boolean | undefined, name: string, min = 1): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${String(value)}'`);
  return n;
}

export function numberOption(value: string | boolean | undefined, name: string): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0) throw new UsageError(`--${name} must be a positive number, got '${String(value)}'`);
  return n;
}

export function oneOf<T extends string>(value: string | boolean | undefined, name: string, allowed: readonly T[]): T | undefined {
  if (value === undefined) return undefined;
  if (!allowed.includes(value as T)) throw new UsageError(`--${name} must be one of ${allowed.join(', ')}, got '${String(value)}'`);
  return value as T;
}
