/**
 * The ONNX protobuf messages, through the `onnx-proto` package (static protobufjs code
 * generated from onnx.proto). Nothing here hand-encodes protobuf: we fill the generated
 * message interfaces and let `ModelProto.encode` write the bytes.
 */
import onnxProto from 'onnx-proto';

export const { onnx } = onnxProto;
export type ModelProto = onnxProto.onnx.IModelProto;
export type GraphProto = onnxProto.onnx.IGraphProto;
export type NodeProto = onnxProto.onnx.INodeProto;
export type TensorProto = onnxProto.onnx.ITensorProto;
export type ValueInfoProto = onnxProto.onnx.IValueInfoProto;
export type AttributeProto = onnxProto.onnx.IAttributeProto;

/** The operator set every export uses (the default `ai.onnx` domain). */
export const OPSET = 17;
/** IR version 8: the one ONNX 1.12 (which introduced opset 17) writes. */
export const IR_VERSION = 8;
/** The name of the symbolic batch dimension of every input and output. */
export const BATCH_DIM = 'batch';

/** Element types the exporter uses. */
export type ElemType = 'float' | 'double' | 'int64' | 'bool';

const ELEM: Record<ElemType, number> = {
  float: onnx.TensorProto.DataType.FLOAT,
  double: onnx.TensorProto.DataType.DOUBLE,
  int64: onnx.TensorProto.DataType.INT64,
  bool: onnx.TensorProto.DataType.BOOL,
};

/** The TensorProto.DataType code of an element type. */
export function elemCode(t: ElemType): number {
  return ELEM[t];
}

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

/** Little-endian bytes of a typed array (ONNX raw_data is always little-endian). */
function rawBytes(data: Float32Array | Float64Array | BigInt64Array): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('ONNX export needs a little-endian host');
  return new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength));
}

/** A tensor constant (an initializer, or a Constant node's / attribute's value). */
export function tensorProto(name: string, type: 'float' | 'double' | 'int64', dims: readonly number[], values: ArrayLike<number>): TensorProto {
  const n = dims.reduce((a, b) => a * b, 1);
  if (values.length !== n) throw new Error(`tensor ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
  const data = type === 'float' ? Float32Array.from(values)
    : type === 'double' ? Float64Array.from(values)
      : BigInt64Array.from(Array.from(values, (v) => BigInt(v)));
  return { name, dataType: elemCode(type), dims: [...dims], rawData: rawBytes(data) };
}

/** A dimension of a value's shape: a number, or a symbolic name such as `batch`. */
export type Dim = number | string;

/** A typed, shaped graph input or output. */
export function valueInfo(name: string, type: ElemType, shape: readonly Dim[], doc = ''): ValueInfoProto {
  return {
    name,
    docString: doc,
    type: {
      tensorType: {
        elemType: elemCode(type),
        shape: { dim: shape.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Attribute values the exporter needs. */
export type AttrValue = number | number[] | string | { tensor: TensorProto } | { float: number } | { graph: GraphProto };

/** Encodes one node attribute (plain numbers are INT attributes; use `{ float }` for FLOAT). */
export function attribute(name: string, value: AttrValue): AttributeProto {
  const T = onnx.AttributeProto.AttributeType;
  if (typeof value === 'number') return { name, type: T.INT, i: value };
  if (typeof value === 'string') return { name, type: T.STRING, s: new TextEncoder().encode(value) };
  if (Array.isArray(value)) return { name, type: T.INTS, ints: value };
  if ('tensor' in value) return { name, type: T.TENSOR, t: value.tensor };
  if ('graph' in value) return { name, type: T.GRAPH, g: value.graph };
  return { name, type: T.FLOAT, f: value.float };
}

/** Serialises a model to the bytes of a `.onnx` file. */
export function encodeModel(model: ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

/** Parses the bytes of a `.onnx` file (tests and inspection). */
export function decodeModel(bytes: Uint8Array): onnxProto.onnx.ModelProto {
  return onnx.ModelProto.decode(bytes);
}
