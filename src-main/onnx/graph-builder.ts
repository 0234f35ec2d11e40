import type { AttrValue, Dim, ElemType, GraphProto, NodeProto, TensorProto, ValueInfoProto } from './proto';
import { attribute, tensorProto, valueInfo } from './proto';

/**
 * Builds one ONNX graph node by node. Every value is named by the builder (unique, readable
 * prefixes such as `t3.l0.u`), so layer and neuron functions only pass names around.
 * Constants are initializers, deduplicated by value, so a scalar such as the decay
 * factor appears once however many steps use it.
 */
export class GraphBuilder {
  private readonly nodes: NodeProto[] = [];
  private readonly initializers: TensorProto[] = [];
  private readonly inputs: ValueInfoProto[] = [];
  private readonly outputs: ValueInfoProto[] = [];
  private readonly constants = new Map<string, string>();
  private scope = '';
  private constantPrefix = '';

  /** `used` is shared with subgraphs, so no name in a body shadows one of the outer graph. */
  constructor(readonly name: string, private readonly used = new Set<string>()) {}

  /**
   * A subgraph (the body of a Loop): it shares this graph's name registry, so its values
   * never shadow outer ones, and it may read any value of this graph (ONNX outer scope).
   * Its constants are its own initializers.
   */
  subgraph(base: string): GraphBuilder {
    const prefix = this.fresh(base);
    const child = new GraphBuilder(prefix, this.used);
    child.scope = prefix;
    child.constantPrefix = `${prefix}.`;
    return child;
  }

  /** Runs `fn` with names prefixed by `prefix.` (nested scopes join with dots). */
  within<T>(prefix: string, fn: () => T): T {
    const saved = this.scope;
    this.scope = saved ? `${saved}.${prefix}` : prefix;
    try {
      return fn();
    } finally {
      this.scope = saved;
    }
  }

  /**
   * A fresh value name in the current scope. Outside any scope names get a `v.` prefix,
   * so they never take an input's or output's plain name.
   */
  fresh(base: string): string {
    const stem = `${this.scope || 'v'}.${base}`;
    let name = stem;
    for (let i = 1; this.used.has(name); i++) name = `${stem}_${i}`;
    this.used.add(name);
    return name;
  }

  /** Declares a graph input. */
  input(name: string, type: ElemType, shape: readonly Dim[], doc = ''): string {
    this.claim(name);
    this.inputs.push(valueInfo(name, type, shape, doc));
    return name;
  }

  /** Declares a graph output: `value` is renamed to `name` through an Identity node. */
  output(value: string, name: string, type: ElemType, shape: readonly Dim[], doc = ''): void {
    this.claim(name);
    this.nodes.push({ opType: 'Identity', input: [value], output: [name], name: `output.${name}` });
    this.outputs.push(valueInfo(name, type, shape, doc));
  }

  /** A named initializer (e.g. a weight); the name is kept as given, so Netron shows it. */
  initializer(name: string, type: 'float' | 'double' | 'int64', dims: readonly number[], values: ArrayLike<number>): string {
    this.claim(name);
    this.initializers.push(tensorProto(name, type, dims, values));
    return name;
  }

  /** A constant tensor, shared between every use of the same value. */
  constant(type: 'float' | 'double' | 'int64', dims: readonly number[], values: ArrayLike<number>): string {
    const key = `${type}[${dims.join(',')}]:${Array.from(values).join(',')}`;
    const known = this.constants.get(key);
    if (known) return known;
    const name = `${this.constantPrefix}const.${type}.${this.constants.size}`;
    this.claim(name);
    this.initializers.push(tensorProto(name, type, dims, values));
    this.constants.set(key, name);
    return name;
  }

  /** A float32 scalar constant (the value is rounded to float32, as tfjs does with a JS number). */
  float(value: number): string {
    return this.constant('float', [], [value]);
  }

  /** Adds a node with one output; returns the output's name. */
  op(opType: string, inputs: readonly string[], attrs: Record<string, AttrValue> = {}, base = opType.toLowerCase()): string {
    const out = this.fresh(base);
    this.nodes.push({
      opType,
      name: `${out}:${opType}`,
      input: [...inputs],
      output: [out],
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
    });
    return out;
  }

  /** The finished graph. */
  build(doc = ''): GraphProto {
    return { name: this.name, docString: doc, node: this.nodes, initializer: this.initializers, input: this.inputs, output: this.outputs };
  }

  private claim(name: string): void {
    if (this.used.has(name)) throw new Error(`ONNX graph ${this.name}: the name '${name}' is used twice`);
    this.used.add(name);
  }
}
