import type { MatMulMode } from './matmul';

/**
 * The three ONNX forms of a trained network:
 * - `spiking`: the network unrolled over T steps, the engine's exact dynamics; counts out.
 * - `step`: one time step with explicit state inputs and outputs, for streaming.
 * - `rate`: the ANN form of the same weights (Gemm + a rate activation).
 */
export type OnnxFormat = 'spiking' | 'step' | 'rate';
export const ONNX_FORMATS: readonly OnnxFormat[] = ['spiking', 'step', 'rate'];

/**
 * The activation of the rate form (see rate.ts):
 * - `lif`: the steady-state firing rate of the engine's LIF neuron under a constant current;
 * - `clipped-relu`: clip(I / V_th, 0, 1 / (1 + refractory)), the usual ANN-to-SNN rate.
 */
export type RateActivation = 'lif' | 'clipped-relu';
export const RATE_ACTIVATIONS: readonly RateActivation[] = ['lif', 'clipped-relu'];

/** What to build. */
export interface GraphOptions {
  readonly format: OnnxFormat;
  /** spiking: also output the final membrane potential of the output layer */
  readonly membrane: boolean;
  /** how dense products are written (spiking and step formats) */
  readonly matmul: MatMulMode;
  /** rate format's activation */
  readonly rateActivation: RateActivation;
}

export const DEFAULT_GRAPH_OPTIONS: GraphOptions = { format: 'spiking', membrane: false, matmul: 'exact', rateActivation: 'lif' };
