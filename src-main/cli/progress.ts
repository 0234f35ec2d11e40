/** A one-line progress bar on a terminal (stderr); silent when stderr is not a TTY. */
export class ProgressBar {
  private readonly enabled = process.stderr.isTTY === true;
  private lastLength = 0;

  update(label: string, done: number, total: number, suffix = ''): void {
    if (!this.enabled) return;
    const width = 28;
    const filled = total > 0 ? Math.round((done / total) * width) : 0;
    const line = `${label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${suffix}`;
    process.stderr.write(`\r${line.padEnd(this.lastLength)}`);
    this.lastLength = line.length;
  }

  clear(): void {
    if (!this.enabled || this.lastLength === 0) return;
    process.stderr.write(`\r${' '.repeat(this.lastLength)}\r`);
    this.lastLength = 0;
  }
}
