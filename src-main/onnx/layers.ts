import { avgPoolExporter } from './avg-pool';
import { convExporter } from './conv';
import { denseExporter } from './dense';
import { OnnxExportError } from './errors';
import type { LayerExporter } from './layer-exporter';
import type { ExportLayer } from './network-view';

/** Every layer kind that can be exported, by kind. */
export const LAYER_EXPORTERS: readonly LayerExporter[] = [denseExporter, convExporter, avgPoolExporter];

/** The exporter of a layer; a clear error for a kind no exporter handles. */
export function layerExporter(layer: ExportLayer, exporters: readonly LayerExporter[] = LAYER_EXPORTERS): LayerExporter {
  const found = exporters.find((e) => e.kind === layer.spec.kind);
  if (!found) {
    throw new OnnxExportError(
      `layers[${layer.index}]: '${layer.spec.kind}' layers cannot be exported to ONNX (supported: ${exporters.map((e) => e.kind).join(', ')})`,
    );
  }
  return found;
}
