import type { GraphOptions } from './formats';
import { GraphBuilder } from './graph-builder';
import type { ExportNetwork } from './network-view';
import type { ModelProto } from './proto';
import { IR_VERSION, OPSET, encodeModel } from './proto';
import { buildRateGraph } from './rate';
import { buildSpikingGraph, buildStepGraph } from './spiking';

/** Where the weights came from and how well they did: written into `metadata_props`. */
export interface ExportProvenance {
  readonly apicalVersion: string;
  readonly dataset: string;
  /** sha256 of the data set's files (Dataset.hash) */
  readonly datasetHash: string;
  /** class names, index = class */
  readonly classes: readonly string[];
  /** the engine's spiking test accuracy, measured on `testSamples` test images */
  readonly testAccuracy: number;
  readonly testSamples: number;
  /** completed training epochs of the checkpoint */
  readonly epoch: number;
  /** checkpoint file the weights were read from */
  readonly checkpoint: string;
}

const FORMAT_DOC: Record<GraphOptions['format'], string> = {
  spiking: 'spiking network unrolled over T steps with the engine\'s exact LIF dynamics; outputs spike counts per class and the decision',
  step: 'one time step of the spiking network with explicit state inputs/outputs; feed zeros first, then each step\'s *_next',
  rate: 'rate (ANN) form of the same weights: Gemm + a rate activation per layer',
};

/** Builds the ONNX model of a network (opset 17, IR 8, symbolic batch dimension). */
export function buildOnnxModel(net: ExportNetwork, options: GraphOptions, provenance: ExportProvenance): ModelProto {
  const g = new GraphBuilder(`apical_${options.format}`);
  if (options.format === 'spiking') buildSpikingGraph(g, net, options.matmul, options.membrane);
  else if (options.format === 'step') buildStepGraph(g, net, options.matmul);
  else buildRateGraph(g, net, options.rateActivation);
  const doc = `${net.circuit.name}: ${FORMAT_DOC[options.format]}. Exported by Apical ${provenance.apicalVersion}.`;
  return {
    irVersion: IR_VERSION,
    opsetImport: [{ domain: '', version: OPSET }],
    producerName: 'apical',
    producerVersion: provenance.apicalVersion,
    modelVersion: 1,
    docString: doc,
    graph: g.build(doc),
    metadataProps: Object.entries(exportMetadata(net, options, provenance)).map(([key, value]) => ({ key, value })),
  };
}

/** The model's bytes. */
export function buildOnnxBytes(net: ExportNetwork, options: GraphOptions, provenance: ExportProvenance): Uint8Array {
  return encodeModel(buildOnnxModel(net, options, provenance));
}

/** The `metadata_props` entries (Netron lists them under the model's properties). */
export function exportMetadata(net: ExportNetwork, options: GraphOptions, p: ExportProvenance): Record<string, string> {
  const c = net.circuit;
  const meta: Record<string, string> = {
    'apical.format': options.format,
    'apical.version': p.apicalVersion,
    rule: c.rule.name,
    seed: String(c.seed),
    steps: String(c.steps),
    neuron: JSON.stringify(c.neuron),
    encoding: 'direct: a_0[t] = images (pixel / 255) every step',
    dataset: p.dataset,
    dataset_hash: p.datasetHash,
    classes: JSON.stringify(p.classes),
    test_accuracy: String(p.testAccuracy),
    test_samples: String(p.testSamples),
    test_accuracy_of: 'the spiking network in the engine (tfjs), on the first test_samples images of the test set',
    epoch: String(p.epoch),
    checkpoint: p.checkpoint,
    weight_layout: 'dense weights [in, out], I = a . W + b; conv kernels [k, k, in, out] over NHWC traces, I = conv(a, K) + b; initializers layers.<i>.weight and layers.<i>.bias',
    decision: 'argmax over classes of spike_counts + 0.5 * sigmoid(final output membrane potential), first class on ties',
    circuit: JSON.stringify(c),
  };
  if (options.format === 'rate') meta.rate_activation = options.rateActivation;
  else meta.matmul = options.matmul === 'exact'
    ? 'exact: bit-identical to the tfjs cpu backend (dense: float64 block sums of 48 inputs accumulated in float32; conv: taps accumulated one by one in float32)'
    : 'float32: plain MatMul and Conv';
  return meta;
}
