/** A fixed-capacity ring of numbers in a typed array: pushing past capacity drops the oldest. */
export class RingBuffer {
  private readonly data: Float64Array;
  private start = 0;
  private count = 0;

  constructor(readonly capacity: number) {
    this.data = new Float64Array(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(value: number): void {
    const end = (this.start + this.count) % this.capacity;
    this.data[end] = value;
    if (this.count < this.capacity) this.count++;
    else this.start = (this.start + 1) % this.capacity;
  }

  /** The i-th oldest value. */
  at(i: number): number {
    return this.data[(this.start + i) % this.capacity];
  }

  last(): number | undefined {
    return this.count === 0 ? undefined : this.at(this.count - 1);
  }

  clear(): void {
    this.start = 0;
    this.count = 0;
  }
}

/** Columns of equal length sharing one x axis, e.g. step → loss, accuracy. */
export class RingColumns<K extends string> {
  readonly x: RingBuffer;
  private readonly columns: Record<K, RingBuffer>;

  constructor(keys: readonly K[], capacity: number) {
    this.x = new RingBuffer(capacity);
    this.columns = Object.fromEntries(keys.map((k) => [k, new RingBuffer(capacity)])) as Record<K, RingBuffer>;
  }

  get length(): number {
    return this.x.length;
  }

  push(x: number, values: Readonly<Record<K, number>>): void {
    this.x.push(x);
    for (const k of Object.keys(this.columns) as K[]) this.columns[k].push(values[k]);
  }

  /** [x, y] pairs of one column, as a chart series takes them; longer columns are thinned evenly to `max` points (the newest kept). */
  pairs(key: K, max = Infinity): [number, number][] {
    const col = this.columns[key];
    const n = this.x.length;
    const stride = n > max ? n / max : 1;
    const out: [number, number][] = [];
    for (let f = n - 1; f >= 0; f -= stride) out.push([this.x.at(Math.floor(f)), col.at(Math.floor(f))]);
    return out.reverse();
  }

  clear(): void {
    this.x.clear();
    for (const k of Object.keys(this.columns) as K[]) this.columns[k].clear();
  }
}
