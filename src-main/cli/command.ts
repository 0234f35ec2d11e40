/** One CLI command: its help text and what it does. Returns the exit code. */
export interface Command {
  readonly name: string;
  readonly usage: string;
  run(argv: string[]): Promise<number>;
}
